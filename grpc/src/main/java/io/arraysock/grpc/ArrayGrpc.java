package io.arraysock.grpc;

import io.arraysock.net.ArraySocketAddress;
import io.arraysock.netty.ArrayNettyChannel;
import io.arraysock.netty.ArrayNettyServerChannel;
import io.grpc.ChannelCredentials;
import io.grpc.ServerCredentials;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.EventLoopGroup;

/**
 * gRPC channels and servers on the array: grpc-netty's builders with the array's channel
 * types and event loops. {@code Grpc.newChannelBuilder("array:PATH?port=N", creds)} needs
 * none of this (the {@code array:} target is found through {@link ArrayNameResolverProvider}
 * and {@link ArrayChannelProvider}); these are for code that builds grpc-netty's builders
 * itself, and for servers, which {@code Grpc.newServerBuilderForPort} cannot put on an array.
 */
public final class ArrayGrpc {
    /**
     * The {@code :authority} of calls on the array. An array address is not a host name, and
     * the array is local to the hosts that share it, so it is {@code localhost}, as for gRPC
     * over Unix-domain sockets.
     */
    public static final String AUTHORITY = "localhost";

    private ArrayGrpc() {
    }

    /** A channel builder to {@code address}, on the shared array loop ({@link ArrayEventLoops#shared()}). */
    public static NettyChannelBuilder newChannelBuilder(ArraySocketAddress address, ChannelCredentials creds) {
        return onArray(NettyChannelBuilder.forAddress(address, creds).overrideAuthority(AUTHORITY),
                ArrayEventLoops.shared());
    }

    /**
     * Puts {@code builder}'s transport on the array: the array channel type, declared as
     * taking {@link ArraySocketAddress}es, and {@code group}, which must be an array loop
     * group ({@code MultiThreadIoEventLoopGroup} with {@code ArrayIoHandler.newFactory()}).
     * The channel does not own {@code group}: its owner shuts it down.
     */
    public static NettyChannelBuilder onArray(NettyChannelBuilder builder, EventLoopGroup group) {
        return builder.channelType(ArrayNettyChannel.class, ArraySocketAddress.class).eventLoopGroup(group);
    }

    /**
     * A server builder listening on {@code address} (port 0: a free port, read back with
     * {@code Server.getListenSockets()}), on the shared array loop.
     */
    public static NettyServerBuilder newServerBuilder(ArraySocketAddress address, ServerCredentials creds) {
        EventLoopGroup group = ArrayEventLoops.shared();
        return onArray(NettyServerBuilder.forAddress(address, creds), group, group);
    }

    /**
     * Puts {@code builder}'s listener on the array: the array server channel type, {@code boss}
     * accepting and {@code worker} serving the connections (array loop groups, may be the
     * same). The server does not own the groups: their owner shuts them down.
     */
    public static NettyServerBuilder onArray(NettyServerBuilder builder, EventLoopGroup boss, EventLoopGroup worker) {
        return builder.channelType(ArrayNettyServerChannel.class).bossEventLoopGroup(boss).workerEventLoopGroup(worker);
    }
}
