package io.arraysock.net;

import io.arraysock.ArraySocket;
import io.arraysock.api.SocketType;

import java.io.IOException;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * The socket options of one adapter ({@link ArrayBackedSocket}, {@link ArrayBackedServerSocket},
 * {@link ArraySocketChannel}, {@link ArrayServerSocketChannel}), with the JDK's meaning mapped onto the array:
 * <ul>
 * <li>{@code SO_SNDBUF}/{@code SO_RCVBUF} size the rings, rounded into the array's limits
 * ({@link RingSizes}); once there is an array socket they go to it, and read back from it
 * (after connect: the rings' real sizes). On a listener, {@code SO_RCVBUF} sizes both rings
 * of the connections it accepts and reads back as set;
 * <li>SO_TIMEOUT bounds a socket's reads (it goes to its array socket) or a listener's accepts;
 * <li>{@code TCP_NODELAY}, {@code SO_KEEPALIVE}, {@code SO_LINGER}, {@code SO_REUSEADDR},
 * {@code IP_TOS} and OOBINLINE are checked and remembered but mean nothing on the array.
 * </ul>
 * Every accessor first asks the adapter whether it is open ({@code X} is what a closed one
 * throws), in the order of checks of the JDK's {@code Socket}. Values set before there is an
 * array socket are kept and {@link #attach applied} when it is made.
 */
final class AdapterOptions<X extends IOException> {
    static final Set<SocketOption<?>> SOCKET = Set.of(StandardSocketOptions.SO_SNDBUF,
            StandardSocketOptions.SO_RCVBUF, StandardSocketOptions.TCP_NODELAY, StandardSocketOptions.SO_KEEPALIVE,
            StandardSocketOptions.SO_LINGER, StandardSocketOptions.SO_REUSEADDR, StandardSocketOptions.IP_TOS);
    static final Set<SocketOption<?>> SERVER = Set.of(StandardSocketOptions.SO_RCVBUF, StandardSocketOptions.SO_REUSEADDR);
    static final Set<SocketOption<?>> CHANNEL = Set.of(StandardSocketOptions.SO_SNDBUF,
            StandardSocketOptions.SO_RCVBUF, StandardSocketOptions.TCP_NODELAY, StandardSocketOptions.SO_KEEPALIVE);

    /** How the adapter says it is closed. */
    @FunctionalInterface
    interface OpenCheck<X extends IOException> {
        void ensureOpen() throws X;
    }

    private static final int UNSET = -1;

    private final Set<SocketOption<?>> supported;
    private final OpenCheck<X> open;
    private final boolean listener;
    private final Map<SocketOption<?>, Accessor<?, X>> accessors = accessors();
    private volatile ArraySocket socket;
    private volatile int soTimeout;
    private volatile int sendBuffer = UNSET;
    private volatile int receiveBuffer = UNSET;
    private volatile boolean noDelay;
    private volatile boolean keepAlive;
    private volatile boolean reuseAddress;
    private volatile boolean oobInline;
    private volatile int linger = UNSET;
    private volatile int trafficClass;

    private AdapterOptions(Set<SocketOption<?>> supported, OpenCheck<X> open, boolean listener) {
        this.supported = supported;
        this.open = open;
        this.listener = listener;
    }

    /** The options of an {@link ArrayBackedSocket}. */
    static <X extends IOException> AdapterOptions<X> forSocket(OpenCheck<X> open) {
        return new AdapterOptions<>(SOCKET, open, false);
    }

    /** The options of an {@link ArrayBackedServerSocket}: SO_REUSEADDR on by default, as for JDK server sockets. */
    static <X extends IOException> AdapterOptions<X> forServer(OpenCheck<X> open) {
        AdapterOptions<X> o = new AdapterOptions<>(SERVER, open, true);
        o.reuseAddress = true;
        return o;
    }

    /** The options of an {@link ArraySocketChannel} over {@code socket} (null: none yet, {@link #attach attached} later). */
    static <X extends IOException> AdapterOptions<X> forChannel(OpenCheck<X> open, ArraySocket socket) {
        AdapterOptions<X> o = new AdapterOptions<>(CHANNEL, open, false);
        if (socket != null) {
            o.adopt(socket);
        }
        return o;
    }

    /** Takes an array socket as it is (an accepted one): its timeout becomes SO_TIMEOUT, nothing is applied. */
    synchronized void adopt(ArraySocket s) {
        soTimeout = (int) s.receiveTimeout().toMillis();
        socket = s;
    }

    /** Applies the options set so far to a new array socket, which later ones then go to. */
    synchronized void attach(ArraySocket s) {
        if (listener) {
            if (receiveBuffer > 0) {
                s.setReceiveBufferSize(receiveBuffer);
                s.setSendBufferSize(receiveBuffer);
            }
        } else {
            if (sendBuffer > 0) {
                s.setSendBufferSize(sendBuffer);
            }
            if (receiveBuffer > 0) {
                s.setReceiveBufferSize(receiveBuffer);
            }
            s.setReceiveTimeout(Duration.ofMillis(soTimeout));
        }
        socket = s;
    }

    /**
     * A server adapter's bind: a stream socket on {@code lease}'s array with these options
     * {@link #attach applied}, bound to {@code port} and listening with {@code backlog}. On
     * a failure the socket is closed, the lease released and the failure thrown.
     */
    ArraySocket listen(SharedArrays.Lease lease, int port, int backlog) throws IOException {
        ArraySocket s = null;
        try {
            s = lease.array().openSocket(SocketType.STREAM);
            attach(s);
            s.bind(port);
            s.listen(backlog);
            return s;
        } catch (IOException | RuntimeException e) {
            if (s != null) {
                s.close();
            }
            lease.close();
            throw e;
        }
    }

    Set<SocketOption<?>> supported() {
        return supported;
    }

    // ---- the typed accessors of Socket and ServerSocket ----------------------------------

    void setSoTimeout(int millis) throws X {
        if (millis < 0) {
            throw new IllegalArgumentException("timeout < 0");
        }
        synchronized (this) {
            open.ensureOpen();
            soTimeout = millis;
            ArraySocket s = socket;
            if (s != null && !listener) {
                s.setReceiveTimeout(Duration.ofMillis(millis));
            }
        }
    }

    int soTimeout() throws X {
        open.ensureOpen();
        return soTimeout;
    }

    void setSendBufferSize(int size) throws X {
        synchronized (this) {
            open.ensureOpen();
            sendBuffer = RingSizes.clamp(size);
            ArraySocket s = socket;
            if (s != null) {
                s.setSendBufferSize(sendBuffer);
            }
        }
    }

    int sendBufferSize() throws X {
        open.ensureOpen();
        ArraySocket s = socket;
        return s != null ? s.sendBufferSize() : orDefault(sendBuffer);
    }

    void setReceiveBufferSize(int size) throws X {
        synchronized (this) {
            open.ensureOpen();
            receiveBuffer = RingSizes.clamp(size);
            ArraySocket s = socket;
            if (s != null) {
                s.setReceiveBufferSize(receiveBuffer);
                if (listener) {
                    s.setSendBufferSize(receiveBuffer);
                }
            }
        }
    }

    int receiveBufferSize() throws X {
        open.ensureOpen();
        ArraySocket s = socket;
        return s != null && !listener ? s.receiveBufferSize() : orDefault(receiveBuffer);
    }

    private static int orDefault(int size) {
        return size > 0 ? size : RingSizes.DEFAULT;
    }

    void setTcpNoDelay(boolean on) throws X {
        open.ensureOpen();
        noDelay = on;
    }

    boolean tcpNoDelay() throws X {
        open.ensureOpen();
        return noDelay;
    }

    void setKeepAlive(boolean on) throws X {
        open.ensureOpen();
        keepAlive = on;
    }

    boolean keepAlive() throws X {
        open.ensureOpen();
        return keepAlive;
    }

    /** As {@link java.net.Socket#setSoLinger}: off is -1, on is capped at 65535 seconds. */
    void setSoLinger(boolean on, int seconds) throws X {
        open.ensureOpen();
        if (on && seconds < 0) {
            throw new IllegalArgumentException("invalid value for SO_LINGER");
        }
        linger = on ? Math.min(seconds, 65535) : UNSET;
    }

    int soLinger() throws X {
        open.ensureOpen();
        return linger;
    }

    void setReuseAddress(boolean on) throws X {
        open.ensureOpen();
        reuseAddress = on;
    }

    boolean reuseAddress() throws X {
        open.ensureOpen();
        return reuseAddress;
    }

    void setOobInline(boolean on) throws X {
        open.ensureOpen();
        oobInline = on;
    }

    boolean oobInline() throws X {
        open.ensureOpen();
        return oobInline;
    }

    void setTrafficClass(int tc) throws X {
        if (tc < 0 || tc > 255) {
            throw new IllegalArgumentException("tc is not in range 0 -- 255");
        }
        open.ensureOpen();
        trafficClass = tc;
    }

    int trafficClass() throws X {
        open.ensureOpen();
        return trafficClass;
    }

    // ---- SocketOption --------------------------------------------------------------------

    @FunctionalInterface
    private interface Setter<T, X extends IOException> {
        void set(T value) throws X;
    }

    @FunctionalInterface
    private interface Getter<T, X extends IOException> {
        T get() throws X;
    }

    /** How one {@link SocketOption} reads and writes the typed accessors above. */
    private record Accessor<T, X extends IOException>(Setter<T, X> setter, Getter<T, X> getter) {
    }

    private Map<SocketOption<?>, Accessor<?, X>> accessors() {
        return Map.of(
                StandardSocketOptions.SO_SNDBUF, new Accessor<Integer, X>(this::setSendBufferSize, this::sendBufferSize),
                StandardSocketOptions.SO_RCVBUF, new Accessor<Integer, X>(this::setReceiveBufferSize, this::receiveBufferSize),
                StandardSocketOptions.TCP_NODELAY, new Accessor<Boolean, X>(this::setTcpNoDelay, this::tcpNoDelay),
                StandardSocketOptions.SO_KEEPALIVE, new Accessor<Boolean, X>(this::setKeepAlive, this::keepAlive),
                StandardSocketOptions.SO_LINGER, new Accessor<Integer, X>(v -> setSoLinger(v >= 0, Math.max(v, 0)), this::soLinger),
                StandardSocketOptions.SO_REUSEADDR, new Accessor<Boolean, X>(this::setReuseAddress, this::reuseAddress),
                StandardSocketOptions.IP_TOS, new Accessor<Integer, X>(this::setTrafficClass, this::trafficClass));
    }

    /** {@code setOption} of the adapter: an option it does not support is refused before anything else. */
    <T> void set(SocketOption<T> name, T value) throws X {
        accessor(name).setter().set(value);
    }

    /** {@code getOption} of the adapter. */
    <T> T get(SocketOption<T> name) throws X {
        return accessor(name).getter().get();
    }

    @SuppressWarnings("unchecked")
    private <T> Accessor<T, X> accessor(SocketOption<T> name) {
        Accessor<?, X> a = supported.contains(name) ? accessors.get(name) : null;
        if (a == null) {
            throw new UnsupportedOperationException("'" + name + "' not supported");
        }
        return (Accessor<T, X>) a;
    }
}
