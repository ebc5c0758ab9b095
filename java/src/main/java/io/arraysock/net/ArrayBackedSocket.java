package io.arraysock.net;

import io.arraysock.ArraySocket;
import io.arraysock.api.SocketType;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Set;

/**
 * A {@link java.net.Socket} whose bytes travel through an array, for libraries that take a
 * socket or a {@link javax.net.SocketFactory} (see {@link ArraySocketFactory}). Every public
 * method of {@code Socket} is overridden, so the JDK's own socket implementation is never
 * created (no file descriptor, works alike on JDK 17 and 25).
 *
 * <p>Addresses: {@link #connect} takes an {@link ArraySocketAddress}, or an
 * {@link InetSocketAddress} whose port the factory maps onto its array (its host is kept
 * only to be reported back). Address getters answer in the style the socket was given:
 * IP-style ({@code InetSocketAddress}, loopback for the array side) for sockets connected or
 * bound with an InetSocketAddress, since libraries cast them; array-style otherwise.
 * {@link #arrayRemoteAddress()} always gives the array address.
 *
 * <p>Options (kept by {@link AdapterOptions}, shared with the other adapters):
 * {@code setSoTimeout} bounds reads ({@link java.net.SocketTimeoutException}); send/receive
 * buffer sizes size the rings (rounded into the array's limits, effective at connect);
 * TCP_NODELAY, SO_KEEPALIVE, SO_LINGER, SO_REUSEADDR, OOBINLINE and the traffic class are
 * remembered but mean nothing on the array. Urgent data is not supported.
 * {@link #getChannel()} is, as for JDK sockets, the channel the socket came from
 * ({@link ArraySocketChannel#socket()}), else null; {@link #arrayChannel()} gives any
 * connected one an {@link ArraySocketChannel}.
 *
 * <p>The class is long because it is the whole public surface of {@code java.net.Socket}
 * (each method one to a few lines); the options live in {@link AdapterOptions}.
 */
public final class ArrayBackedSocket extends Socket {
    private final AddressMapper mapper;
    private final Object lock = new Object();
    private volatile SharedArrays.Lease lease;
    private volatile ArraySocket socket;
    private volatile String arrayPath;
    private volatile boolean closed;
    private volatile boolean connected;
    private volatile boolean bound;
    private volatile boolean inetStyle;
    private volatile InetSocketAddress nominalRemote;
    private volatile InputStream in;
    private volatile OutputStream out;
    private volatile ArraySocketChannel channel;
    /** Whether this socket is the adapter of {@link #channel} (then {@link #getChannel()} returns it). */
    private final boolean ofChannel;
    private final AdapterOptions<SocketException> options = AdapterOptions.forSocket(this::ensureOpen);

    /** An unconnected socket; {@code mapper} turns the addresses it is given into array addresses. */
    ArrayBackedSocket(AddressMapper mapper) {
        this.mapper = mapper;
        this.ofChannel = false;
    }

    /** The adapter of a connected channel over {@code connected}: closing either closes both. */
    ArrayBackedSocket(ArraySocketChannel channel, ArraySocket connected, String arrayPath) {
        this.mapper = a -> {
            throw new SocketException("already connected");
        };
        this.socket = connected;
        this.arrayPath = arrayPath;
        this.channel = channel;
        this.ofChannel = true;
        this.connected = true;
        this.bound = true;
        options.adopt(connected);
    }

    /** The server side of an accepted connection; takes over {@code lease}. */
    ArrayBackedSocket(AddressMapper mapper, ArraySocket accepted, SharedArrays.Lease lease, String arrayPath,
                      boolean inetStyle) {
        this.mapper = mapper;
        this.socket = accepted;
        this.lease = lease;
        this.arrayPath = arrayPath;
        this.inetStyle = inetStyle;
        this.connected = true;
        this.bound = true;
        this.ofChannel = false;
        options.adopt(accepted);
        if (inetStyle) {
            this.nominalRemote = new InetSocketAddress(InetAddress.getLoopbackAddress(), accepted.remotePort());
        }
    }

    /** Turns the addresses callers hand a socket into array addresses. */
    @FunctionalInterface
    interface AddressMapper {
        ArraySocketAddress toArray(SocketAddress address) throws SocketException;
    }

    // ---- connect and bind ----------------------------------------------------------------

    @Override
    public void connect(SocketAddress endpoint) throws IOException {
        connect(endpoint, 0);
    }

    /**
     * Connects through the array; like a JDK socket, a socket whose connect fails is closed.
     *
     * @throws java.net.ConnectException       nothing listens on the array port
     * @throws java.net.SocketTimeoutException no answer within {@code timeout} ms (0: forever)
     */
    @Override
    public void connect(SocketAddress endpoint, int timeout) throws IOException {
        if (endpoint == null) {
            throw new IllegalArgumentException("connect: The address can't be null");
        }
        if (timeout < 0) {
            throw new IllegalArgumentException("connect: timeout can't be negative");
        }
        ArraySocketAddress target = mapper.toArray(endpoint);
        synchronized (lock) {
            ensureOpen();
            if (connected) {
                throw new SocketException("already connected");
            }
            try {
                ArraySocket s = open(target.arrayPath());
                if (!s.isBound()) {
                    // as TCP does: a connected socket has a local port, which the peer sees as getPort()
                    s.bind(0);
                }
                if (timeout == 0) {
                    s.connect(target.port());
                } else {
                    s.connect(target.port(), Duration.ofMillis(timeout));
                }
                connected = true;
                bound = true;
                if (endpoint instanceof InetSocketAddress ia) {
                    inetStyle = true;
                    nominalRemote = ia;
                }
            } catch (IOException | RuntimeException e) {
                close();
                throw e;
            }
        }
    }

    /** Binds to the port of an {@link ArraySocketAddress} or {@link InetSocketAddress} (null or port 0: any free port). */
    @Override
    public void bind(SocketAddress bindpoint) throws IOException {
        synchronized (lock) {
            ensureOpen();
            if (bound) {
                throw new SocketException("Already bound");
            }
            ArraySocketAddress local = bindpoint == null ? mapper.toArray(new InetSocketAddress(0)) : mapper.toArray(bindpoint);
            ArraySocket s = open(local.arrayPath());
            s.bind(local.port());
            bound = true;
            inetStyle = bindpoint instanceof InetSocketAddress;
        }
    }

    /** The array socket, made on first bind or connect (on {@code path}; later ones must use the same array). */
    private ArraySocket open(String path) throws IOException {
        if (socket != null) {
            if (!path.equals(arrayPath)) {
                throw new SocketException("socket is on array " + arrayPath + ", cannot use " + path);
            }
            return socket;
        }
        SharedArrays.Lease l = SharedArrays.acquire(path);
        try {
            ArraySocket s = l.array().openSocket(SocketType.STREAM);
            options.attach(s);
            lease = l;
            arrayPath = path;
            socket = s;
            return s;
        } catch (IOException | RuntimeException e) {
            l.close();
            throw e;
        }
    }

    private void ensureOpen() throws SocketException {
        if (isClosed()) {
            throw new SocketException("Socket is closed");
        }
    }

    private ArraySocket connectedSocket() throws SocketException {
        ensureOpen();
        if (!connected) {
            throw new SocketException("Socket is not connected");
        }
        return socket;
    }

    // ---- streams and channel -------------------------------------------------------------

    @Override
    public InputStream getInputStream() throws IOException {
        ArraySocket s = connectedSocket();
        if (s.isInputShutdown()) {
            throw new SocketException("Socket input is shutdown");
        }
        synchronized (lock) {
            if (in == null) {
                in = new ArraySocketInputStream(s, this);
            }
            return in;
        }
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
        ArraySocket s = connectedSocket();
        if (s.isOutputShutdown()) {
            throw new SocketException("Socket output is shutdown");
        }
        synchronized (lock) {
            if (out == null) {
                out = new ArraySocketOutputStream(s, this);
            }
            return out;
        }
    }

    /** The channel this socket is the adapter of ({@link ArraySocketChannel#socket()}), else null, as for JDK sockets. */
    @Override
    public SocketChannel getChannel() {
        return ofChannel ? channel : null;
    }

    /** This connection as a channel; closing either closes both. */
    public ArraySocketChannel arrayChannel() throws IOException {
        ArraySocket s = connectedSocket();
        synchronized (lock) {
            if (channel == null) {
                channel = new ArraySocketChannel(s, arrayPath, this);
            }
            return channel;
        }
    }

    /** The array socket underneath (null before bind or connect). */
    public ArraySocket arraySocket() {
        return socket;
    }

    // ---- addresses -----------------------------------------------------------------------

    /** The peer's array address, or null when unconnected. */
    public ArraySocketAddress arrayRemoteAddress() {
        ArraySocket s = socket;
        return connected && s != null ? new ArraySocketAddress(arrayPath, s.remotePort()) : null;
    }

    /** This socket's array address, or null when unbound. */
    public ArraySocketAddress arrayLocalAddress() {
        ArraySocket s = socket;
        return bound && s != null ? new ArraySocketAddress(arrayPath, s.localPort()) : null;
    }

    /** The host asked for when connected with an InetSocketAddress; loopback otherwise (the array has no IP). */
    @Override
    public InetAddress getInetAddress() {
        if (!connected) {
            return null;
        }
        InetSocketAddress n = nominalRemote;
        return n != null && n.getAddress() != null ? n.getAddress() : InetAddress.getLoopbackAddress();
    }

    @Override
    public InetAddress getLocalAddress() {
        return InetAddress.getLoopbackAddress();
    }

    @Override
    public int getPort() {
        ArraySocket s = socket;
        return connected && s != null ? s.remotePort() : 0;
    }

    @Override
    public int getLocalPort() {
        ArraySocket s = socket;
        return bound && s != null ? s.localPort() : -1;
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
        if (!connected) {
            return null;
        }
        return inetStyle ? new InetSocketAddress(getInetAddress(), getPort()) : arrayRemoteAddress();
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
        if (!bound) {
            return null;
        }
        return inetStyle ? new InetSocketAddress(getLocalAddress(), getLocalPort()) : arrayLocalAddress();
    }

    // ---- state ---------------------------------------------------------------------------

    /** Like a JDK socket: stays true after close once it was connected. */
    @Override
    public boolean isConnected() {
        return connected;
    }

    @Override
    public boolean isBound() {
        return bound;
    }

    @Override
    public boolean isClosed() {
        return closed || ofChannel && !channel.isOpen();
    }

    @Override
    public boolean isInputShutdown() {
        ArraySocket s = socket;
        return s != null && s.isInputShutdown();
    }

    @Override
    public boolean isOutputShutdown() {
        ArraySocket s = socket;
        return s != null && s.isOutputShutdown();
    }

    // ---- shutdown and close --------------------------------------------------------------

    @Override
    public void shutdownInput() throws IOException {
        ArraySocket s = connectedSocket();
        if (s.isInputShutdown()) {
            throw new SocketException("Socket input is already shutdown");
        }
        s.shutdownInput();
    }

    @Override
    public void shutdownOutput() throws IOException {
        ArraySocket s = connectedSocket();
        if (s.isOutputShutdown()) {
            throw new SocketException("Socket output is already shutdown");
        }
        s.shutdownOutput();
    }

    /** Closes the connection (the peer reads what was sent, then end of stream) and lets go of the array. */
    @Override
    public void close() {
        ArraySocketChannel ch;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            ch = channel;
        }
        ArraySocket s = socket;
        if (s != null) {
            s.close();
        }
        SharedArrays.Lease l = lease;
        if (l != null) {
            l.close();
        }
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // its owner is this socket, already closed: nothing can fail here
            }
        }
    }

    // ---- options (see AdapterOptions) ----------------------------------------------------

    @Override
    public void setSoTimeout(int timeout) throws SocketException {
        options.setSoTimeout(timeout);
    }

    @Override
    public int getSoTimeout() throws SocketException {
        return options.soTimeout();
    }

    @Override
    public void setSendBufferSize(int size) throws SocketException {
        options.setSendBufferSize(size);
    }

    @Override
    public int getSendBufferSize() throws SocketException {
        return options.sendBufferSize();
    }

    @Override
    public void setReceiveBufferSize(int size) throws SocketException {
        options.setReceiveBufferSize(size);
    }

    @Override
    public int getReceiveBufferSize() throws SocketException {
        return options.receiveBufferSize();
    }

    @Override
    public void setTcpNoDelay(boolean on) throws SocketException {
        options.setTcpNoDelay(on);
    }

    @Override
    public boolean getTcpNoDelay() throws SocketException {
        return options.tcpNoDelay();
    }

    @Override
    public void setKeepAlive(boolean on) throws SocketException {
        options.setKeepAlive(on);
    }

    @Override
    public boolean getKeepAlive() throws SocketException {
        return options.keepAlive();
    }

    @Override
    public void setSoLinger(boolean on, int seconds) throws SocketException {
        options.setSoLinger(on, seconds);
    }

    @Override
    public int getSoLinger() throws SocketException {
        return options.soLinger();
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
    public void setOOBInline(boolean on) throws SocketException {
        options.setOobInline(on);
    }

    @Override
    public boolean getOOBInline() throws SocketException {
        return options.oobInline();
    }

    @Override
    public void sendUrgentData(int data) throws IOException {
        throw new SocketException("Urgent data not supported on an array socket");
    }

    @Override
    public void setTrafficClass(int tc) throws SocketException {
        options.setTrafficClass(tc);
    }

    @Override
    public int getTrafficClass() throws SocketException {
        return options.trafficClass();
    }

    @Override
    public void setPerformancePreferences(int connectionTime, int latency, int bandwidth) {
        // the array has one path; there is nothing to prefer
    }

    @Override
    public <T> Socket setOption(SocketOption<T> name, T value) throws IOException {
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
        if (!connected) {
            return "ArrayBackedSocket[unconnected]";
        }
        return "ArrayBackedSocket[" + arrayRemoteAddress() + ", localport=" + getLocalPort() + "]";
    }
}
