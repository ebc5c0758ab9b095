package io.arraysock.cli;

import io.arraysock.net.SharedArrays;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@code arraysock forward} on one event-loop thread ({@link ForwardIoHandler}): the
 * listener, and for each accepted connection a {@link Relay} to its own connection to the
 * target, up to a limit of connections at once. At the limit the listener accepts no more
 * until one ends, so new connections wait in its backlog (a client that connects and quits
 * at a high rate, as redis-benchmark does between its tests, is slowed down, not refused).
 * {@link #close} (at exit: SIGTERM, SIGINT) stops listening, cuts every live connection
 * and detaches from the arrays.
 */
final class Forwarder implements AutoCloseable {
    /** Bytes one read may take: big enough that a stream costs few calls, small enough for many connections. */
    static final int MAX_READ = 128 * 1024;
    /** Bytes a side may hold unwritten before its reader stops (the back-pressure's slack). */
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(128 * 1024, 512 * 1024);
    private static final long STOP_WAIT_SECONDS = 5;

    private final ForwardEndpoint from;
    private final ForwardEndpoint to;
    private final ForwardEndpoint.ArraySettings arraySettings;
    private final Duration connectTimeout;
    private final int maxConnections;
    private final ForwardLog log;
    private final List<SharedArrays.Lease> leases;
    private final MultiThreadIoEventLoopGroup group;
    private final EventLoop loop;
    // the loop's thread only
    private final Set<Relay> live = new HashSet<>();
    private final ArrayDeque<Channel> waiting = new ArrayDeque<>();
    private int accepted;
    private boolean stopping;
    private Channel listener;
    private String listening;
    private boolean closed;

    /**
     * @param leases the arrays of the endpoints, held for the whole forward (one node each)
     * @param spin   {@code --idle spin}: the loop never sleeps
     */
    Forwarder(ForwardEndpoint from, ForwardEndpoint to, ForwardEndpoint.ArraySettings arraySettings, Duration connectTimeout,
              int maxConnections, ForwardLog log, List<SharedArrays.Lease> leases, boolean spin) {
        this.from = from;
        this.to = to;
        this.arraySettings = arraySettings;
        this.connectTimeout = connectTimeout;
        this.maxConnections = maxConnections;
        this.log = log;
        this.leases = new ArrayList<>(leases);
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("forward", true), ForwardIoHandler.newFactory(spin));
        this.loop = group.next();
    }

    /** Listens, then forwards until {@link #close}; returns then. A failure to listen is thrown. */
    void run() throws IOException, InterruptedException {
        ServerBootstrap b = new ServerBootstrap().group(group)
                .option(ChannelOption.SO_BACKLOG, maxConnections)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator(512, 16 * 1024, MAX_READ))
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        accepted(ch);
                    }
                });
        ChannelFuture f = from.listen(b, arraySettings).await();
        if (!f.isSuccess()) {
            f.channel().close();
            throw asIo(f.cause());
        }
        Channel l = f.channel();
        String shown = from.shown(l);
        loop.submit(() -> {
            listener = l;
            listening = shown;
            if (stopping) {
                l.close();
            }
        }).sync();
        log.started(shown, to.spec());
        l.closeFuture().await();
    }

    private static IOException asIo(Throwable t) {
        if (t instanceof IOException io) {
            return io;
        }
        if (t instanceof RuntimeException r) {
            throw r;
        }
        return new IOException(t);
    }

    private void accepted(Channel ch) {
        if (stopping) {
            Relay.abort(ch);
            return;
        }
        if (live.size() >= maxConnections) {
            waiting.add(ch);
            return;
        }
        start(ch);
    }

    private void start(Channel ch) {
        int id = ++accepted;
        Relay r = new Relay(id, ch, from.client(ch, listening), this::ended);
        live.add(r);
        if (live.size() >= maxConnections && listener != null) {
            listener.config().setAutoRead(false); // the rest wait in the backlog
            log.full(maxConnections);
        }
        ch.pipeline().addLast(new RelayHandler(r));
        Bootstrap b = new Bootstrap().group(ch.eventLoop())
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .option(ChannelOption.RCVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator(512, 16 * 1024, MAX_READ))
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()))
                .handler(new RelayHandler(r));
        to.connect(b, arraySettings).addListener((ChannelFuture c) -> {
            if (c.isSuccess()) {
                r.connected(c.channel(), to.target(c.channel()));
                return;
            }
            c.channel().close();
            Relay.abort(ch);
            if (!stopping) {
                log.refused(id, r.clientName, to.spec() + ": " + ExitCode.describe(MediumFaults.typed(c.cause())));
            }
            ch.closeFuture().addListener(x -> release(r));
        });
    }

    private void ended(Relay r, String how) {
        log.ended(r.id, r.clientName, r.targetName(), how, r.up, r.down, System.nanoTime() - r.started);
        release(r);
    }

    /** A connection is over: the next waiting one starts, or the listener accepts again. */
    private void release(Relay r) {
        if (!live.remove(r) || stopping) {
            return;
        }
        while (!waiting.isEmpty() && live.size() < maxConnections) {
            Channel next = waiting.poll();
            if (next.isActive()) {
                start(next);
            } else {
                next.close();
            }
        }
        if (live.size() < maxConnections && listener != null) {
            listener.config().setAutoRead(true);
        }
    }

    /**
     * Stops: the listener first (no new connection), then every live connection is cut
     * (TCP sides with a RST, array sides with a reset), then the loop ends and the arrays
     * are detached (their node slots FREE). Quiet: the connections it cuts are not errors.
     * Idempotent.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (!loop.isShuttingDown()) {
            loop.submit(() -> {
                stopping = true;
                if (listener != null) {
                    listener.close();
                }
                for (Relay r : List.copyOf(live)) {
                    r.stop();
                }
                for (Channel c : waiting) {
                    Relay.abort(c);
                }
                waiting.clear();
            }).awaitUninterruptibly(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
        }
        group.shutdownGracefully(0, STOP_WAIT_SECONDS, TimeUnit.SECONDS).awaitUninterruptibly(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
        from.cleanUp();
        for (SharedArrays.Lease l : leases) {
            try {
                l.array().close(); // whatever the loop left open is reset; the node is FREE
            } catch (IOException | InternalError e) {
                // stopping: a node left behind is judged dead by its free lock or its silence
            }
            l.close();
        }
    }
}
