package io.arraysock.cli;

import io.arraysock.net.ArraySocketAddress;
import io.arraysock.netty.ArrayChannelOption;
import io.arraysock.netty.ArrayNettyChannel;
import io.arraysock.netty.ArrayNettyServerChannel;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;

/**
 * LISTEN or TARGET of {@code arraysock forward}: {@code tcp://HOST:PORT}, {@code unix:/PATH}
 * or {@code array:PATH?port=N}. Sets up the Netty channels of its kind: a listener (the
 * accepting side) or one connection to the target per accepted one.
 */
sealed interface ForwardEndpoint {
    String TCP = "tcp://";
    String UNIX = "unix:";
    String FORMS = "tcp://HOST:PORT, unix:/PATH or array:PATH?port=N";

    static ForwardEndpoint parse(String spec) {
        if (spec.startsWith(TCP)) {
            String hostPort = spec.substring(TCP.length());
            if (hostPort.startsWith("/") || hostPort.startsWith(UNIX) || hostPort.lastIndexOf(':') <= 0) {
                throw new IllegalArgumentException("not tcp://HOST:PORT: " + spec);
            }
            return new Socket(ControlAddress.parse(hostPort), spec);
        }
        if (spec.startsWith(UNIX)) {
            if (!spec.startsWith(UNIX + "/")) {
                throw new IllegalArgumentException("a Unix socket path must be absolute (unix:/PATH): " + spec);
            }
            return new Socket(ControlAddress.parse(spec), spec);
        }
        if (spec.startsWith(ArraySocketAddress.SCHEME)) {
            return new Array(ArraySocketAddress.parse(spec));
        }
        throw new IllegalArgumentException("LISTEN and TARGET are " + FORMS + ": " + spec);
    }

    /** The array settings of a forward: ring bytes per direction (0: the medium's) and the pre-shared key (or null). */
    record ArraySettings(int ringSize, byte[] key) {
    }

    /**
     * Starts listening with {@code b} (its group, handlers and common options set); the
     * future completes once it listens. A TCP port in use fails at once, with a
     * {@link BindException} that names the endpoint.
     */
    ChannelFuture listen(ServerBootstrap b, ArraySettings array) throws IOException;

    /** Connects {@code b} (its group, handler and common options set) to this target. */
    ChannelFuture connect(Bootstrap b, ArraySettings array);

    /** Where a listener listens, as the user would write it (with the real port after binding port 0). */
    String shown(Channel listener);

    /** The peer of a connection accepted on this LISTEN, for log lines. */
    String client(Channel accepted, String listening);

    /** A connection to this TARGET, for log lines. */
    String target(Channel connected);

    /** Stops listening for good: removes a Unix socket's file. */
    void cleanUp();

    /** The endpoint as the user wrote it. */
    String spec();

    /** A TCP or Unix-domain socket address. */
    record Socket(ControlAddress address, String spec) implements ForwardEndpoint {
        @Override
        public ChannelFuture listen(ServerBootstrap b, ArraySettings array) throws IOException {
            ServerSocketChannel server;
            try {
                server = address.listen();
            } catch (BindException e) {
                throw new BindException(spec + ": " + e.getMessage());
            }
            if (address.address() instanceof UnixDomainSocketAddress u) {
                ExitCleanup.deleteAtExit(u.getPath()); // a socket file is never "complete": always removed at exit
                return b.channelFactory(() -> new NioServerDomainSocketChannel(server)).register();
            }
            return b.channelFactory(() -> new NioServerSocketChannel(server))
                    .childOption(ChannelOption.TCP_NODELAY, true) // request/response protocols wait for every small answer
                    .register();
        }

        @Override
        public ChannelFuture connect(Bootstrap b, ArraySettings array) {
            if (address.isUnix()) {
                return b.channel(NioDomainSocketChannel.class).connect(address.address());
            }
            return b.channel(NioSocketChannel.class).option(ChannelOption.TCP_NODELAY, true).connect(address.address());
        }

        @Override
        public String shown(Channel listener) {
            java.net.SocketAddress a = listener.localAddress();
            return (address.isUnix() ? "" : TCP) + ControlAddress.show(a == null ? address.address() : a);
        }

        @Override
        public String client(Channel accepted, String listening) {
            return accepted.remoteAddress() instanceof InetSocketAddress i ? TCP + ControlAddress.show(i) : "a client of " + listening;
        }

        @Override
        public String target(Channel connected) {
            return spec;
        }

        @Override
        public void cleanUp() {
            try {
                address.cleanUp();
            } catch (IOException e) {
                // stopping: a socket file left behind is removed by the next listen on its path
            }
        }
    }

    /** A port on an array. */
    record Array(ArraySocketAddress address) implements ForwardEndpoint {
        @Override
        public ChannelFuture listen(ServerBootstrap b, ArraySettings array) {
            b.channel(ArrayNettyServerChannel.class);
            if (array.key() != null) {
                b.option(ArrayChannelOption.AUTH_KEY, array.key());
            }
            if (array.ringSize() > 0) {
                b.option(ChannelOption.SO_SNDBUF, array.ringSize()).option(ChannelOption.SO_RCVBUF, array.ringSize());
            }
            return b.bind(address);
        }

        @Override
        public ChannelFuture connect(Bootstrap b, ArraySettings array) {
            b.channel(ArrayNettyChannel.class);
            if (array.key() != null) {
                b.option(ArrayChannelOption.AUTH_KEY, array.key());
            }
            if (array.ringSize() > 0) {
                b.option(ChannelOption.SO_SNDBUF, array.ringSize()).option(ChannelOption.SO_RCVBUF, array.ringSize());
            }
            return b.connect(address);
        }

        @Override
        public String shown(Channel listener) {
            return listener.localAddress().toString();
        }

        @Override
        public String client(Channel accepted, String listening) {
            return "array node " + ((ArrayNettyChannel) accepted).remoteNode();
        }

        @Override
        public String target(Channel connected) {
            return spec() + " (node " + ((ArrayNettyChannel) connected).remoteNode() + ")";
        }

        @Override
        public void cleanUp() {
        }

        @Override
        public String spec() {
            return address.toString();
        }
    }
}
