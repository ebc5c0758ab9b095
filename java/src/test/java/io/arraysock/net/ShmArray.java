package io.arraysock.net;

import io.arraysock.FormatOptions;
import io.arraysock.StorageArray;
import io.arraysock.medium.ShmMedium;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * A fresh shm array, held (shared) while in use and unlinked at the end: either for one test
 * class ({@code @RegisterExtension static final ShmArray array = ShmArray.perClass();}) or for
 * one test ({@code try (ShmArray array = ShmArray.create())}).
 */
final class ShmArray implements AutoCloseable, BeforeAllCallback, AfterAllCallback {
    final String path = "/dev/shm/arraysock-net-" + UUID.randomUUID();
    /** The test's own hold on the array (null for a per-class one until its tests start). */
    SharedArrays.Lease lease;

    private ShmArray() {
    }

    /** Formatted before the test class's first test, unlinked after its last. */
    static ShmArray perClass() {
        return new ShmArray();
    }

    /** Formatted now. */
    static ShmArray create() throws IOException {
        ShmArray a = new ShmArray();
        a.open();
        return a;
    }

    private void open() throws IOException {
        StorageArray.format(path, small());
        lease = SharedArrays.acquire(path);
    }

    /** 4 nodes, 128 sockets each, 16 MiB arenas. */
    static FormatOptions small() {
        return FormatOptions.defaults().withNodeSlots(4).withSocketsPerNode(128).withArenaSize(16 << 20);
    }

    String uri(int port) {
        return "array:" + path + "?port=" + port;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        open();
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        close();
    }

    @Override
    public void close() throws IOException {
        if (lease != null) {
            lease.close();
        }
        if (Files.exists(Path.of(path))) {
            ShmMedium.unlink(path);
        }
    }
}
