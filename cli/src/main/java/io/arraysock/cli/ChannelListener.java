package io.arraysock.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/** A TCP or Unix-domain listening socket for {@code arraysock forward}. */
final class ChannelListener implements ForwardListener {
    private final ControlAddress address;
    private final ServerSocketChannel server;
    private final String shown;

    ChannelListener(ControlAddress address) throws IOException {
        this.address = address;
        this.server = address.listen();
        if (address.address() instanceof UnixDomainSocketAddress u) {
            ExitCleanup.deleteAtExit(u.getPath()); // a socket file is never "complete": always removed at exit
        }
        this.shown = (address.isUnix() ? "" : ForwardEndpoint.TCP) + ControlAddress.show(server.getLocalAddress());
    }

    @Override
    public Conduit accept() throws IOException {
        SocketChannel ch = server.accept();
        try {
            return new ChannelConduit(ch, peer(ch));
        } catch (IOException e) {
            ch.close();
            throw e;
        }
    }

    private String peer(SocketChannel ch) throws IOException {
        return ch.getRemoteAddress() instanceof InetSocketAddress i ? ForwardEndpoint.TCP + ControlAddress.show(i) : "a client of " + shown;
    }

    @Override
    public String address() {
        return shown;
    }

    @Override
    public void close() {
        try {
            server.close();
            address.cleanUp();
        } catch (IOException e) {
            // stopping: a socket file left behind is removed by the next listen on its path
        }
    }
}
