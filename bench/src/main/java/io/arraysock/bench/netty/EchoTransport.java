package io.arraysock.bench.netty;

import io.arraysock.net.ArraySocketAddress;
import io.arraysock.netty.ArrayIoHandler;
import io.arraysock.netty.ArrayNettyChannel;
import io.arraysock.netty.ArrayNettyServerChannel;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ThreadFactory;
import java.util.function.Supplier;

/**
 * The three Netty transports the echo benchmark compares: the array (shm) and Netty's native
 * epoll transport over TCP loopback and over a Unix-domain socket. Each knows its event-loop
 * factory, its channel classes and how to spell its server's address from one string (the
 * array's path, a TCP port, a socket file).
 */
enum EchoTransport {
    ARRAY("netty-array", ArrayIoHandler::newFactory, ArrayNettyChannel.class, ArrayNettyServerChannel.class),
    EPOLL_TCP("netty-epoll-tcp", EpollIoHandler::newFactory, EpollSocketChannel.class, EpollServerSocketChannel.class),
    EPOLL_UNIX("netty-epoll-unix", EpollIoHandler::newFactory, EpollDomainSocketChannel.class,
            EpollServerDomainSocketChannel.class);

    /** The array's rings, each way; the accepted side's are set at bind. */
    static final int ARRAY_RING = 256 * 1024;

    final String label;
    private final Supplier<IoHandlerFactory> handlers;
    private final Class<? extends Channel> channel;
    private final Class<? extends ServerChannel> serverChannel;

    EchoTransport(String label, Supplier<IoHandlerFactory> handlers, Class<? extends Channel> channel,
                  Class<? extends ServerChannel> serverChannel) {
        this.label = label;
        this.handlers = handlers;
        this.channel = channel;
        this.serverChannel = serverChannel;
    }

    /** One event-loop thread: the benchmark measures what one loop serves. */
    EventLoopGroup newGroup(String threadName) {
        return new MultiThreadIoEventLoopGroup(1, (ThreadFactory) r -> new Thread(r, threadName), handlers.get());
    }

    /** Where the server listens: {@code where} is the array path, a TCP port or a socket file. */
    SocketAddress bindAddress(String where) {
        return switch (this) {
            case ARRAY -> new ArraySocketAddress(where, 0);
            case EPOLL_TCP -> new InetSocketAddress("127.0.0.1", Integer.parseInt(where));
            case EPOLL_UNIX -> new DomainSocketAddress(where);
        };
    }

    /** The server's address once bound: the array's listener port is chosen at bind. */
    SocketAddress connectAddress(String where, int boundPort) {
        return this == ARRAY ? new ArraySocketAddress(where, boundPort) : bindAddress(where);
    }

    ServerBootstrap server(EventLoopGroup group, int backlog) {
        ServerBootstrap b = new ServerBootstrap().group(group).channel(serverChannel).option(ChannelOption.SO_BACKLOG, backlog);
        if (this == ARRAY) {
            b.option(ChannelOption.SO_SNDBUF, ARRAY_RING).option(ChannelOption.SO_RCVBUF, ARRAY_RING);
        }
        if (this == EPOLL_TCP) {
            b.childOption(ChannelOption.TCP_NODELAY, true);
        }
        return b;
    }

    Bootstrap client(EventLoopGroup group) {
        Bootstrap b = new Bootstrap().group(group).channel(channel);
        if (this == ARRAY) {
            b.option(ChannelOption.SO_SNDBUF, ARRAY_RING).option(ChannelOption.SO_RCVBUF, ARRAY_RING);
        }
        if (this == EPOLL_TCP) {
            b.option(ChannelOption.TCP_NODELAY, true);
        }
        return b;
    }

    static EchoTransport of(String label) {
        for (EchoTransport t : values()) {
            if (t.label.equals(label)) {
                return t;
            }
        }
        throw new IllegalArgumentException("no transport " + label);
    }
}
