package io.arraysock.netty;

import io.arraysock.ArraySocket;
import io.arraysock.api.Doorbell;
import io.arraysock.api.SocketType;
import io.arraysock.net.ArraySocketAddress;
import io.arraysock.net.SharedArrays;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.AbstractChannel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.concurrent.Future;
import io.netty.util.internal.StringUtil;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ConnectionPendingException;
import java.nio.channels.UnsupportedAddressTypeException;
import java.util.concurrent.TimeUnit;

/**
 * A Netty stream channel whose bytes travel through the array: the client end made by a
 * {@code Bootstrap} ({@code .channel(ArrayNettyChannel.class)}, connecting to an
 * {@link ArraySocketAddress}), or a connection accepted by an {@link ArrayNettyServerChannel}.
 * Served by an {@link ArrayIoHandler} loop.
 *
 * <ul>
 * <li>Reads go into {@code ByteBuf}s from the channel's allocator, sized by its
 * {@link RecvByteBufAllocator}; the library copies from the ring straight into them.
 * <li>Writes copy from the {@code ByteBuf}s (direct or heap) straight into the ring
 * ({@code sendNow}). When the ring is full the bytes stay in the outbound buffer, so its
 * write-buffer water marks (channel writability) are the ring's back-pressure; the loop
 * writes on when the peer has made room.
 * <li>Half-close: {@link #shutdownOutput()} ends the stream after what was written;
 * with {@code ALLOW_HALF_CLOSURE} an end of stream from the peer fires
 * {@link ChannelInputShutdownEvent} and the channel stays open for writing, without it
 * the channel closes.
 * <li>Connect is the library's non-blocking one ({@code connectNow}); each loop round looks
 * for the listener's answer ({@code finishConnect}) while it is pending, so a connect costs
 * no thread. {@code CONNECT_TIMEOUT_MILLIS} is a task scheduled on the loop that fails the
 * promise ({@link ConnectTimeoutException}) and closes the channel; a close while pending
 * takes the request back.
 * </ul>
 */
public final class ArrayNettyChannel extends AbstractChannel implements DuplexChannel {
    private static final ChannelMetadata METADATA = new ChannelMetadata(false, 16);
    /** The most buffers one gathering send takes (as Netty's epoll transport caps a writev). */
    private static final int MAX_GATHER = 1024;

    private final ArrayNettyChannelConfig config = new ArrayNettyChannelConfig(this);
    /** Guarded by the loop (set before registration for accepted channels). */
    private ArraySocket socket;
    private SharedArrays.Lease lease;
    private IoRegistration registration;
    private volatile boolean open = true;
    private volatile ArraySocketAddress local;
    private volatile ArraySocketAddress remote;
    // loop thread only
    private boolean readPending;
    private boolean writeWaitsForRoom;
    private boolean inputEnded;
    /** Set while a connect is pending: the loop polls {@code finishConnect} for it. */
    private ChannelPromise connectPromise;
    private ArraySocketAddress connectingTo;
    private Future<?> connectTimeout;
    /** One byte a probe took from the ring, delivered first by the next read. */
    private final ByteBuffer probe = ByteBuffer.allocate(1);
    private boolean probeHoldsByte;

    /** A client channel, unconnected (for {@code Bootstrap.channel}). */
    public ArrayNettyChannel() {
        super(null);
    }

    /** A connection {@code parent} accepted. */
    ArrayNettyChannel(ArrayNettyServerChannel parent, ArraySocket accepted, SharedArrays.Lease lease, String arrayPath) {
        super(parent);
        this.socket = accepted;
        this.lease = lease;
        this.local = new ArraySocketAddress(arrayPath, accepted.localPort());
        this.remote = new ArraySocketAddress(arrayPath, accepted.remotePort());
    }

    @Override
    public ArrayNettyChannelConfig config() {
        return config;
    }

    @Override
    public ChannelMetadata metadata() {
        return METADATA;
    }

    @Override
    public ArrayNettyServerChannel parent() {
        return (ArrayNettyServerChannel) super.parent();
    }

    @Override
    public ArraySocketAddress localAddress() {
        return (ArraySocketAddress) super.localAddress();
    }

    @Override
    public ArraySocketAddress remoteAddress() {
        return (ArraySocketAddress) super.remoteAddress();
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public boolean isActive() {
        ArraySocket s = socket;
        return open && s != null && s.isConnected();
    }

    /** The peer's node on the array (for log lines: which host it is), -1 before it is connected. */
    public int remoteNode() {
        ArraySocket s = socket;
        return s == null || !s.isConnected() ? -1 : s.remoteNode();
    }

    @Override
    protected SocketAddress localAddress0() {
        return local;
    }

    @Override
    protected SocketAddress remoteAddress0() {
        return remote;
    }

    @Override
    protected AbstractUnsafe newUnsafe() {
        return new ArrayUnsafe();
    }

    @Override
    protected boolean isCompatible(EventLoop loop) {
        return loop instanceof IoEventLoop l && l.isCompatible(ArrayUnsafe.class);
    }

    @Override
    protected void doRegister(ChannelPromise promise) {
        ((IoEventLoop) eventLoop()).register((ArrayUnsafe) unsafe()).addListener(f -> {
            if (f.isSuccess()) {
                registration = (IoRegistration) f.getNow();
                promise.setSuccess();
            } else {
                promise.setFailure(f.cause());
            }
        });
    }

    @Override
    protected void doDeregister() {
        IoRegistration r = registration;
        if (r != null) {
            registration = null;
            r.cancel();
        }
    }

    @Override
    protected void doBind(SocketAddress localAddress) throws Exception {
        ArraySocketAddress a = arrayAddress(localAddress);
        openSocket(a.arrayPath());
        socket.bind(a.port());
        local = new ArraySocketAddress(a.arrayPath(), socket.localPort());
    }

    /** Opens this client's socket on {@code arrayPath}'s array (once; shared attachment). */
    private void openSocket(String arrayPath) throws IOException {
        if (socket != null) {
            if (!arrayPath.equals(local == null ? arrayPath : local.arrayPath())) {
                throw new UnsupportedAddressTypeException(); // bound on one array, connecting on another
            }
            return;
        }
        SharedArrays.Lease l = SharedArrays.acquire(arrayPath);
        try {
            ArraySocket s = l.array().openSocket(SocketType.STREAM);
            if (config.getSendBufferSize() > 0) {
                s.setSendBufferSize(config.getSendBufferSize());
            }
            if (config.getReceiveBufferSize() > 0) {
                s.setReceiveBufferSize(config.getReceiveBufferSize());
            }
            if (config.authKey() != null) {
                s.setAuthenticationKey(config.authKey());
            }
            socket = s;
            lease = l;
        } catch (IOException | RuntimeException e) {
            l.close();
            throw e;
        }
    }

    static ArraySocketAddress arrayAddress(SocketAddress address) {
        if (address instanceof ArraySocketAddress a) {
            return a;
        }
        throw new UnsupportedAddressTypeException();
    }

    @Override
    protected void doDisconnect() throws Exception {
        doClose();
    }

    @Override
    protected void doClose() {
        open = false;
        ChannelPromise p = connectPromise;
        if (p != null) {
            connectPromise = null;
            cancelConnectTimeout();
            p.tryFailure(new ClosedChannelException());
        }
        releaseSocket(); // a pending connect: the socket's close takes the request back
    }

    private void cancelConnectTimeout() {
        Future<?> f = connectTimeout;
        if (f != null) {
            connectTimeout = null;
            f.cancel(false);
        }
    }

    private void releaseSocket() {
        ArraySocket s = socket;
        if (s != null) {
            if (config.closeResets()) {
                s.abort();
            } else {
                s.close();
            }
        }
        if (lease != null) {
            lease.close();
        }
    }

    @Override
    protected void doBeginRead() {
        if (!inputEnded) {
            readPending = true;
        }
    }

    /** autoRead was switched off: no further read until {@code read()} is called. */
    void clearReadPending() {
        if (isRegistered() && !eventLoop().inEventLoop()) {
            eventLoop().execute(() -> readPending = false);
        } else {
            readPending = false;
        }
    }

    @Override
    protected Object filterOutboundMessage(Object msg) {
        if (msg instanceof ByteBuf) {
            return msg;
        }
        throw new UnsupportedOperationException("unsupported message type: " + StringUtil.simpleClassName(msg)
                + " (expected: ByteBuf)");
    }

    @Override
    protected void doWrite(ChannelOutboundBuffer in) throws Exception {
        int spins = config.getWriteSpinCount();
        writeWaitsForRoom = false;
        while (true) {
            Object msg = in.current();
            if (msg == null) {
                return;
            }
            ByteBuf buf = (ByteBuf) msg;
            if (!buf.isReadable()) {
                in.remove();
                continue;
            }
            long sent;
            if (in.size() > 1) {
                // many buffers flushed: one gathering send, one publish to the peer (as writev for epoll)
                ByteBuffer[] parts = in.nioBuffers(MAX_GATHER, Long.MAX_VALUE);
                sent = socket.sendNow(parts, 0, in.nioBufferCount());
            } else {
                sent = send(buf);
            }
            if (sent == 0) {
                writeWaitsForRoom = true; // the ring is full: the loop writes on when room appears
                return;
            }
            in.removeBytes(sent);
            if (--spins <= 0) {
                writeWaitsForRoom = true; // fairness: let the loop serve others, then go on
                return;
            }
        }
    }

    /** Moves what fits of {@code buf} into the ring, without waiting; the count. */
    private long send(ByteBuf buf) throws IOException {
        int readable = buf.readableBytes();
        if (buf.nioBufferCount() == 1) {
            return socket.sendNow(buf.internalNioBuffer(buf.readerIndex(), readable));
        }
        long sent = 0;
        for (ByteBuffer part : buf.nioBuffers(buf.readerIndex(), readable)) {
            int want = part.remaining();
            int n = socket.sendNow(part);
            sent += n;
            if (n < want) {
                break;
            }
        }
        return sent;
    }

    @Override
    protected void doShutdownOutput() throws Exception {
        socket.shutdownOutput();
    }

    // ---- DuplexChannel ------------------------------------------------------------------

    @Override
    public boolean isInputShutdown() {
        ArraySocket s = socket;
        return s == null || s.isInputShutdown() || inputEnded || !open;
    }

    @Override
    public ChannelFuture shutdownInput() {
        return shutdownInput(newPromise());
    }

    @Override
    public ChannelFuture shutdownInput(ChannelPromise promise) {
        if (eventLoop().inEventLoop()) {
            shutdownInput0(promise);
        } else {
            eventLoop().execute(() -> shutdownInput0(promise));
        }
        return promise;
    }

    private void shutdownInput0(ChannelPromise promise) {
        try {
            socket.shutdownInput(); // the next read sees end of stream and fires the events
            promise.setSuccess();
        } catch (Throwable t) {
            promise.setFailure(t);
        }
    }

    @Override
    public boolean isOutputShutdown() {
        ArraySocket s = socket;
        return s == null || s.isOutputShutdown() || !open;
    }

    @Override
    public ChannelFuture shutdownOutput() {
        return shutdownOutput(newPromise());
    }

    @Override
    public ChannelFuture shutdownOutput(ChannelPromise promise) {
        if (eventLoop().inEventLoop()) {
            ((AbstractUnsafe) unsafe()).shutdownOutput(promise);
        } else {
            eventLoop().execute(() -> ((AbstractUnsafe) unsafe()).shutdownOutput(promise));
        }
        return promise;
    }

    @Override
    public boolean isShutdown() {
        return isInputShutdown() && isOutputShutdown();
    }

    @Override
    public ChannelFuture shutdown() {
        return shutdown(newPromise());
    }

    @Override
    public ChannelFuture shutdown(ChannelPromise promise) {
        ChannelFuture output = shutdownOutput();
        output.addListener(f -> {
            ChannelFuture input = shutdownInput();
            input.addListener(g -> {
                Throwable cause = f.cause() != null ? f.cause() : g.cause();
                if (cause == null) {
                    promise.trySuccess();
                } else {
                    promise.tryFailure(cause);
                }
            });
        });
        return promise;
    }

    // ---- the loop's side ----------------------------------------------------------------

    private final class ArrayUnsafe extends AbstractUnsafe implements ArrayIoHandle {
        @Override
        public void connect(SocketAddress remoteAddress, SocketAddress localAddress, ChannelPromise promise) {
            if (!promise.setUncancellable() || !ensureOpen(promise)) {
                return;
            }
            if (connectPromise != null) {
                safeSetFailure(promise, new ConnectionPendingException());
                return;
            }
            if (socket != null && socket.isConnected()) {
                safeSetFailure(promise, new AlreadyConnectedException());
                return;
            }
            ArraySocketAddress to;
            try {
                to = arrayAddress(remoteAddress);
                if (localAddress != null) {
                    doBind(localAddress);
                }
                openSocket(to.arrayPath());
                if (!socket.isBound()) {
                    socket.bind(0); // a local port, as a TCP connect binds one
                    local = new ArraySocketAddress(to.arrayPath(), socket.localPort());
                }
            } catch (Throwable t) {
                safeSetFailure(promise, annotateConnectException(t, remoteAddress));
                closeIfClosed();
                return;
            }
            boolean connected;
            try {
                connected = socket.connectNow(to.port());
            } catch (Throwable t) {
                safeSetFailure(promise, annotateConnectException(t, remoteAddress));
                close(voidPromise());
                return;
            }
            if (connected) {
                fulfillConnect(promise, to, null);
                return;
            }
            connectPromise = promise;
            connectingTo = to;
            int timeoutMillis = config.getConnectTimeoutMillis();
            if (timeoutMillis > 0) {
                connectTimeout = eventLoop().schedule(() -> {
                    ChannelPromise p = connectPromise;
                    if (p == promise) {
                        connectPromise = null;
                        connectTimeout = null;
                        p.tryFailure(new ConnectTimeoutException(
                                "connection timed out after " + timeoutMillis + " ms: " + to));
                        close(voidPromise()); // the socket's close takes the pending request back
                    }
                }, timeoutMillis, TimeUnit.MILLISECONDS);
            }
        }

        /** One look, without waiting, for the pending connect's answer; 1 when it came. */
        private int pollConnect() {
            ChannelPromise promise = connectPromise;
            boolean connected;
            try {
                connected = socket.finishConnect();
            } catch (Throwable t) {
                connectPromise = null;
                cancelConnectTimeout();
                fulfillConnect(promise, connectingTo, t);
                return 1;
            }
            if (!connected) {
                return 0;
            }
            connectPromise = null;
            cancelConnectTimeout();
            fulfillConnect(promise, connectingTo, null);
            return 1;
        }

        private void fulfillConnect(ChannelPromise promise, ArraySocketAddress to, Throwable failure) {
            if (failure != null) {
                promise.tryFailure(annotateConnectException(failure, to));
                close(voidPromise());
                return;
            }
            remote = to;
            boolean active = isActive();
            boolean promiseSet = promise.trySuccess();
            if (active) {
                pipeline().fireChannelActive();
            }
            if (!promiseSet) {
                close(voidPromise());
            }
        }

        @Override
        public void close() {
            close(voidPromise());
        }

        @Override
        public Doorbell doorbell() {
            ArraySocket s = socket;
            return open && s != null && connectPromise == null && s.isConnected() ? s.doorbell() : null;
        }

        @Override
        public boolean needsPolling() {
            return open && connectPromise != null;
        }

        @Override
        public void loopWaiting(boolean sleeping) {
            ArraySocket s = socket;
            if (s == null || !s.isConnected()) {
                return;
            }
            boolean read = sleeping && open && !inputEnded && (readPending || !probeHoldsByte);
            try {
                s.loopWaiting(read, sleeping && open && writeWaitsForRoom);
            } catch (Throwable t) {
                // the next poll reports what failed
            }
        }

        @Override
        public int poll() {
            if (!open || socket == null) {
                return 0;
            }
            if (connectPromise != null) {
                return pollConnect();
            }
            if (!socket.isConnected()) {
                return 0; // bound only, or a connect that failed
            }
            int progress = 0;
            if (writeWaitsForRoom) {
                ChannelOutboundBuffer out = outboundBuffer();
                long before = out == null ? 0 : out.totalPendingWriteBytes();
                flush0();
                long after = out == null ? 0 : out.totalPendingWriteBytes();
                progress += (int) Math.min(Integer.MAX_VALUE, Math.max(0, before - after));
            }
            if (readPending && open && !inputEnded) {
                progress += read();
            } else if (open && !inputEnded && !probeHoldsByte) {
                progress += watchForEnd();
            }
            return progress;
        }

        /**
         * Without a read pending, the peer's end of stream (or a reset) is still noticed, as
         * the native transports notice a hang-up with reads off: when no byte waits, a
         * one-byte probe sees the end; a byte that arrived meanwhile stays in the probe for
         * the next read.
         */
        private int watchForEnd() {
            try {
                if (socket.available() > 0) {
                    return 0;
                }
                int n = socket.receiveNow(probe.clear());
                if (n > 0) {
                    probeHoldsByte = true;
                } else if (n < 0) {
                    inputEnded(pipeline());
                    return 1;
                }
                return 0;
            } catch (Throwable t) {
                pipeline().fireExceptionCaught(t);
                close(voidPromise());
                return 1;
            }
        }

        /** One read: as much as the allocator handle asks for, into its buffers. */
        @SuppressWarnings("deprecation") // RecvByteBufAllocator.Handle: what recvBufAllocHandle() returns in 4.2
        private int read() {
            ChannelPipeline pipeline = pipeline();
            RecvByteBufAllocator.Handle handle = recvBufAllocHandle();
            handle.reset(config);
            ByteBufAllocator alloc = config.getAllocator();
            int total = 0;
            boolean eof = false;
            ByteBuf buf = null;
            try {
                do {
                    int first = 0;
                    if (probeHoldsByte) {
                        probeHoldsByte = false;
                        first = 1;
                    } else if (socket.available() == 0) {
                        // a probe: sees end of stream (or a reset) and lets the library check the peer
                        first = socket.receiveNow(probe.clear());
                        if (first <= 0) {
                            eof = first < 0;
                            break;
                        }
                    }
                    buf = handle.allocate(alloc);
                    if (first > 0) {
                        buf.writeByte(probe.get(0));
                    }
                    handle.attemptedBytesRead(buf.writableBytes());
                    int n = socket.receiveNow(buf.internalNioBuffer(buf.writerIndex(), buf.writableBytes()));
                    if (n < 0) {
                        eof = true;
                        n = 0;
                    }
                    buf.writerIndex(buf.writerIndex() + n);
                    int got = buf.readableBytes();
                    if (got == 0) {
                        buf.release();
                        buf = null;
                        break;
                    }
                    handle.lastBytesRead(got);
                    handle.incMessagesRead(1);
                    total += got;
                    readPending = false;
                    ByteBuf delivered = buf;
                    buf = null;
                    pipeline.fireChannelRead(delivered);
                } while (!eof && open && handle.continueReading());
                if (total > 0) {
                    handle.readComplete();
                    pipeline.fireChannelReadComplete();
                }
                if (eof) {
                    inputEnded(pipeline);
                }
            } catch (Throwable t) {
                if (buf != null) {
                    buf.release();
                }
                if (total > 0) {
                    handle.readComplete();
                    pipeline.fireChannelReadComplete();
                }
                pipeline.fireExceptionCaught(t);
                close(voidPromise());
            }
            return total + (eof ? 1 : 0);
        }

        /** The peer ended its stream: half-closed if allowed, else closed. */
        private void inputEnded(ChannelPipeline pipeline) {
            inputEnded = true;
            readPending = false;
            if (config.isAllowHalfClosure()) {
                pipeline.fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
                pipeline.fireUserEventTriggered(ChannelInputShutdownReadComplete.INSTANCE);
            } else {
                close(voidPromise());
            }
        }
    }
}
