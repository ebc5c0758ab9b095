package io.arraysock.grpc;

import io.arraysock.FormatOptions;
import io.arraysock.StorageArray;
import org.junit.jupiter.api.AfterAll;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

/** {@link GrpcAcrossJvms} on an shm array: both JVMs map the same segment. */
class GrpcOnShmTest extends GrpcAcrossJvms {
    private final String path = "/dev/shm/arraysock-grpc-" + UUID.randomUUID();

    @Override
    String serverPath() throws Exception {
        StorageArray.format(path, FormatOptions.defaults().withNodeSlots(4));
        return path;
    }

    @Override
    String clientPath() {
        return path;
    }

    @Override
    int streamedLargest() {
        return 8;
    }

    /** A local death is seen at once (the dead node's slot lock): the loop's polling and gRPC's teardown remain. */
    @Override
    Duration deathBound() {
        return Duration.ofSeconds(1);
    }

    @AfterAll
    void removeArray() throws Exception {
        Files.deleteIfExists(Path.of(path));
    }

    @Override
    public String toString() {
        return "shm";
    }
}
