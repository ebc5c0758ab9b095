package io.arraysock.grpc;

import io.arraysock.net.ArraySocketAddress;
import io.grpc.ChannelCredentials;
import io.grpc.ManagedChannelProvider;
import io.grpc.NameResolverProvider;
import io.grpc.NameResolverRegistry;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyChannelProvider;

import java.net.SocketAddress;
import java.util.Collection;
import java.util.List;

/**
 * The channel provider gRPC picks for targets that resolve to {@link ArraySocketAddress}es
 * ({@code Grpc.newChannelBuilder("array:...", creds)}): grpc-netty's builder with the array's
 * channel type, on the shared array loop ({@link ArrayEventLoops#shared()}). Found by
 * {@code ServiceLoader}. gRPC matches the address types a target's resolver produces against
 * each provider's, so {@code dns:} targets never come here, and its priority (below
 * grpc-netty's) keeps {@code ManagedChannelBuilder.forTarget}, which takes the first provider
 * whatever the target, on grpc-netty.
 */
public final class ArrayChannelProvider extends ManagedChannelProvider {
    private static final int PRIORITY = 3;
    private final NettyChannelProvider netty = new NettyChannelProvider();

    @Override
    protected boolean isAvailable() {
        return true;
    }

    @Override
    protected int priority() {
        return PRIORITY;
    }

    /** Array addresses have no host name: use {@code array:PATH?port=N} targets. */
    @Override
    protected NettyChannelBuilder builderForAddress(String name, int port) {
        throw new UnsupportedOperationException("an array address has no host name: use the target array:PATH?port=N");
    }

    @Override
    protected NettyChannelBuilder builderForTarget(String target) {
        return onArray(NettyChannelBuilder.forTarget(target));
    }

    @Override
    protected NewChannelBuilderResult newChannelBuilder(String target, ChannelCredentials creds) {
        return onArray(netty.newChannelBuilder(target, creds));
    }

    @Override
    protected NewChannelBuilderResult newChannelBuilder(String target, ChannelCredentials creds,
                                                        NameResolverRegistry registry, NameResolverProvider resolver) {
        return onArray(netty.newChannelBuilder(target, creds, registry, resolver));
    }

    private static NewChannelBuilderResult onArray(NewChannelBuilderResult result) {
        if (result.getChannelBuilder() instanceof NettyChannelBuilder b) {
            onArray(b);
        }
        return result;
    }

    private static NettyChannelBuilder onArray(NettyChannelBuilder b) {
        return ArrayGrpc.onArray(b, ArrayEventLoops.shared());
    }

    @Override
    protected Collection<Class<? extends SocketAddress>> getSupportedSocketAddressTypes() {
        return List.of(ArraySocketAddress.class);
    }
}
