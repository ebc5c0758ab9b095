package io.arraysock.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the backup's control conversation happens, the "LAN" of the patent: a TCP
 * {@code host:port}, or a Unix-domain socket file ({@code unix:/tmp/x.sock} or any absolute
 * path), which stands in for the LAN when the two ends live in separate network namespaces.
 */
record ControlAddress(SocketAddress address) {
    static final String DEFAULT = "127.0.0.1:7170";

    static ControlAddress parse(String spec) {
        if (spec.startsWith("unix:")) {
            return new ControlAddress(UnixDomainSocketAddress.of(spec.substring("unix:".length())));
        }
        if (spec.startsWith("/")) {
            return new ControlAddress(UnixDomainSocketAddress.of(spec));
        }
        int colon = spec.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("control address must be HOST:PORT or unix:/path: " + spec);
        }
        try {
            int port = Integer.parseInt(spec.substring(colon + 1));
            return new ControlAddress(new InetSocketAddress(spec.substring(0, colon), port));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("control address must be HOST:PORT or unix:/path: " + spec);
        }
    }

    boolean isUnix() {
        return address instanceof UnixDomainSocketAddress;
    }

    ServerSocketChannel listen() throws IOException {
        if (address instanceof UnixDomainSocketAddress u) {
            Files.deleteIfExists(u.getPath());
            ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            ch.bind(u);
            return ch;
        }
        ServerSocketChannel ch = ServerSocketChannel.open();
        ch.bind(address);
        return ch;
    }

    SocketChannel connect() throws IOException {
        if (address instanceof UnixDomainSocketAddress) {
            SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(address);
            return ch;
        }
        return SocketChannel.open(address);
    }

    /** The address as a peer would type it (with the real port after binding port 0). */
    static String show(SocketAddress a) {
        if (a instanceof UnixDomainSocketAddress u) {
            return "unix:" + u.getPath();
        }
        InetSocketAddress i = (InetSocketAddress) a;
        return i.getAddress().getHostAddress() + ":" + i.getPort();
    }

    void cleanUp() throws IOException {
        if (address instanceof UnixDomainSocketAddress u) {
            Files.deleteIfExists(Path.of(u.getPath().toString()));
        }
    }
}
