package io.arraysock.bench.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Streams one message size through an echo server with a bounded number of bytes in flight
 * (sent, not yet echoed back), topping the window up after every read burst and whenever the
 * channel becomes writable again. Everything here runs on the channel's event loop; the
 * benchmark samples {@link #echoed()} through a task on that loop.
 */
final class EchoPump extends ChannelInboundHandlerAdapter {
    private final ByteBuf message;
    private final long window;
    private long written;
    private long echoed;

    /** {@code message} is shared (read-only, retained per write); {@code window} in bytes. */
    EchoPump(ByteBuf message, long window) {
        this.message = message;
        this.window = window;
    }

    /** Bytes echoed back so far; call on the channel's event loop. */
    long echoed() {
        return echoed;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        topUp(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf b = (ByteBuf) msg;
        echoed += b.readableBytes();
        b.release();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        topUp(ctx);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        topUp(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    private void topUp(ChannelHandlerContext ctx) {
        boolean wrote = false;
        while (written - echoed < window && ctx.channel().isWritable()) {
            ctx.write(message.retainedDuplicate(), ctx.voidPromise());
            written += message.readableBytes();
            wrote = true;
        }
        if (wrote) {
            ctx.flush();
        }
    }
}
