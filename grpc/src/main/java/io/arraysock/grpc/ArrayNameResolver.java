package io.arraysock.grpc;

import io.arraysock.net.ArraySocketAddress;
import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.StatusOr;

import java.util.List;
import java.util.Objects;

/**
 * The name resolver of one {@code array:} target: its address, at once and on every refresh.
 * An array address needs no lookup; a missing array or port surfaces when the channel
 * connects ({@code UNAVAILABLE}).
 */
final class ArrayNameResolver extends NameResolver {
    private final ArraySocketAddress address;
    private Listener2 listener;

    ArrayNameResolver(ArraySocketAddress address) {
        this.address = Objects.requireNonNull(address, "address");
    }

    ArraySocketAddress address() {
        return address;
    }

    @Override
    public String getServiceAuthority() {
        return ArrayGrpc.AUTHORITY;
    }

    @Override
    public void start(Listener2 listener) {
        if (this.listener != null) {
            throw new IllegalStateException("already started");
        }
        this.listener = Objects.requireNonNull(listener, "listener");
        resolve();
    }

    @Override
    public void refresh() {
        resolve();
    }

    private void resolve() {
        listener.onResult2(ResolutionResult.newBuilder()
                .setAddressesOrError(StatusOr.fromValue(List.of(new EquivalentAddressGroup(address))))
                .build());
    }

    @Override
    public void shutdown() {
        // nothing held
    }
}
