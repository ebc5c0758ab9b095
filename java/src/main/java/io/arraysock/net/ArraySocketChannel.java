package io.arraysock.net;

import io.arraysock.ArraySocket;
import io.arraysock.api.PollingBackoff;
import io.arraysock.api.SocketType;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.nio.channels.AlreadyBoundException;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ConnectionPendingException;
import java.nio.channels.NoConnectionPendingException;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.channels.UnsupportedAddressTypeException;
import java.nio.channels.spi.SelectorProvider;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A stream socket on an array as a {@link SocketChannel}, so code written against channels
 * and selectors moves over unchanged:
 * <ul>
 * <li>blocking mode (the default): a read waits for at least one byte and returns what is
 * there (a partial read), -1 at end of stream; a write returns once all bytes are sent;
 * connect waits for the listener's answer;
 * <li>non-blocking mode ({@link #configureBlocking configureBlocking(false)}): reads and
 * writes move what they can now, maybe 0 bytes; {@link #connect} starts the connect and
 * {@link #finishConnect} looks for the answer; the channel can be registered with a
 * selector of {@link ArraySelectorProvider} ({@code OP_CONNECT}, {@code OP_READ},
 * {@code OP_WRITE}; a JDK selector cannot hold it);
 * <li>after {@link #close}: {@link ClosedChannelException}; a thread blocked in a read or
 * write when another closes the channel gets {@link java.nio.channels.AsynchronousCloseException},
 * and an interrupted one {@link java.nio.channels.ClosedByInterruptException} (the channel
 * is closed, as for any interruptible channel); a failed connect closes the channel;
 * <li>a write after {@link #shutdownOutput} throws {@link ClosedChannelException}; a read
 * after {@link #shutdownInput} returns -1.
 * </ul>
 * A channel from {@link #open()} (or {@link ArraySelectorProvider#openSocketChannel()}) has
 * no array yet: the first {@link #bind} or {@link #connect} with an {@link ArraySocketAddress}
 * attaches its array (shared, see {@link SharedArrays}). Options (kept by {@link AdapterOptions},
 * shared with the other adapters): {@code SO_SNDBUF}/{@code SO_RCVBUF} size the rings
 * (before connecting); {@code TCP_NODELAY} and {@code SO_KEEPALIVE} are accepted and have
 * nothing to do (the array has no Nagle delay; liveness is the node heartbeat).
 * {@link #socket()} is a {@link java.net.Socket} over the connection ({@link ArrayBackedSocket}).
 */
public final class ArraySocketChannel extends SocketChannel {
    private final Object stateLock = new Object();
    private final ReentrantLock readLock = new ReentrantLock();
    private final ReentrantLock writeLock = new ReentrantLock();
    private final AdapterOptions<ClosedChannelException> options;
    /** Null until the first bind or connect of a channel opened without an array. */
    private volatile ArraySocket socket;
    private volatile String arrayPath;
    /** Closes the socket and lets go of the array. */
    private volatile AutoCloseable owner;
    /** A non-blocking connect that {@link #finishConnect} has not completed yet. */
    private volatile boolean connectPending;
    /** Failures a selector's look found, for the call they concern (guarded by stateLock, readLock, writeLock). */
    private IOException connectFailure;
    private volatile IOException readFailure;
    private volatile IOException writeFailure;
    private ArrayBackedSocket adapter;

    /** An unconnected channel without an array yet. */
    ArraySocketChannel(SelectorProvider provider) {
        super(provider);
        this.options = AdapterOptions.forChannel(this::ensureOpen, null);
    }

    /**
     * A channel over {@code socket} (a stream socket of the array on {@code arrayPath});
     * closing the channel closes {@code owner}, which must close the socket.
     */
    ArraySocketChannel(ArraySocket socket, String arrayPath, AutoCloseable owner) {
        super(ArraySelectorProvider.instance());
        if (socket.type() != SocketType.STREAM) {
            throw new IllegalArgumentException("a channel needs a stream socket, not " + socket.type());
        }
        this.socket = socket;
        this.arrayPath = arrayPath;
        this.owner = owner;
        this.options = AdapterOptions.forChannel(this::ensureOpen, socket);
    }

    /** An unconnected channel (hides {@link SocketChannel#open()}: this one is an array's). */
    public static ArraySocketChannel open() {
        return new ArraySocketChannel(ArraySelectorProvider.instance());
    }

    /** Connects to {@code remote}, attaching its array (shared, see {@link SharedArrays}). */
    public static ArraySocketChannel open(ArraySocketAddress remote) throws IOException {
        ArraySocketChannel c = open();
        c.connect(remote); // a failed connect closes the channel
        return c;
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

    /**
     * The array socket underneath, for what channels cannot say (node, idle strategy); null
     * before the first bind or connect. Reads and writes go through the channel.
     */
    public ArraySocket arraySocket() {
        return socket;
    }

    /**
     * A {@link java.net.Socket} over this connection (an {@link ArrayBackedSocket}, the same
     * one each time; its {@code getChannel()} is this channel, and closing either closes both).
     *
     * @throws UnsupportedOperationException before the channel is connected (the adapter
     *     cannot connect it)
     */
    @Override
    public Socket socket() {
        synchronized (stateLock) {
            if (adapter == null) {
                if (!isConnected()) {
                    throw new UnsupportedOperationException("an array channel's Socket adapter exists once it is connected");
                }
                adapter = new ArrayBackedSocket(this, socket, arrayPath);
            }
            return adapter;
        }
    }

    // ---- blocking mode -------------------------------------------------------------------

    /** Blocking (the default) waits as {@link ArraySocket#receive}/{@link ArraySocket#send}; non-blocking moves what it can now. */
    @Override
    protected void implConfigureBlocking(boolean block) {
        // each call reads isBlocking(); nothing of the array socket depends on it
    }

    @Override
    public boolean isConnected() {
        ArraySocket s = socket;
        return s != null && !connectPending && s.isConnected();
    }

    @Override
    public boolean isConnectionPending() {
        return connectPending;
    }

    // ---- connect -------------------------------------------------------------------------

    /**
     * Connects to {@code remote}: an {@link ArraySocketAddress}, or (once the channel is on
     * an array) an {@link InetSocketAddress} whose port is taken on the same array. Blocking:
     * waits for the answer and returns true. Non-blocking: true when connected at once, false
     * when pending (then {@code OP_CONNECT} and {@link #finishConnect}). A connect that fails
     * closes the channel, as the JDK's does.
     */
    @Override
    public boolean connect(SocketAddress remote) throws IOException {
        readLock.lock();
        try {
            writeLock.lock();
            try {
                return connectLocked(remote);
            } finally {
                writeLock.unlock();
            }
        } finally {
            readLock.unlock();
        }
    }

    private boolean connectLocked(SocketAddress remote) throws IOException {
        ArraySocket s;
        int port;
        synchronized (stateLock) {
            ensureOpen();
            if (isConnected()) {
                throw new AlreadyConnectedException();
            }
            if (connectPending) {
                throw new ConnectionPendingException();
            }
            ArraySocketAddress to = arrayAddress(Objects.requireNonNull(remote, "remote"));
            port = to.port();
            try {
                s = socketOn(to.arrayPath());
                if (!s.isBound()) {
                    s.bind(0); // a local port, as SocketChannel binds one on connect
                }
            } catch (IOException | RuntimeException e) {
                close();
                throw e;
            }
        }
        if (!isBlocking()) {
            try {
                boolean connected = s.connectNow(port);
                connectPending = !connected;
                return connected;
            } catch (IOException | RuntimeException e) {
                close();
                throw e;
            }
        }
        boolean completed = false;
        try {
            begin();
            try {
                s.connect(port);
            } catch (IOException | RuntimeException e) {
                if (!isOpen()) {
                    return false; // closed or interrupted meanwhile: end() throws what says so
                }
                completed = true; // the connect's own failure
                close();
                throw e;
            }
            completed = true;
        } finally {
            end(completed);
        }
        return true;
    }

    /**
     * Completes a non-blocking connect: true when connected (also when connected already),
     * false while pending (non-blocking); a blocking channel waits for the answer.
     *
     * @throws java.net.ConnectException the listener refused (the channel is closed)
     * @throws NoConnectionPendingException no connect was started
     */
    @Override
    public boolean finishConnect() throws IOException {
        readLock.lock();
        try {
            writeLock.lock();
            try {
                if (!isBlocking()) {
                    return pollConnect();
                }
                PollingBackoff backoff = new PollingBackoff();
                boolean completed = false;
                try {
                    begin();
                    try {
                        while (!pollConnect()) {
                            backoff.idle(Long.MAX_VALUE, this);
                        }
                    } catch (ClosedChannelException e) {
                        return false; // closed or interrupted meanwhile: end() throws what says so
                    } catch (IOException | RuntimeException e) {
                        completed = true; // refused: pollConnect closed the channel
                        throw e;
                    }
                    completed = true;
                } finally {
                    end(completed);
                }
                return true;
            } finally {
                writeLock.unlock();
            }
        } finally {
            readLock.unlock();
        }
    }

    /** One look for the connect's answer; a refusal (or one a selector's look found) closes the channel. */
    private boolean pollConnect() throws IOException {
        synchronized (stateLock) {
            ensureOpen();
            if (isConnected()) {
                return true;
            }
            if (!connectPending) {
                throw new NoConnectionPendingException();
            }
            try {
                IOException found = connectFailure;
                if (found != null) {
                    throw found;
                }
                boolean connected = socket.finishConnect();
                connectPending = !connected;
                return connected;
            } catch (IOException | RuntimeException e) {
                connectPending = false;
                close();
                throw e;
            }
        }
    }

    // ---- data ----------------------------------------------------------------------------

    @Override
    public int read(ByteBuffer dst) throws IOException {
        Objects.requireNonNull(dst, "dst");
        readLock.lock();
        try {
            ArraySocket s = readable();
            return (int) transfer(true, () -> isBlocking() ? s.receive(dst) : s.receiveNow(dst));
        } finally {
            readLock.unlock();
        }
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, dsts.length);
        readLock.lock();
        try {
            ArraySocket s = readable();
            // one scattering receive: waits for the first byte, then takes what is there, released once
            return transfer(true, () -> isBlocking() ? s.receive(dsts, offset, length) : s.receiveNow(dsts, offset, length));
        } finally {
            readLock.unlock();
        }
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        Objects.requireNonNull(src, "src");
        writeLock.lock();
        try {
            ArraySocket s = writable();
            return (int) transfer(false, () -> isBlocking() ? s.send(src) : s.sendNow(src));
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, srcs.length);
        writeLock.lock();
        try {
            ArraySocket s = writable();
            // one gathering send: the buffers go out under one publish, not one each
            return transfer(false, () -> isBlocking() ? s.send(srcs, offset, length) : s.sendNow(srcs, offset, length));
        } finally {
            writeLock.unlock();
        }
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

    private ArraySocket connectedSocket() throws ClosedChannelException {
        ensureOpen();
        if (!isConnected()) {
            throw new NotYetConnectedException();
        }
        return socket;
    }

    /** The socket to read from; a failure a selector's look found is thrown here. */
    private ArraySocket readable() throws IOException {
        ArraySocket s = connectedSocket();
        IOException found = readFailure;
        if (found != null) {
            throw found;
        }
        return s;
    }

    private ArraySocket writable() throws IOException {
        ArraySocket s = connectedSocket();
        if (s.isOutputShutdown()) {
            throw new ClosedChannelException();
        }
        IOException found = writeFailure;
        if (found != null) {
            throw found;
        }
        return s;
    }

    // ---- readiness (the selector's looks) ------------------------------------------------

    /**
     * The subset of {@code interestOps} ready now: a selector's look, which never waits (a
     * read or write in progress on another thread counts as not ready this round). A
     * failure a look finds is kept for the call it concerns, which throws it, and counts as
     * ready, as a JDK selector reports an error.
     */
    int readyOps(int interestOps) {
        ArraySocket s = socket;
        if (!isOpen() || s == null) {
            return 0;
        }
        int ready = 0;
        if ((interestOps & SelectionKey.OP_CONNECT) != 0 && connectReady(s)) {
            ready |= SelectionKey.OP_CONNECT;
        }
        if (isConnected()) {
            if ((interestOps & SelectionKey.OP_READ) != 0 && readReady(s)) {
                ready |= SelectionKey.OP_READ;
            }
            if ((interestOps & SelectionKey.OP_WRITE) != 0 && writeReady(s)) {
                ready |= SelectionKey.OP_WRITE;
            }
        }
        return ready;
    }

    /** A pending connect was answered (it connected, or the refusal is kept for finishConnect). */
    private boolean connectReady(ArraySocket s) {
        synchronized (stateLock) {
            if (!connectPending || connectFailure != null || s.isConnected()) {
                return connectPending;
            }
            try {
                return s.finishConnect();
            } catch (IOException | RuntimeException e) {
                connectFailure = e instanceof IOException io ? io : new IOException(e);
                return true;
            }
        }
    }

    private boolean readReady(ArraySocket s) {
        if (!readLock.tryLock()) {
            return false; // another thread reads now: look again next round
        }
        try {
            if (readFailure != null || s.isInputShutdown()) {
                return true;
            }
            return s.readable();
        } catch (IOException e) {
            readFailure = e;
            return true;
        } finally {
            readLock.unlock();
        }
    }

    private boolean writeReady(ArraySocket s) {
        if (!writeLock.tryLock()) {
            return false;
        }
        try {
            if (writeFailure != null || s.isOutputShutdown()) {
                return true; // a write fails at once: ready, as a JDK selector reports it
            }
            return s.sendable() > 0;
        } catch (IOException e) {
            writeFailure = e;
            return true;
        } finally {
            writeLock.unlock();
        }
    }

    // ---- shutdown and close --------------------------------------------------------------

    /** Reads return -1 from now on. */
    @Override
    public ArraySocketChannel shutdownInput() throws IOException {
        ArraySocket s = connectedSocket();
        if (!s.isInputShutdown()) {
            s.shutdownInput();
        }
        return this;
    }

    /** Ends the stream: the peer reads what was written, then -1; writes here fail. */
    @Override
    public ArraySocketChannel shutdownOutput() throws IOException {
        ArraySocket s = connectedSocket();
        if (!s.isOutputShutdown()) {
            s.shutdownOutput();
        }
        return this;
    }

    /** Closes the socket at once (a pending connect is taken back); the keys are cancelled by the caller, close(). */
    @Override
    protected void implCloseSelectableChannel() throws IOException {
        AutoCloseable o = owner;
        if (o != null) {
            Closing.close(o);
        }
    }

    // ---- NetworkChannel ------------------------------------------------------------------

    /**
     * Binds to the port of an {@link ArraySocketAddress} (attaching its array if the channel
     * has none yet), or of an {@link InetSocketAddress} on the channel's array; null: a free port.
     */
    @Override
    public ArraySocketChannel bind(SocketAddress local) throws IOException {
        synchronized (stateLock) {
            ensureOpen();
            if (connectPending) {
                throw new ConnectionPendingException();
            }
            if (isConnected()) {
                throw new AlreadyConnectedException();
            }
            ArraySocket s = socket;
            if (s != null && s.isBound()) {
                throw new AlreadyBoundException();
            }
            ArraySocketAddress a = local == null && s != null ? new ArraySocketAddress(arrayPath, 0) : arrayAddress(local);
            socketOn(a.arrayPath()).bind(a.port());
        }
        return this;
    }

    /** {@code a} as an address on an array: an array address, or an IP one's port on the channel's array. */
    private ArraySocketAddress arrayAddress(SocketAddress a) {
        if (a instanceof ArraySocketAddress aa) {
            if (arrayPath != null && !SharedArrays.samePath(aa.arrayPath(), arrayPath)) {
                throw new UnsupportedAddressTypeException(); // one channel, one array
            }
            return aa;
        }
        if (a instanceof InetSocketAddress ia && arrayPath != null) {
            return new ArraySocketAddress(arrayPath, ia.getPort());
        }
        throw new UnsupportedAddressTypeException();
    }

    /** The array socket, made on first bind or connect on the array at {@code path} (under stateLock). */
    private ArraySocket socketOn(String path) throws IOException {
        ArraySocket s = socket;
        if (s != null) {
            return s;
        }
        SharedArrays.Lease lease = SharedArrays.acquire(path);
        try {
            s = lease.array().openSocket(SocketType.STREAM);
        } catch (IOException | RuntimeException e) {
            lease.close();
            throw e;
        }
        ArraySocket opened = s;
        options.attach(s);
        arrayPath = path;
        owner = () -> {
            opened.close();
            lease.close();
        };
        socket = s;
        if (!isOpen()) {
            Closing.close(owner); // closed meanwhile: implCloseSelectableChannel saw no owner yet
            throw new ClosedChannelException();
        }
        return s;
    }

    @Override
    public SocketAddress getLocalAddress() throws IOException {
        ensureOpen();
        ArraySocket s = socket;
        return s != null && s.isBound() ? new ArraySocketAddress(arrayPath, s.localPort()) : null;
    }

    /** The peer's address on the array, or null when unconnected. */
    @Override
    public SocketAddress getRemoteAddress() throws IOException {
        ensureOpen();
        return isConnected() ? new ArraySocketAddress(arrayPath, socket.remotePort()) : null;
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
        ArraySocket s = socket;
        return "ArraySocketChannel[" + (!isOpen() ? "closed" : s == null ? "unbound" : s) + "]";
    }
}
