package io.arraysock.netty;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * An echo: writes back what it reads, flushes once per read burst (as Netty's own echo example
 * does) and closes the connection on a fault. The server of this module's README, its tests and
 * the echo benchmark. One instance serves every connection; a subclass may watch them (and
 * stays sharable: the annotation is inherited).
 */
@ChannelHandler.Sharable
public class EchoHandler extends ChannelInboundHandlerAdapter {
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
