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
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.channel.socket.ChannelOutputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Half-close: the client sends, then shuts its output; the server (ALLOW_HALF_CLOSURE) sees
 * every byte, then ChannelInputShutdownEvent, and still answers on the open half. Without
 * ALLOW_HALF_CLOSURE the server's channel closes at the end of stream.
 */
class ArrayNettyHalfCloseTest {
    private static LoopFixture fixture;

    @BeforeAll
    static void start() throws Exception {
        fixture = new LoopFixture();
    }

    @AfterAll
    static void stop() throws Exception {
        fixture.close();
    }

    @Test
    void serverAnswersAfterTheClientShutItsOutput() throws Exception {
        List<Object> serverEvents = new CopyOnWriteArrayList<>();
        Channel server = new ServerBootstrap().group(fixture.group).channel(ArrayNettyServerChannel.class)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    long count;

                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        count += ((ByteBuf) msg).readableBytes();
                        ((ByteBuf) msg).release();
                    }

                    @Override
                    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                        serverEvents.add(evt);
                        if (evt == ChannelInputShutdownEvent.INSTANCE) {
                            assertTrue(((DuplexChannel) ctx.channel()).isInputShutdown());
                            assertTrue(ctx.channel().isActive(), "the output half is still open");
                            ctx.writeAndFlush(Unpooled.copiedBuffer("got " + count, StandardCharsets.US_ASCII))
                                    .addListener(f -> ctx.close());
                        }
                    }
                })
                .bind(new ArraySocketAddress(fixture.array.path, 0)).sync().channel();
        try {
            CompletableFuture<String> answer = new CompletableFuture<>();
            StringBuilder got = new StringBuilder();
            List<Object> clientEvents = new CopyOnWriteArrayList<>();
            DuplexChannel client = (DuplexChannel) new Bootstrap().group(fixture.group).channel(ArrayNettyChannel.class)
                    .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .handler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            got.append(((ByteBuf) msg).toString(StandardCharsets.US_ASCII));
                            ((ByteBuf) msg).release();
                        }

                        @Override
                        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                            clientEvents.add(evt);
                            if (evt == ChannelInputShutdownReadComplete.INSTANCE) {
                                answer.complete(got.toString());
                            }
                        }

                        @Override
                        public void channelInactive(ChannelHandlerContext ctx) {
                            answer.complete(got.toString());
                        }
                    })
                    .connect(server.localAddress()).sync().channel();
            byte[] data = new byte[300_000];
            client.writeAndFlush(Unpooled.wrappedBuffer(data)).sync();
            client.shutdownOutput().sync();
            assertTrue(client.isOutputShutdown());
            // not asserted here: that the input is still open. The server may already have
            // answered and closed (its loop runs while this thread looks); that our own shutdown
            // did not end our input is what the answer and the order of clientEvents show.
            assertEquals("got 300000", answer.get(20, TimeUnit.SECONDS));
            assertEquals(List.of(ChannelInputShutdownEvent.INSTANCE, ChannelInputShutdownReadComplete.INSTANCE), serverEvents);
            assertEquals(List.of(ChannelOutputShutdownEvent.INSTANCE, ChannelInputShutdownEvent.INSTANCE,
                    ChannelInputShutdownReadComplete.INSTANCE), clientEvents,
                    "the client's own shutdown, then the server's close ends the client's input");
            client.close().sync();
        } finally {
            server.close().sync();
        }
    }

    @Test
    void withoutHalfClosureTheEndOfStreamClosesTheChannel() throws Exception {
        CompletableFuture<Channel> accepted = new CompletableFuture<>();
        Channel server = new ServerBootstrap().group(fixture.group).channel(ArrayNettyServerChannel.class)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        accepted.complete(ctx.channel());
                    }
                })
                .bind(new ArraySocketAddress(fixture.array.path, 0)).sync().channel();
        try {
            DuplexChannel client = (DuplexChannel) new Bootstrap().group(fixture.group).channel(ArrayNettyChannel.class)
                    .handler(new ChannelInboundHandlerAdapter())
                    .connect(server.localAddress()).sync().channel();
            Channel peer = accepted.get(20, TimeUnit.SECONDS);
            client.shutdownOutput().sync();
            assertTrue(peer.closeFuture().await(20, TimeUnit.SECONDS), "the server's channel closed at end of stream");
            assertFalse(peer.isOpen());
            client.close().sync();
        } finally {
            server.close().sync();
        }
    }

    @Test
    void closeFromAnotherThreadEndsThePeersStream() throws Exception {
        CompletableFuture<Channel> accepted = new CompletableFuture<>();
        Channel server = new ServerBootstrap().group(fixture.group).channel(ArrayNettyServerChannel.class)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        accepted.complete(ctx.channel());
                    }
                })
                .bind(new ArraySocketAddress(fixture.array.path, 0)).sync().channel();
        try {
            Channel client = new Bootstrap().group(fixture.group).channel(ArrayNettyChannel.class)
                    .handler(new ChannelInboundHandlerAdapter())
                    .connect(server.localAddress()).sync().channel();
            Channel peer = accepted.get(20, TimeUnit.SECONDS);
            assertFalse(client.eventLoop().inEventLoop());
            client.close().sync(); // from the test thread, not the loop
            assertFalse(client.isOpen());
            assertTrue(peer.closeFuture().await(20, TimeUnit.SECONDS), "the server's channel saw the end");
        } finally {
            server.close().sync();
        }
    }
}
