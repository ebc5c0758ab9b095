package io.arraysock.net;

import io.arraysock.ArraySocket;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.channels.AlreadyBoundException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NotYetBoundException;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.UnsupportedAddressTypeException;
import java.nio.channels.spi.SelectorProvider;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A listening stream socket on an array as a {@link ServerSocketChannel}: bind to an
 * {@link ArraySocketAddress} (attaching its array, shared, see {@link SharedArrays}), then
 * {@link #accept} {@link ArraySocketChannel}s, blocking or not, or register it with a
 * selector of {@link ArraySelectorProvider} for {@code OP_ACCEPT}. A blocked accept ends
 * with {@link java.nio.channels.AsynchronousCloseException} when another thread closes the
 * channel, and {@link java.nio.channels.ClosedByInterruptException} when interrupted.
 * Options: {@code SO_RCVBUF} sizes both rings of the connections accepted later;
 * {@code SO_REUSEADDR} is remembered. {@link #socket()} is unsupported: for a
 * {@code ServerSocket} use {@link ArrayServerSocketFactory}.
 */
public final class ArrayServerSocketChannel extends ServerSocketChannel {
    private final Object stateLock = new Object();
    private final ReentrantLock acceptLock = new ReentrantLock();
    private final AdapterOptions<ClosedChannelException> options = AdapterOptions.forServer(this::ensureOpen);
    private volatile SharedArrays.Lease lease;
    private volatile ArraySocket listener;
    private volatile String arrayPath;
    /**
     * A connection a selector's look took from the backlog, for the next accept. Not under
     * acceptLock: close must not wait for that lock (an interrupt closes the channel on the
     * interrupting thread while the accepting one may hold it).
     */
    private final AtomicReference<ArraySocket> taken = new AtomicReference<>();
    /** A failure a selector's look found, for the next accept (guarded by acceptLock). */
    private IOException acceptFailure;

    ArrayServerSocketChannel(SelectorProvider provider) {
        super(provider);
    }

    /** An unbound server channel (hides {@link ServerSocketChannel#open()}: this one is an array's). */
    public static ArrayServerSocketChannel open() {
        return new ArrayServerSocketChannel(ArraySelectorProvider.instance());
    }

    /** Always unsupported: use {@link ArrayServerSocketFactory} for a {@link ServerSocket}. */
    @Override
    public ServerSocket socket() {
        throw new UnsupportedOperationException("an array server channel has no ServerSocket adapter; use ArrayServerSocketFactory");
    }

    /** The listening array socket, or null before bind. */
    public ArraySocket arraySocket() {
        return listener;
    }

    /**
     * Binds to an {@link ArraySocketAddress} and listens (port 0: a free ephemeral port);
     * a backlog below 1 means 50.
     *
     * @throws java.net.BindException when another socket on the array holds the port
     * @throws UnsupportedAddressTypeException for any other address (null too: the array is in the address)
     */
    @Override
    public ArrayServerSocketChannel bind(SocketAddress local, int backlog) throws IOException {
        if (!(local instanceof ArraySocketAddress at)) {
            throw new UnsupportedAddressTypeException();
        }
        synchronized (stateLock) {
            ensureOpen();
            if (listener != null) {
                throw new AlreadyBoundException();
            }
            SharedArrays.Lease l = SharedArrays.acquire(at.arrayPath());
            ArraySocket s = options.listen(l, at.port(), backlog < 1 ? 50 : backlog);
            lease = l;
            arrayPath = at.arrayPath();
            listener = s;
        }
        return this;
    }

    /**
     * The next connection: blocking, waits for one; non-blocking, null when none is there.
     * The channel accepted is in blocking mode, and holds the array until closed.
     */
    @Override
    public ArraySocketChannel accept() throws IOException {
        acceptLock.lock();
        try {
            ensureOpen();
            ArraySocket l = listener;
            if (l == null) {
                throw new NotYetBoundException();
            }
            IOException found = acceptFailure;
            if (found != null) {
                acceptFailure = null;
                throw found;
            }
            ArraySocket s = taken.getAndSet(null);
            if (s == null) {
                s = isBlocking() ? acceptWaiting(l) : l.acceptNow();
            }
            return s == null ? null : channelOf(s);
        } finally {
            acceptLock.unlock();
        }
    }

    private ArraySocket acceptWaiting(ArraySocket l) throws IOException {
        boolean completed = false;
        try {
            begin();
            try {
                ArraySocket s = l.accept();
                completed = true;
                return s;
            } catch (IOException e) {
                if (!isOpen()) {
                    return null; // closed or interrupted meanwhile: end() throws what says so
                }
                completed = true;
                throw e;
            }
        } finally {
            end(completed);
        }
    }

    private ArraySocketChannel channelOf(ArraySocket s) throws IOException {
        SharedArrays.Lease own;
        try {
            own = SharedArrays.acquire(arrayPath);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        return new ArraySocketChannel(s, arrayPath, () -> {
            s.close();
            own.close();
        });
    }

    /** {@code OP_ACCEPT} if asked for and a connection waits (taken from the backlog and kept for the next accept). */
    int readyOps(int interestOps) {
        ArraySocket l = listener;
        if ((interestOps & SelectionKey.OP_ACCEPT) == 0 || l == null || !isOpen() || !acceptLock.tryLock()) {
            return 0;
        }
        try {
            if (taken.get() == null && acceptFailure == null) {
                ArraySocket s = l.acceptNow();
                if (s != null) {
                    taken.set(s);
                    if (!isOpen()) {
                        closeTaken(); // closed meanwhile: its close may have looked before the set
                    }
                }
            }
            return taken.get() != null || acceptFailure != null ? SelectionKey.OP_ACCEPT : 0;
        } catch (IOException e) {
            acceptFailure = e;
            return SelectionKey.OP_ACCEPT;
        } finally {
            acceptLock.unlock();
        }
    }

    @Override
    protected void implConfigureBlocking(boolean block) {
        // accept reads isBlocking() each time
    }

    /** Stops listening; a connection a selector's look took and no accept did is closed (its peer sees the end). */
    @Override
    protected void implCloseSelectableChannel() {
        ArraySocket l;
        synchronized (stateLock) {
            l = listener;
        }
        if (l != null) {
            l.close(); // a blocked accept ends
        }
        closeTaken();
        SharedArrays.Lease ls = lease;
        if (ls != null) {
            ls.close();
        }
    }

    private void closeTaken() {
        ArraySocket t = taken.getAndSet(null);
        if (t != null) {
            t.close();
        }
    }

    private void ensureOpen() throws ClosedChannelException {
        if (!isOpen()) {
            throw new ClosedChannelException();
        }
    }

    @Override
    public SocketAddress getLocalAddress() throws IOException {
        ensureOpen();
        ArraySocket l = listener;
        return l == null ? null : new ArraySocketAddress(arrayPath, l.localPort());
    }

    @Override
    public <T> ArrayServerSocketChannel setOption(SocketOption<T> name, T value) throws IOException {
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
        ArraySocket l = listener;
        return "ArrayServerSocketChannel[" + (!isOpen() ? "closed" : l == null ? "unbound" : arrayPath + "?port=" + l.localPort()) + "]";
    }
}
