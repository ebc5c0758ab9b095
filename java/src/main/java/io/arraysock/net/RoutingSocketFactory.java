package io.arraysock.net;

import javax.net.SocketFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;

/**
 * A {@link SocketFactory} that routes by a {@link Connector}'s rules: each connection goes
 * over TCP or onto an array as the first matching connect rule says, so existing code that
 * takes a socket factory is moved by configuration alone. Hosts are matched by the name or
 * literal the caller gave ({@link InetAddress#getHostAddress()} for InetAddress calls).
 * Unconnected sockets ({@link #createSocket()}) are not offered, as by
 * {@code SocketFactory}'s own default: the route is chosen by the address connected to.
 * Local address and port requests are ignored on the array path.
 */
public final class RoutingSocketFactory extends SocketFactory {
    private final Connector connector;

    public RoutingSocketFactory(Connector connector) {
        this.connector = connector;
    }

    /** Routes by the rules file of {@link Connector#system()}. */
    public static RoutingSocketFactory system() {
        return new RoutingSocketFactory(Connector.system());
    }

    @Override
    public Socket createSocket() throws IOException {
        throw new SocketException("Unconnected sockets not implemented: the route depends on the address");
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return connector.connect(host, port);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return connector.connect(host, port);
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return connector.connect(host.getHostAddress(), port);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        return connector.connect(address.getHostAddress(), port);
    }
}
