package io.arraysock.net;

import javax.net.ServerSocketFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * A {@link ServerSocketFactory} that routes by a {@link Connector}'s bind rules: a server
 * listening on a port a rule names listens on the array instead. The host matched is the
 * bind address as a literal ({@code 0.0.0.0} when none is given); {@code *} rules match any.
 */
public final class RoutingServerSocketFactory extends ServerSocketFactory {
    /** The host a bind without an interface address is matched as. */
    private static final String ANY_HOST = "0.0.0.0";
    private static final int DEFAULT_BACKLOG = 50;

    private final Connector connector;

    public RoutingServerSocketFactory(Connector connector) {
        this.connector = connector;
    }

    public static RoutingServerSocketFactory system() {
        return new RoutingServerSocketFactory(Connector.system());
    }

    @Override
    public ServerSocket createServerSocket(int port) throws IOException {
        return connector.listen(ANY_HOST, port, DEFAULT_BACKLOG);
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog) throws IOException {
        return connector.listen(ANY_HOST, port, backlog);
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog, InetAddress ifAddress) throws IOException {
        return connector.listen(ifAddress == null ? ANY_HOST : ifAddress.getHostAddress(), port, backlog);
    }
}
