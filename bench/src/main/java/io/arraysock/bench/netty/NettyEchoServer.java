package io.arraysock.bench.netty;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * The echo server of {@link NettyEchoBench}, run in its own JVM: one event-loop thread accepts
 * and echoes every connection. Prints {@code READY PORT} once bound and exits when its standard
 * input closes (the benchmark's JVM ended).
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
            Channel server = transport.server(group, Integer.parseInt(args[2])).childHandler(new Echo())
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

    /** Writes back what it reads; flushes once per read burst, as Netty's own echo example does. */
    @ChannelHandler.Sharable
    private static final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
