package io.arraysock.bench.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.HdrHistogram.Histogram;

/**
 * One message at a time through an echo server: sends, waits for all of it to come back,
 * records the round trip (ns) and sends again. Runs on the channel's event loop; the benchmark
 * resets and copies {@link #histogram()} through tasks on that loop.
 */
final class PingPong extends ChannelInboundHandlerAdapter {
    private final ByteBuf message;
    private final Histogram histogram = new Histogram(3_600_000_000_000L, 3);
    private long sentAt;
    private int pending;

    PingPong(ByteBuf message) {
        this.message = message;
    }

    /** The round trips so far; call on the channel's event loop. */
    Histogram histogram() {
        return histogram;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        send(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf b = (ByteBuf) msg;
        pending -= b.readableBytes();
        b.release();
        if (pending == 0) {
            histogram.recordValue(System.nanoTime() - sentAt);
            send(ctx);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    private void send(ChannelHandlerContext ctx) {
        pending = message.readableBytes();
        sentAt = System.nanoTime();
        ctx.writeAndFlush(message.retainedDuplicate(), ctx.voidPromise());
    }
}
