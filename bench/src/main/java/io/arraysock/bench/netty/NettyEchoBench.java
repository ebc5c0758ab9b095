package io.arraysock.bench.netty;

import io.arraysock.FormatOptions;
import io.arraysock.StorageArray;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoopGroup;
import org.HdrHistogram.Histogram;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Netty echo over the array (shm) against Netty's epoll transport over TCP loopback and over a
 * Unix-domain socket, in one run: the server in a second JVM ({@link NettyEchoServer}, one loop
 * thread), this JVM the client (one loop thread). Per transport:
 * <ul>
 * <li>streaming echo of 64 B and 64 KiB messages on one connection and on {@value #MANY}
 *     connections at once (MB/s of bytes echoed back, 10^6 bytes/s), a bounded window in flight;
 * <li>64 B round trips, one at a time: p50 and p99 (µs).
 * </ul>
 * Each series warms up for {@code warm-up-millis}, then measures {@code iterations} windows of
 * {@code millis}. Appends rows {@code transport metric size iteration value} to {@code out.tsv}
 * and writes {@code out.md}. Run by {@code scripts/bench-netty} on a quiet machine, never by tests.
 *
 * <p>Arguments: out.tsv out.md array-path tcp-port unix-path iterations millis warm-up-millis [transports],
 * the last a comma-separated list of labels ({@code netty-array,netty-epoll-tcp,netty-epoll-unix}: all).
 */
public final class NettyEchoBench {
    static final int SMALL = 64;
    static final int LARGE = 64 * 1024;
    static final int MANY = 256;
    private static final long TIMEOUT_S = 60;

    private final List<String> rows = new ArrayList<>();
    private final Results results = new Results();
    private final int iterations;
    private final long millis;
    private final long warmUpMillis;

    private NettyEchoBench(int iterations, long millis, long warmUpMillis) {
        this.iterations = iterations;
        this.millis = millis;
        this.warmUpMillis = warmUpMillis;
    }

    public static void main(String[] args) throws Exception {
        Locale.setDefault(Locale.ROOT);
        NettyEchoBench bench = new NettyEchoBench(Integer.parseInt(args[5]), Long.parseLong(args[6]), Long.parseLong(args[7]));
        String[] where = {args[2], args[3], args[4]};
        List<String> only = args.length > 8 ? List.of(args[8].split(",")) : List.of();
        for (EchoTransport t : EchoTransport.values()) {
            if (!only.isEmpty() && !only.contains(t.label)) {
                continue;
            }
            if (t == EchoTransport.ARRAY) {
                formatArray(where[0]);
            }
            bench.run(t, where[t.ordinal()]);
        }
        Files.write(Path.of(args[0]), bench.rows, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        Files.writeString(Path.of(args[1]), bench.results.markdown(bench.iterations, bench.millis), StandardCharsets.UTF_8);
        System.out.print(bench.results.markdown(bench.iterations, bench.millis));
    }

    /** Room for {@value #MANY} connections with their rings on both nodes, plus spare. */
    private static void formatArray(String path) throws IOException {
        long arena = (long) (MANY + 16) * EchoTransport.ARRAY_RING * 2 + (16 << 20);
        StorageArray.format(path, FormatOptions.defaults().withNodeSlots(4).withSocketsPerNode(MANY + 64)
                .withArenaSize(arena).withForce(true));
    }

    private void run(EchoTransport t, String where) throws Exception {
        System.err.printf("netty echo: %s%n", t.label);
        Process server = startServer(t, where);
        EventLoopGroup group = t.newGroup("echo-client-loop");
        try {
            int port = awaitReady(server);
            var address = t.connectAddress(where, port);
            for (int size : new int[] {SMALL, LARGE}) {
                for (int connections : new int[] {1, MANY}) {
                    stream(t, group, address, size, connections);
                }
            }
            roundTrips(t, group, address);
        } finally {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(TIMEOUT_S, TimeUnit.SECONDS);
            server.getOutputStream().close();
            if (!server.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
            if (t == EchoTransport.EPOLL_UNIX) {
                Files.deleteIfExists(Path.of(where));
            }
        }
    }

    private static Process startServer(EchoTransport t, String where) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        return new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-Xmx1g", "-XX:+UseParallelGC",
                "-cp", System.getProperty("java.class.path"), NettyEchoServer.class.getName(), t.label, where,
                Integer.toString(MANY + 8)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    private static int awaitReady(Process server) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            if (line.startsWith("READY ")) {
                return Integer.parseInt(line.substring(6).trim());
            }
        }
        throw new IOException("the echo server ended before it was ready (exit " + server.exitValue() + ")");
    }

    private void stream(EchoTransport t, EventLoopGroup group, java.net.SocketAddress address, int size, int connections)
            throws Exception {
        ByteBuf message = message(size);
        long window = size == SMALL ? 16 * 1024 : 256 * 1024;
        List<EchoPump> pumps = new ArrayList<>();
        List<Channel> channels = connect(t, group, address, connections, () -> {
            EchoPump p = new EchoPump(message, window);
            pumps.add(p);
            return p;
        });
        try {
            String metric = connections == 1 ? "echo-MBps" : "echo-MBps-" + connections;
            Thread.sleep(warmUpMillis);
            long before = echoed(group, pumps);
            for (int i = 0; i < iterations; i++) {
                long t0 = System.nanoTime();
                Thread.sleep(millis);
                long after = echoed(group, pumps);
                double mbps = (after - before) / ((System.nanoTime() - t0) / 1e9) / 1e6;
                before = after;
                record(t, metric, size, i, mbps);
            }
        } finally {
            close(channels);
            message.release();
        }
    }

    private void roundTrips(EchoTransport t, EventLoopGroup group, java.net.SocketAddress address) throws Exception {
        ByteBuf message = message(SMALL);
        List<PingPong> pings = new ArrayList<>();
        List<Channel> channels = connect(t, group, address, 1, () -> {
            PingPong p = new PingPong(message);
            pings.add(p);
            return p;
        });
        try {
            PingPong ping = pings.get(0);
            Thread.sleep(warmUpMillis);
            for (int i = 0; i < iterations; i++) {
                onLoop(group, () -> {
                    ping.histogram().reset();
                    return null;
                });
                Thread.sleep(millis);
                Histogram h = onLoop(group, () -> ping.histogram().copy());
                record(t, "rtt-p50-us", SMALL, i, h.getValueAtPercentile(50) / 1e3);
                record(t, "rtt-p99-us", SMALL, i, h.getValueAtPercentile(99) / 1e3);
            }
        } finally {
            close(channels);
            message.release();
        }
    }

    private static ByteBuf message(int size) {
        ByteBuf b = Unpooled.directBuffer(size);
        for (int i = 0; i < size; i++) {
            b.writeByte(i * 31);
        }
        return b;
    }

    /** Opens {@code n} connections, each with a fresh handler, and waits until all are connected. */
    private static List<Channel> connect(EchoTransport t, EventLoopGroup group, java.net.SocketAddress address, int n,
                                         java.util.function.Supplier<ChannelHandler> handler) throws Exception {
        List<ChannelFuture> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            // handlers are created on this thread, before the connect: the lists they go in are this thread's
            futures.add(t.client(group).handler(handler.get()).connect(address));
        }
        List<Channel> channels = new ArrayList<>();
        for (ChannelFuture f : futures) {
            if (!f.await(TIMEOUT_S, TimeUnit.SECONDS) || !f.isSuccess()) {
                throw new IOException(t.label + ": connect failed", f.cause());
            }
            channels.add(f.channel());
        }
        return channels;
    }

    private static void close(List<Channel> channels) throws InterruptedException {
        for (Channel c : channels) {
            c.close().await(TIMEOUT_S, TimeUnit.SECONDS);
        }
    }

    /** Bytes echoed on all pumps: they share the one client loop, so one task reads them all. */
    private static long echoed(EventLoopGroup group, List<EchoPump> pumps) throws Exception {
        return onLoop(group, () -> pumps.stream().mapToLong(EchoPump::echoed).sum());
    }

    private static <T> T onLoop(EventLoopGroup group, java.util.concurrent.Callable<T> task) throws Exception {
        return group.next().submit(task).get(TIMEOUT_S, TimeUnit.SECONDS);
    }

    private void record(EchoTransport t, String metric, int size, int iteration, double value) {
        rows.add(String.join("\t", t.label, metric, Integer.toString(size), Integer.toString(iteration),
                String.format("%.3f", value)));
        results.add(t, metric, size, value);
        System.err.printf("  %s %s %d #%d: %.2f%n", t.label, metric, size, iteration, value);
    }

    static Function<Double, String> fmt() {
        return v -> v >= 100 ? String.format("%.0f", v) : String.format("%.1f", v);
    }
}
