package io.arraysock.net;

import io.arraysock.ArraySocket;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
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
 * (loopback), one bound with an {@link ArraySocketAddress} array-style ones. Options
 * (SO_TIMEOUT, SO_RCVBUF for the accepted sockets' rings, SO_REUSEADDR) are kept by
 * {@link AdapterOptions}, shared with the other adapters.
 */
public final class ArrayBackedServerSocket extends ServerSocket {
    private final ArrayBackedSocket.AddressMapper mapper;
    private final Object lock = new Object();
    private volatile SharedArrays.Lease lease;
    private volatile ArraySocket listener;
    private volatile String arrayPath;
    private volatile boolean closed;
    private volatile boolean inetStyle;
    private final AdapterOptions<SocketException> options = AdapterOptions.forServer(this::ensureOpen);

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
            ArraySocket s = options.listen(l, local.port(), backlog);
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
        int timeout = options.soTimeout();
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

    /** Always null, as for a JDK server socket no channel made (for a channel: {@link ArrayServerSocketChannel}). */
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

    // ---- options (see AdapterOptions) ----------------------------------------------------

    @Override
    public void setSoTimeout(int timeout) throws SocketException {
        options.setSoTimeout(timeout);
    }

    @Override
    public int getSoTimeout() throws IOException {
        return options.soTimeout();
    }

    private void ensureOpen() throws SocketException {
        if (closed) {
            throw new SocketException("Socket is closed");
        }
    }

    /** The ring size accepted sockets ask for (both directions): effective for connections accepted later. */
    @Override
    public void setReceiveBufferSize(int size) throws SocketException {
        options.setReceiveBufferSize(size);
    }

    @Override
    public int getReceiveBufferSize() throws SocketException {
        return options.receiveBufferSize();
    }

    @Override
    public void setReuseAddress(boolean on) throws SocketException {
        options.setReuseAddress(on);
    }

    @Override
    public boolean getReuseAddress() throws SocketException {
        return options.reuseAddress();
    }

    @Override
    public void setPerformancePreferences(int connectionTime, int latency, int bandwidth) {
        // one path, nothing to prefer
    }

    @Override
    public <T> ServerSocket setOption(SocketOption<T> name, T value) throws IOException {
        options.set(name, value);
        return this;
    }

    @Override
    public <T> T getOption(SocketOption<T> name) throws IOException {
        return options.get(name);
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return options.supported();
    }

    @Override
    public String toString() {
        return listener == null ? "ArrayBackedServerSocket[unbound]" : "ArrayBackedServerSocket[" + arrayLocalAddress() + "]";
    }
}
