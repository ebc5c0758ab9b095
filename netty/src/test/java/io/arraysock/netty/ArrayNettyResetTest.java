package io.arraysock.netty;

import io.arraysock.net.ArraySocketAddress;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.SocketException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code SO_LINGER} 0 on an array channel: its close is a reset ({@code ArraySocket.abort}),
 * so the peer's channel fails with "Connection reset"; a plain close is an end of stream.
 */
class ArrayNettyResetTest {
    private static LoopFixture fixture;

    @BeforeAll
    static void start() throws Exception {
        fixture = new LoopFixture();
    }

    @AfterAll
    static void stop() throws Exception {
        fixture.close();
    }

    /** How the server's side of one connection ended when the client closed after one byte: "reset" or "end". */
    private static String serverSeesWhenClientCloses(int linger) throws Exception {
        CompletableFuture<String> how = new CompletableFuture<>();
        CompletableFuture<Void> gotByte = new CompletableFuture<>();
        Channel server = new ServerBootstrap().group(fixture.group).channel(ArrayNettyServerChannel.class)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ((ByteBuf) msg).release();
                        gotByte.complete(null);
                    }

                    @Override
                    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                        if (evt instanceof ChannelInputShutdownEvent) {
                            how.complete("end");
                        }
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        how.complete(cause instanceof SocketException && cause.getMessage().startsWith("Connection reset")
                                ? "reset" : cause.toString());
                    }
                })
                .bind(ArraySocketAddress.parse("array:" + fixture.array.path + "?port=0")).sync().channel();
        try {
            Channel client = new Bootstrap().group(fixture.group).channel(ArrayNettyChannel.class)
                    .option(ChannelOption.SO_LINGER, linger)
                    .handler(new ChannelInboundHandlerAdapter())
                    .connect(server.localAddress()).sync().channel();
            client.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1})).sync();
            gotByte.get(10, TimeUnit.SECONDS);
            client.close().sync();
            return how.get(10, TimeUnit.SECONDS);
        } finally {
            server.close().sync();
        }
    }

    @Test
    void lingerZeroMakesTheCloseAReset() throws Exception {
        assertEquals("reset", serverSeesWhenClientCloses(0));
    }

    @Test
    void aPlainCloseIsAnEndOfStream() throws Exception {
        assertEquals("end", serverSeesWhenClientCloses(-1));
    }
}
