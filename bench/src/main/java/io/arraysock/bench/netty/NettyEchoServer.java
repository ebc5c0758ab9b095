package io.arraysock.bench.netty;

import io.arraysock.netty.EchoHandler;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * The echo server of {@link NettyEchoBench}, run in its own JVM: one event-loop thread accepts
 * and echoes every connection (arraysock-netty's {@link EchoHandler}, which its tests use too).
 * Prints {@code READY PORT} once bound and exits when its standard input closes (the
 * benchmark's JVM ended).
 *
 * <p>Arguments: TRANSPORT WHERE BACKLOG (see {@link EchoTransport#bindAddress}).
 */
public final class NettyEchoServer {
    private NettyEchoServer() {
    }

    public static void main(String[] args) throws Exception {
        EchoTransport transport = EchoTransport.of(args[0]);
        EventLoopGroup group = transport.newGroup("echo-server-loop");
        try {
            Channel server = transport.server(group, Integer.parseInt(args[2])).childHandler(new EchoHandler())
                    .bind(transport.bindAddress(args[1])).sync().channel();
            System.out.println("READY " + port(server.localAddress()));
            System.out.flush();
            while (System.in.read() >= 0) {
                // until the benchmark's JVM closes our input
            }
            server.close().sync();
        } finally {
            group.shutdownGracefully().sync();
        }
    }

    private static int port(SocketAddress a) {
        if (a instanceof io.arraysock.net.ArraySocketAddress array) {
            return array.port();
        }
        return a instanceof InetSocketAddress inet ? inet.getPort() : 0;
    }
}
