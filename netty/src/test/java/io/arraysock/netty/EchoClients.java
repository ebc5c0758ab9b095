package io.arraysock.netty;

import io.arraysock.net.ArraySocketAddress;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * Clients that each send {@code bytes} random bytes (in 8 KiB direct buffers) to an echo
 * server and check that exactly those bytes come back, in order.
 */
final class EchoClients {
    private EchoClients() {
    }

    /** Runs {@code connections} echo clients at once; returns when all got their bytes back. */
    static void run(EventLoopGroup group, String arrayPath, int port, int connections, int bytes, int ringSize)
            throws Exception {
        Bootstrap b = new Bootstrap().group(group).channel(ArrayNettyChannel.class)
                .option(ChannelOption.SO_SNDBUF, ringSize).option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 20_000);
        List<Client> clients = new ArrayList<>();
        long t0 = System.nanoTime();
        long connectNanos = 0;
        for (int i = 0; i < connections; i++) {
            byte[] data = new byte[bytes];
            new Random(i).nextBytes(data);
            Client c = new Client(data);
            clients.add(c);
            long c0 = System.nanoTime();
            Channel ch = b.handler(c).connect(new ArraySocketAddress(arrayPath, port)).sync().channel();
            connectNanos += System.nanoTime() - c0;
            for (int off = 0; off < bytes; off += 8192) {
                int len = Math.min(8192, bytes - off);
                ByteBuf buf = ch.alloc().directBuffer(len).writeBytes(data, off, len);
                ch.write(buf);
            }
            ch.flush();
        }
        for (Client c : clients) {
            byte[] got = c.done.get(60, TimeUnit.SECONDS);
            assertArrayEquals(c.sent, got, "echoed bytes");
            c.channel.close().sync();
        }
        System.out.printf("echo: %d connections x %d KiB: connects took %d ms in all, everything %d ms%n", connections,
                bytes >> 10, connectNanos / 1_000_000, (System.nanoTime() - t0) / 1_000_000);
    }

    private static final class Client extends ChannelInboundHandlerAdapter {
        final byte[] sent;
        final byte[] received;
        int count;
        volatile Channel channel;
        final CompletableFuture<byte[]> done = new CompletableFuture<>();

        Client(byte[] sent) {
            this.sent = sent;
            this.received = new byte[sent.length];
        }

        @Override
        public boolean isSharable() {
            return false;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            channel = ctx.channel();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                int n = buf.readableBytes();
                if (count + n > received.length) {
                    done.completeExceptionally(new AssertionError("more bytes echoed than sent: " + (count + n)));
                    return;
                }
                buf.readBytes(received, count, n);
                count += n;
                if (count == received.length) {
                    done.complete(received);
                }
            } finally {
                buf.release();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            done.completeExceptionally(new AssertionError("closed after " + count + " of " + received.length + " bytes"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            done.completeExceptionally(cause);
        }
    }
}
