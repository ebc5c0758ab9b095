package io.arraysock.net;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The one entry point that turns an address into a connected socket, whatever carries it
 * (the "connect layer"): application code is written once against {@link Socket} and
 * {@link ServerSocket}, and the address, or a rules file, decides the path.
 * <ul>
 * <li>{@code tcp://host:port}: an ordinary JDK socket, unless a {@link RoutingRules rule}
 * moves that address onto an array;
 * <li>{@code array:PATH?port=N}: an {@link ArrayBackedSocket} on that array (attached once
 * per JVM and shared, see {@link SharedArrays}).
 * </ul>
 * {@link Transport#of(Socket)} tells which kind a socket is. Each decision is logged at
 * DEBUG on the System.Logger {@code io.arraysock.net.Connector}: the address, the path
 * taken, the rule, and why a fallback happened.
 *
 * <pre>{@code
 * Socket s = Connector.system().connect("array:/dev/shm/backup?port=7000");
 * ServerSocket ss = Connector.system().listen("tcp://127.0.0.1:9000");  // may be moved by a bind rule
 * }</pre>
 */
public final class Connector {
    private static final Logger LOG = System.getLogger(Connector.class.getName());
    private static final String TCP_SCHEME = "tcp://";
    /** A listen without a backlog: the JDK's default. */
    private static final int DEFAULT_BACKLOG = 50;

    private static volatile Connector system;

    private final RoutingRules rules;
    private final Duration connectTimeout;

    private Connector(RoutingRules rules, Duration connectTimeout) {
        this.rules = Objects.requireNonNull(rules, "rules");
        this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
    }

    /** A connector with {@code rules}, waiting forever to connect. */
    public static Connector withRules(RoutingRules rules) {
        return new Connector(rules, Duration.ZERO);
    }

    /** The connector of the rules file named by {@value RoutingRules#RULES_PROPERTY}, read on first use. */
    public static Connector system() {
        Connector c = system;
        if (c == null) {
            synchronized (Connector.class) {
                if (system == null) {
                    system = withRules(RoutingRules.fromSystemProperty());
                }
                c = system;
            }
        }
        return c;
    }

    /** The same rules, with a connect timeout (zero: wait forever). */
    public Connector withConnectTimeout(Duration timeout) {
        return new Connector(rules, timeout);
    }

    public RoutingRules rules() {
        return rules;
    }

    // ---- connect -------------------------------------------------------------------------

    /**
     * Connects to {@code tcp://host:port} (routed by the rules) or {@code array:PATH?port=N}.
     *
     * @throws IllegalArgumentException for any other address
     */
    public Socket connect(String uri) throws IOException {
        if (uri.startsWith(ArraySocketAddress.SCHEME)) {
            ArraySocketAddress a = ArraySocketAddress.parse(uri);
            Socket s = connectArray(a);
            LOG.log(Level.DEBUG, "connect {0}: array (explicit address)", uri);
            return s;
        }
        InetSocketAddress tcp = parseTcp(uri);
        return connect(tcp.getHostString(), tcp.getPort());
    }

    /** Connects to {@code host}:{@code port}: over TCP, or where the first matching connect rule says. */
    public Socket connect(String host, int port) throws IOException {
        String where = host + ":" + port;
        Optional<RoutingRule> match = rules.match(RoutingRule.Action.CONNECT, host, port);
        if (match.isEmpty()) {
            LOG.log(Level.DEBUG, "connect {0}: tcp (no rule)", where);
            return connectTcp(host, port);
        }
        RoutingRule rule = match.get();
        if (rule.policy() == RoutePolicy.TCP_ONLY) {
            LOG.log(Level.DEBUG, "connect {0}: tcp (rule ''{1}'')", where, rule);
            return connectTcp(host, port);
        }
        ArraySocketAddress target = rule.target(port);
        try {
            Socket s = connectArray(target);
            LOG.log(Level.DEBUG, "connect {0}: array {1} (rule ''{2}'')", where, target, rule);
            return s;
        } catch (IOException e) {
            if (rule.policy() != RoutePolicy.PREFER_ARRAY || !isUnavailable(e)) {
                LOG.log(Level.DEBUG, "connect {0}: array {1} failed, no fallback (rule ''{2}''): {3}", where, target, rule, e);
                throw e;
            }
            LOG.log(Level.DEBUG, "connect {0}: tcp, fallback from array {1} (rule ''{2}''): {3}", where, target, rule, e);
            return connectTcp(host, port);
        }
    }

    /**
     * Whether a failure means "the array cannot take this connection", which prefer-array
     * answers with TCP: the array is absent or cannot be attached (any attach failure), or
     * nothing listens on its port (refused). A timeout is not: the array is there and slow,
     * and a TCP detour would hide that.
     */
    private static boolean isUnavailable(IOException e) {
        return e instanceof ArrayUnavailableException || e instanceof ConnectException;
    }

    private Socket connectArray(ArraySocketAddress a) throws IOException {
        ArrayBackedSocket s = new ArrayBackedSocket(new ArrayAddressMapping(a.arrayPath(), p -> p));
        try (SharedArrays.Lease probe = attach(a.arrayPath())) {
            s.connect(a, timeoutMillis());
        }
        return s;
    }

    private Socket connectTcp(String host, int port) throws IOException {
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress(host, port), timeoutMillis());
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    private int timeoutMillis() {
        return (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis());
    }

    /** Attaches (shared) with attach failures told apart from failures of the connection itself. */
    private static SharedArrays.Lease attach(String path) throws ArrayUnavailableException {
        try {
            return SharedArrays.acquire(path);
        } catch (IOException e) {
            throw new ArrayUnavailableException(path, e);
        }
    }

    // ---- listen --------------------------------------------------------------------------

    /** Listens on {@code tcp://host:port} (routed by bind rules) or {@code array:PATH?port=N}. */
    public ServerSocket listen(String uri) throws IOException {
        return listen(uri, DEFAULT_BACKLOG);
    }

    public ServerSocket listen(String uri, int backlog) throws IOException {
        if (uri.startsWith(ArraySocketAddress.SCHEME)) {
            ArraySocketAddress a = ArraySocketAddress.parse(uri, 0);
            LOG.log(Level.DEBUG, "listen {0}: array (explicit address)", uri);
            return listenArray(a, backlog);
        }
        InetSocketAddress tcp = parseTcp(uri);
        return listen(tcp.getHostString(), tcp.getPort(), backlog);
    }

    /** Listens on {@code host}:{@code port}: over TCP, or where the first matching bind rule says. */
    public ServerSocket listen(String host, int port, int backlog) throws IOException {
        String where = host + ":" + port;
        Optional<RoutingRule> match = rules.match(RoutingRule.Action.BIND, host, port);
        if (match.isEmpty() || match.get().policy() == RoutePolicy.TCP_ONLY) {
            LOG.log(Level.DEBUG, "listen {0}: tcp ({1})", where, match.map(r -> "rule '" + r + "'").orElse("no rule"));
            return listenTcp(host, port, backlog);
        }
        RoutingRule rule = match.get();
        ArraySocketAddress target = rule.target(port);
        try {
            ServerSocket s = listenArray(target, backlog);
            LOG.log(Level.DEBUG, "listen {0}: array {1} (rule ''{2}'')", where, target, rule);
            return s;
        } catch (ArrayUnavailableException e) {
            if (rule.policy() != RoutePolicy.PREFER_ARRAY) {
                throw e;
            }
            LOG.log(Level.DEBUG, "listen {0}: tcp, fallback from array {1} (rule ''{2}''): {3}", where, target, rule, e);
            return listenTcp(host, port, backlog);
        }
    }

    private static ServerSocket listenArray(ArraySocketAddress a, int backlog) throws IOException {
        try (SharedArrays.Lease probe = attach(a.arrayPath())) {
            return new ArrayServerSocketFactory(a.arrayPath()).createServerSocket(a, backlog);
        }
    }

    private static ServerSocket listenTcp(String host, int port, int backlog) throws IOException {
        ServerSocket s = new ServerSocket();
        try {
            s.bind(new InetSocketAddress(host, port), backlog);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    private static InetSocketAddress parseTcp(String uri) {
        if (!uri.startsWith(TCP_SCHEME)) {
            throw new IllegalArgumentException("expected tcp://host:port or array:PATH?port=N, got " + uri);
        }
        URI u = URI.create(uri);
        if (u.getHost() == null || u.getPort() < 0) {
            throw new IllegalArgumentException("expected tcp://host:port, got " + uri);
        }
        return InetSocketAddress.createUnresolved(u.getHost(), u.getPort());
    }
}
