package io.arraysock.net;

import io.arraysock.ArraySocket;
import io.arraysock.api.SocketType;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.Set;

/**
 * A {@link java.net.ServerSocket} listening on an array port, for libraries that take a
 * {@link javax.net.ServerSocketFactory} (see {@link ArrayServerSocketFactory}). As with
 * {@link ArrayBackedSocket}, every public method is overridden and the JDK's socket
 * implementation is never created. {@link #accept} returns {@link ArrayBackedSocket}s, each
 * holding the shared array until closed. A server socket bound with an
 * {@link InetSocketAddress} (what RMI and most libraries do) reports IP-style addresses
 * (loopback), one bound with an {@link ArraySocketAddress} array-style ones.
 */
public final class ArrayBackedServerSocket extends ServerSocket {
    private static final Set<SocketOption<?>> OPTIONS = Set.of(StandardSocketOptions.SO_RCVBUF, StandardSocketOptions.SO_REUSEADDR);

    private final ArrayBackedSocket.AddressMapper mapper;
    private final Object lock = new Object();
    private volatile SharedArrays.Lease lease;
    private volatile ArraySocket listener;
    private volatile String arrayPath;
    private volatile boolean closed;
    private volatile boolean inetStyle;
    private volatile int soTimeout;
    private int receiveBuffer = -1;
    private boolean reuseAddress = true;

    ArrayBackedServerSocket(ArrayBackedSocket.AddressMapper mapper) throws IOException {
        this.mapper = mapper;
    }

    @Override
    public void bind(SocketAddress endpoint) throws IOException {
        bind(endpoint, 50);
    }

    /**
     * Binds and listens: an {@link ArraySocketAddress}, or an {@link InetSocketAddress} (or
     * null) whose port maps onto the factory's array; port 0 takes a free ephemeral port.
     *
     * @throws java.net.BindException when another socket on the array holds the port
     */
    @Override
    public void bind(SocketAddress endpoint, int backlog) throws IOException {
        ArraySocketAddress local = mapper.toArray(endpoint == null ? new InetSocketAddress(0) : endpoint);
        synchronized (lock) {
            if (closed) {
                throw new SocketException("Socket is closed");
            }
            if (listener != null) {
                throw new SocketException("Already bound");
            }
            SharedArrays.Lease l = SharedArrays.acquire(local.arrayPath());
            ArraySocket s = null;
            try {
                s = l.array().openSocket(SocketType.STREAM);
                if (receiveBuffer > 0) {
                    s.setReceiveBufferSize(receiveBuffer);
                    s.setSendBufferSize(receiveBuffer);
                }
                s.bind(local.port());
                s.listen(backlog);
            } catch (IOException | RuntimeException e) {
                if (s != null) {
                    s.close();
                }
                l.close();
                throw e;
            }
            lease = l;
            arrayPath = local.arrayPath();
            listener = s;
            inetStyle = !(endpoint instanceof ArraySocketAddress);
        }
    }

    /**
     * Waits for a connection (at most SO_TIMEOUT, when set).
     *
     * @throws java.net.SocketTimeoutException when SO_TIMEOUT passes
     * @throws SocketException                 when closed, also while waiting
     */
    @Override
    public Socket accept() throws IOException {
        ArraySocket l = listener;
        if (closed) {
            throw new SocketException("Socket is closed");
        }
        if (l == null) {
            throw new SocketException("Socket is not bound yet");
        }
        int timeout = soTimeout;
        ArraySocket s = timeout > 0 ? l.accept(Duration.ofMillis(timeout)) : l.accept();
        SharedArrays.Lease own = SharedArrays.acquire(arrayPath);
        return new ArrayBackedSocket(mapper, s, own, arrayPath, inetStyle);
    }

    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        ArraySocket l = listener;
        if (l != null) {
            l.close();
        }
        SharedArrays.Lease ls = lease;
        if (ls != null) {
            ls.close();
        }
    }

    /** Always null: the array has no selectable channels. */
    @Override
    public ServerSocketChannel getChannel() {
        return null;
    }

    @Override
    public boolean isBound() {
        return listener != null;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    /** The array address listened on, or null when unbound. */
    public ArraySocketAddress arrayLocalAddress() {
        ArraySocket l = listener;
        return l == null ? null : new ArraySocketAddress(arrayPath, l.localPort());
    }

    @Override
    public InetAddress getInetAddress() {
        return listener == null ? null : InetAddress.getLoopbackAddress();
    }

    @Override
    public int getLocalPort() {
        ArraySocket l = listener;
        return l == null ? -1 : l.localPort();
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
        if (listener == null) {
            return null;
        }
        return inetStyle ? new InetSocketAddress(getInetAddress(), getLocalPort()) : arrayLocalAddress();
    }

    @Override
    public void setSoTimeout(int timeout) throws SocketException {
        if (timeout < 0) {
            throw new IllegalArgumentException("timeout < 0");
        }
        ensureOpen();
        soTimeout = timeout;
    }

    @Override
    public int getSoTimeout() throws IOException {
        ensureOpen();
        return soTimeout;
    }

    private void ensureOpen() throws SocketException {
        if (closed) {
            throw new SocketException("Socket is closed");
        }
    }

    /** The ring size accepted sockets ask for (both directions): effective for connections accepted later. */
    @Override
    public void setReceiveBufferSize(int size) throws SocketException {
        synchronized (lock) {
            ensureOpen();
            receiveBuffer = RingSizes.clamp(size);
            ArraySocket l = listener;
            if (l != null) {
                l.setReceiveBufferSize(receiveBuffer);
                l.setSendBufferSize(receiveBuffer);
            }
        }
    }

    @Override
    public int getReceiveBufferSize() throws SocketException {
        ensureOpen();
        return receiveBuffer > 0 ? receiveBuffer : RingSizes.DEFAULT;
    }

    @Override
    public void setReuseAddress(boolean on) throws SocketException {
        ensureOpen();
        reuseAddress = on;
    }

    @Override
    public boolean getReuseAddress() throws SocketException {
        ensureOpen();
        return reuseAddress;
    }

    @Override
    public void setPerformancePreferences(int connectionTime, int latency, int bandwidth) {
        // one path, nothing to prefer
    }

    @Override
    public <T> ServerSocket setOption(SocketOption<T> name, T value) throws IOException {
        if (name == StandardSocketOptions.SO_RCVBUF) {
            setReceiveBufferSize((Integer) value);
        } else if (name == StandardSocketOptions.SO_REUSEADDR) {
            setReuseAddress((Boolean) value);
        } else {
            throw new UnsupportedOperationException("'" + name + "' not supported");
        }
        return this;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getOption(SocketOption<T> name) throws IOException {
        if (name == StandardSocketOptions.SO_RCVBUF) {
            return (T) Integer.valueOf(getReceiveBufferSize());
        }
        if (name == StandardSocketOptions.SO_REUSEADDR) {
            return (T) Boolean.valueOf(getReuseAddress());
        }
        throw new UnsupportedOperationException("'" + name + "' not supported");
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return OPTIONS;
    }

    @Override
    public String toString() {
        return listener == null ? "ArrayBackedServerSocket[unbound]" : "ArrayBackedServerSocket[" + arrayLocalAddress() + "]";
    }
}
