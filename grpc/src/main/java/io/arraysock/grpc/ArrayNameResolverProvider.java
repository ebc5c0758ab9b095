package io.arraysock.grpc;

import io.arraysock.net.ArraySocketAddress;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;

import java.net.SocketAddress;
import java.net.URI;
import java.util.Collection;
import java.util.List;

/**
 * Resolves {@code array:PATH?port=N} targets (also {@code array:///PATH?port=N}) to one
 * {@link ArraySocketAddress}. Found by {@code ServiceLoader}; with {@link ArrayChannelProvider}
 * it lets {@code Grpc.newChannelBuilder("array:/dev/shm/a?port=50051", creds)} build a channel
 * on the array.
 */
public final class ArrayNameResolverProvider extends NameResolverProvider {
    /** The target scheme, {@code array} (the address syntax's {@link ArraySocketAddress#SCHEME} without its colon). */
    public static final String SCHEME = ArraySocketAddress.SCHEME.substring(0, ArraySocketAddress.SCHEME.length() - 1);
    private static final int PRIORITY = 5;

    /**
     * @throws IllegalArgumentException for an {@code array:} target that is not an array
     *         address: no port, a bad port, an unknown parameter, or a host (arrays have none)
     */
    @Override
    public NameResolver newNameResolver(URI targetUri, NameResolver.Args args) {
        if (!SCHEME.equals(targetUri.getScheme())) {
            return null;
        }
        return new ArrayNameResolver(addressOf(targetUri));
    }

    /** The array address a target names. */
    static ArraySocketAddress addressOf(URI target) {
        if (target.isOpaque()) { // array:relative/path?port=N
            return ArraySocketAddress.parse(ArraySocketAddress.SCHEME + target.getRawSchemeSpecificPart());
        }
        if (target.getRawAuthority() != null && !target.getRawAuthority().isEmpty()) {
            throw new IllegalArgumentException("an array target names no host (array:PATH?port=N): " + target);
        }
        String query = target.getQuery();
        return ArraySocketAddress.parse(ArraySocketAddress.SCHEME + target.getPath() + (query == null ? "" : "?" + query));
    }

    @Override
    public String getDefaultScheme() {
        return SCHEME;
    }

    @Override
    protected boolean isAvailable() {
        return true;
    }

    @Override
    protected int priority() {
        return PRIORITY;
    }

    @Override
    public Collection<Class<? extends SocketAddress>> getProducedSocketAddressTypes() {
        return List.of(ArraySocketAddress.class);
    }
}
