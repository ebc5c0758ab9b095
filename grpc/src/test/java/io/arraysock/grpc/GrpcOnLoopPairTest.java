package io.arraysock.grpc;

import io.arraysock.FormatOptions;
import io.arraysock.StorageArray;
import io.arraysock.testkit.LoopDevices;

import java.time.Duration;

/**
 * {@link GrpcAcrossJvms} on the loop pair (the block medium): each JVM through its own device
 * node onto the same storage, with its own cache, the server in its own network namespace.
 */
class GrpcOnLoopPairTest extends GrpcAcrossJvms {
    private LoopDevices.Pair pair;

    @Override
    String serverPath() throws Exception {
        pair = LoopDevices.pair();
        StorageArray.format(pair.first(), FormatOptions.defaults().withNodeSlots(4).withForce(true));
        return pair.second();
    }

    @Override
    String clientPath() {
        return pair.first();
    }

    @Override
    int streamedLargest() {
        return 4;
    }

    /** Across hosts a death is a heartbeat that stands still for the liveness timeout; then the loop's polling and gRPC's teardown. */
    @Override
    Duration deathBound() {
        return Duration.ofMillis(FormatOptions.DEFAULT_LIVENESS_TIMEOUT_MS + 1500);
    }

    @Override
    public String toString() {
        return "the loop pair";
    }
}
