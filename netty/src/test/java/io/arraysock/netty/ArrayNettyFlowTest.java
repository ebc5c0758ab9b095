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
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.WriteBufferWaterMark;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

/** Flow control: autoRead off, ring back-pressure as channel writability, and connect failures. */
class ArrayNettyFlowTest {
    private static final int RING = 64 << 10;
    private static LoopFixture fixture;

    @BeforeAll
    static void start() throws Exception {
        fixture = new LoopFixture();
    }

    @AfterAll
    static void stop() throws Exception {
        fixture.close();
    }

    /** A server whose accepted channels do not read by themselves and count what they read. */
    private static final class CountingServer implements AutoCloseable {
        final Channel channel;
        final CompletableFuture<Channel> accepted = new CompletableFuture<>();
        final AtomicLong bytes = new AtomicLong();
        volatile CountDownLatch reads = new CountDownLatch(1);

        CountingServer() throws InterruptedException {
            channel = new ServerBootstrap().group(fixture.group).channel(ArrayNettyServerChannel.class)
                    .childOption(ChannelOption.AUTO_READ, false)
                    .childHandler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelActive(ChannelHandlerContext ctx) {
                            accepted.complete(ctx.channel());
                        }

                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            bytes.addAndGet(((ByteBuf) msg).readableBytes());
                            ((ByteBuf) msg).release();
                            reads.countDown();
                        }
                    })
                    .bind(new ArraySocketAddress(fixture.array.path, 0)).sync().channel();
        }

        @Override
        public void close() {
            channel.close().syncUninterruptibly();
        }
    }

    private static Channel connect(Channel server, int ring, WriteBufferWaterMark marks) throws InterruptedException {
        return new Bootstrap().group(fixture.group).channel(ArrayNettyChannel.class)
                .option(ChannelOption.SO_SNDBUF, ring)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, marks)
                .handler(new ChannelInboundHandlerAdapter())
                .connect(server.localAddress()).sync().channel();
    }

    @Test
    void withAutoReadOffEachReadCallReadsOnceAndNothingMoreArrives() throws Exception {
        try (CountingServer server = new CountingServer()) {
            Channel client = connect(server.channel, RING, WriteBufferWaterMark.DEFAULT);
            Channel peer = server.accepted.get(20, TimeUnit.SECONDS);
            client.writeAndFlush(Unpooled.wrappedBuffer(new byte[100])).sync();
            assertFalse(server.reads.await(300, TimeUnit.MILLISECONDS), "read nothing before read()");
            assertEquals(0, server.bytes.get());

            peer.read();
            assertTrue(server.reads.await(20, TimeUnit.SECONDS), "read() delivered the bytes");
            assertEquals(100, server.bytes.get());

            server.reads = new CountDownLatch(1);
            client.writeAndFlush(Unpooled.wrappedBuffer(new byte[50])).sync();
            assertFalse(server.reads.await(300, TimeUnit.MILLISECONDS), "one read() is one read, not a subscription");
            peer.read();
            assertTrue(server.reads.await(20, TimeUnit.SECONDS));
            assertEquals(150, server.bytes.get());

            server.reads = new CountDownLatch(1);
            peer.config().setAutoRead(true);
            client.writeAndFlush(Unpooled.wrappedBuffer(new byte[25])).sync();
            assertTrue(server.reads.await(20, TimeUnit.SECONDS), "autoRead on again reads by itself");
            client.close().sync();
        }
    }

    @Test
    void aFullRingMakesTheChannelUnwritableUntilThePeerReads() throws Exception {
        try (CountingServer server = new CountingServer()) {
            Channel client = connect(server.channel, RING, new WriteBufferWaterMark(RING / 2, RING));
            Channel peer = server.accepted.get(20, TimeUnit.SECONDS);
            int total = 1 << 20;
            CompletableFuture<Void> written = new CompletableFuture<>();
            CountDownLatch unwritable = new CountDownLatch(1);
            CountDownLatch writableAgain = new CountDownLatch(1);
            client.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelWritabilityChanged(ChannelHandlerContext ctx) {
                    (ctx.channel().isWritable() ? writableAgain : unwritable).countDown();
                }
            });
            client.writeAndFlush(Unpooled.wrappedBuffer(new byte[total])).addListener(f -> {
                if (f.isSuccess()) {
                    written.complete(null);
                } else {
                    written.completeExceptionally(f.cause());
                }
            });
            assertTrue(unwritable.await(20, TimeUnit.SECONDS), "unwritable above the high water mark");
            Thread.sleep(200);
            assertFalse(written.isDone(), "the ring is full and nobody reads: the write waits");
            long pending = client.unsafe().outboundBuffer() == null ? 0 : pendingOnLoop(client);
            assertTrue(pending >= total - 2L * RING, "at most about a ring's worth left the outbound buffer: " + pending);
            assertFalse(client.isWritable());

            peer.config().setAutoRead(true);
            written.get(30, TimeUnit.SECONDS);
            assertTrue(writableAgain.await(20, TimeUnit.SECONDS), "writable again once the peer made room");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (server.bytes.get() < total && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(total, server.bytes.get(), "every byte arrived");
            client.close().sync();
        }
    }

    private static long pendingOnLoop(Channel ch) throws Exception {
        return ch.eventLoop().submit(() -> ch.unsafe().outboundBuffer().totalPendingWriteBytes()).get(10, TimeUnit.SECONDS);
    }

    @Test
    void connectToAPortNobodyListensOnFailsWithConnectException() {
        long start = System.nanoTime();
        Throwable cause = new Bootstrap().group(fixture.group).channel(ArrayNettyChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                .handler(new ChannelInboundHandlerAdapter())
                .connect(new ArraySocketAddress(fixture.array.path, 4242)).awaitUninterruptibly().cause();
        assertInstanceOf(ConnectException.class, cause, String.valueOf(cause));
        assertFalse(cause instanceof ConnectTimeoutException, "refused, not timed out: " + cause);
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(9), "refused before the timeout");
    }

    @Test
    void aNonArrayAddressIsRefusedAtConnect() {
        Throwable cause = new Bootstrap().group(fixture.group).channel(ArrayNettyChannel.class)
                .handler(new ChannelInboundHandlerAdapter())
                .connect(new java.net.InetSocketAddress("127.0.0.1", 80)).awaitUninterruptibly().cause();
        assertNotNull(cause);
        assertInstanceOf(java.nio.channels.UnsupportedAddressTypeException.class, cause, String.valueOf(cause));
    }
}
