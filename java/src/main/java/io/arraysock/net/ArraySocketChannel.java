package io.arraysock.net;

import io.arraysock.ArraySocket;
import io.arraysock.api.SocketType;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.ByteChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.NetworkChannel;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.ScatteringByteChannel;
import java.nio.channels.UnsupportedAddressTypeException;
import java.nio.channels.spi.AbstractInterruptibleChannel;
import java.util.Objects;
import java.util.Set;

/**
 * A stream socket on an array as a channel, with {@link java.nio.channels.SocketChannel}'s
 * observable behaviour, so code written against channels moves over unchanged:
 * <ul>
 * <li>blocking mode (the default): a read waits for at least one byte and returns what is
 * there (a partial read), -1 at end of stream; a write returns once all bytes are sent;
 * <li>non-blocking mode ({@link #configureBlocking configureBlocking(false)}): reads and
 * writes move what they can now, maybe 0 bytes; there is no selector (the array has no
 * readiness events a JDK selector could wait on), so callers poll;
 * <li>after {@link #close}: {@link ClosedChannelException}; a thread blocked in a read or
 * write when another closes the channel gets {@link java.nio.channels.AsynchronousCloseException},
 * and an interrupted one {@link java.nio.channels.ClosedByInterruptException} (the channel
 * is closed, as for any interruptible channel);
 * <li>a write after {@link #shutdownOutput} throws {@link ClosedChannelException}; a read
 * after {@link #shutdownInput} returns -1.
 * </ul>
 * Options (kept by {@link AdapterOptions}, shared with the other adapters):
 * {@code SO_SNDBUF}/{@code SO_RCVBUF} size the rings (before connecting); {@code TCP_NODELAY}
 * and {@code SO_KEEPALIVE} are accepted and have nothing to do (the array has no Nagle delay;
 * liveness is the node heartbeat).
 */
public final class ArraySocketChannel extends AbstractInterruptibleChannel
        implements ByteChannel, ScatteringByteChannel, GatheringByteChannel, NetworkChannel {
    private final ArraySocket socket;
    private final String arrayPath;
    private final AutoCloseable owner;
    private final AdapterOptions<ClosedChannelException> options;
    private volatile boolean blocking = true;

    /**
     * A channel over {@code socket} (a stream socket of the array on {@code arrayPath});
     * closing the channel closes {@code owner}, which must close the socket.
     */
    ArraySocketChannel(ArraySocket socket, String arrayPath, AutoCloseable owner) {
        if (socket.type() != SocketType.STREAM) {
            throw new IllegalArgumentException("a channel needs a stream socket, not " + socket.type());
        }
        this.socket = socket;
        this.arrayPath = arrayPath;
        this.owner = owner;
        this.options = AdapterOptions.forChannel(this::ensureOpen, socket);
    }

    /** Connects to {@code remote}, attaching its array (shared, see {@link SharedArrays}). */
    public static ArraySocketChannel open(ArraySocketAddress remote) throws IOException {
        SharedArrays.Lease lease = SharedArrays.acquire(remote.arrayPath());
        ArraySocket s = null;
        try {
            s = lease.array().openSocket(SocketType.STREAM);
            s.bind(0); // a local port, as SocketChannel binds one on connect
            s.connect(remote.port());
            ArraySocket opened = s;
            return new ArraySocketChannel(s, remote.arrayPath(), () -> {
                opened.close();
                lease.close();
            });
        } catch (IOException | RuntimeException e) {
            if (s != null) {
                s.close();
            }
            lease.close();
            throw e;
        }
    }

    /** Connects to {@code array:PATH?port=N}. */
    public static ArraySocketChannel open(String uri) throws IOException {
        return open(ArraySocketAddress.parse(uri));
    }

    /**
     * A channel over a connected stream socket the caller made (for example one from
     * {@link ArraySocket#accept()}); closing the channel closes the socket.
     */
    public static ArraySocketChannel of(ArraySocket socket, String arrayPath) {
        return new ArraySocketChannel(socket, arrayPath, socket::close);
    }

    /** The array socket underneath, for what channels cannot say (node, idle strategy). */
    public ArraySocket socket() {
        return socket;
    }

    // ---- blocking mode -------------------------------------------------------------------

    /** Blocking (the default) waits as {@link ArraySocket#receive}/{@link ArraySocket#send}; non-blocking moves what it can now. */
    public ArraySocketChannel configureBlocking(boolean block) throws IOException {
        ensureOpen();
        this.blocking = block;
        return this;
    }

    public boolean isBlocking() {
        return blocking;
    }

    public boolean isConnected() {
        return socket.isConnected();
    }

    // ---- data ----------------------------------------------------------------------------

    @Override
    public int read(ByteBuffer dst) throws IOException {
        Objects.requireNonNull(dst, "dst");
        ensureReadable();
        return (int) transfer(true, () -> blocking ? socket.receive(dst) : socket.receiveNow(dst));
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, dsts.length);
        ensureReadable();
        return transfer(true, () -> {
            long total = 0;
            for (int i = offset; i < offset + length; i++) {
                ByteBuffer b = dsts[i];
                if (!b.hasRemaining()) {
                    continue;
                }
                // wait only for the first byte; then take what is there, as a socket read does
                int n = total == 0 && blocking ? socket.receive(b) : socket.receiveNow(b);
                if (n < 0) {
                    return total == 0 ? -1 : total;
                }
                total += n;
                if (b.hasRemaining()) {
                    break;
                }
            }
            return total;
        });
    }

    @Override
    public long read(ByteBuffer[] dsts) throws IOException {
        return read(dsts, 0, dsts.length);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        Objects.requireNonNull(src, "src");
        ensureWritable();
        return (int) transfer(false, () -> blocking ? socket.send(src) : socket.sendNow(src));
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, srcs.length);
        ensureWritable();
        return transfer(false, () -> {
            long total = 0;
            for (int i = offset; i < offset + length; i++) {
                ByteBuffer b = srcs[i];
                total += blocking ? socket.send(b) : socket.sendNow(b);
                if (b.hasRemaining()) {
                    break;
                }
            }
            return total;
        });
    }

    @Override
    public long write(ByteBuffer[] srcs) throws IOException {
        return write(srcs, 0, srcs.length);
    }

    /** A read or write of the socket, counting bytes (-1: end of stream). */
    @FunctionalInterface
    private interface Transfer {
        long run() throws IOException;
    }

    /**
     * Runs {@code t} between {@code begin()} and {@code end()}, as an interruptible channel
     * must: a close or interrupt meanwhile becomes end()'s AsynchronousCloseException or
     * ClosedByInterruptException. A read that a close cut short (nothing read) counts as
     * not completed; a write that returned has sent its bytes.
     */
    private long transfer(boolean reading, Transfer t) throws IOException {
        boolean completed = false;
        long n = 0;
        try {
            begin();
            n = t.run();
            completed = !reading || isOpen() || n > 0;
        } catch (SocketException e) {
            rethrowUnlessClosed(e);
        } finally {
            end(completed);
        }
        return n;
    }

    /** A failure caused by a concurrent close becomes end()'s AsynchronousCloseException. */
    private void rethrowUnlessClosed(SocketException e) throws SocketException {
        if (isOpen()) {
            throw e;
        }
    }

    private void ensureOpen() throws ClosedChannelException {
        if (!isOpen()) {
            throw new ClosedChannelException();
        }
    }

    private void ensureReadable() throws ClosedChannelException {
        ensureOpen();
        if (!socket.isConnected()) {
            throw new NotYetConnectedException();
        }
    }

    private void ensureWritable() throws ClosedChannelException {
        ensureReadable();
        if (socket.isOutputShutdown()) {
            throw new ClosedChannelException();
        }
    }

    // ---- shutdown and close --------------------------------------------------------------

    /** Reads return -1 from now on. */
    public ArraySocketChannel shutdownInput() throws IOException {
        ensureReadable();
        socket.shutdownInput();
        return this;
    }

    /** Ends the stream: the peer reads what was written, then -1; writes here fail. */
    public ArraySocketChannel shutdownOutput() throws IOException {
        ensureReadable();
        socket.shutdownOutput();
        return this;
    }

    @Override
    protected void implCloseChannel() throws IOException {
        Closing.close(owner);
    }

    // ---- NetworkChannel ------------------------------------------------------------------

    /** Binds to the port of an {@link ArraySocketAddress} on this array, or of an {@link InetSocketAddress}. */
    @Override
    public ArraySocketChannel bind(SocketAddress local) throws IOException {
        ensureOpen();
        if (socket.isConnected()) {
            throw new AlreadyConnectedException();
        }
        socket.bind(portOf(local));
        return this;
    }

    private int portOf(SocketAddress a) {
        if (a == null) {
            return 0;
        }
        if (a instanceof ArraySocketAddress aa) {
            if (!aa.arrayPath().equals(arrayPath)) {
                throw new UnsupportedAddressTypeException();
            }
            return aa.port();
        }
        if (a instanceof InetSocketAddress ia) {
            return ia.getPort();
        }
        throw new UnsupportedAddressTypeException();
    }

    @Override
    public SocketAddress getLocalAddress() throws IOException {
        ensureOpen();
        return socket.isBound() ? new ArraySocketAddress(arrayPath, socket.localPort()) : null;
    }

    /** The peer's address on the array, or null when unconnected. */
    public SocketAddress getRemoteAddress() throws IOException {
        ensureOpen();
        return socket.isConnected() ? new ArraySocketAddress(arrayPath, socket.remotePort()) : null;
    }

    @Override
    public <T> ArraySocketChannel setOption(SocketOption<T> name, T value) throws IOException {
        ensureOpen();
        options.set(name, value);
        return this;
    }

    @Override
    public <T> T getOption(SocketOption<T> name) throws IOException {
        ensureOpen();
        return options.get(name);
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return options.supported();
    }

    @Override
    public String toString() {
        return "ArraySocketChannel[" + (isOpen() ? socket : "closed") + "]";
    }
}
