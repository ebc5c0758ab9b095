package io.arraysock.netty;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.arraysock.net.ArraySocketAddress;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** A Netty echo server on an array port, for the tests (in this JVM or a child's). */
final class EchoServer implements AutoCloseable {
    final Channel channel;
    /** The threads that ran the echo handlers: one loop serves every connection. */
    final Set<Thread> handlerThreads = ConcurrentHashMap.newKeySet();

    EchoServer(EventLoopGroup group, String arrayPath, int ringSize) throws InterruptedException {
        channel = new ServerBootstrap().group(group).channel(ArrayNettyServerChannel.class)
                .childOption(ChannelOption.SO_SNDBUF, ringSize)
                .childHandler(new EchoHandler() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        handlerThreads.add(Thread.currentThread());
                        super.channelRead(ctx, msg);
                    }
                })
                .bind(new ArraySocketAddress(arrayPath, 0)).sync().channel();
    }

    int port() {
        return ((ArraySocketAddress) channel.localAddress()).port();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }
}
