package io.arraysock.net;

import io.arraysock.FormatOptions;
import io.arraysock.StorageArray;
import io.arraysock.medium.ShmMedium;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/** A fresh shm array for one test class, held (shared) for its duration, unlinked at the end. */
final class ShmArray implements AutoCloseable {
    final String path;
    final SharedArrays.Lease lease;

    private ShmArray(String path, SharedArrays.Lease lease) {
        this.path = path;
        this.lease = lease;
    }

    static ShmArray create() throws IOException {
        String path = "/dev/shm/arraysock-net-" + UUID.randomUUID();
        StorageArray.format(path, small());
        return new ShmArray(path, SharedArrays.acquire(path));
    }

    /** 4 nodes, 128 sockets each, 16 MiB arenas. */
    static FormatOptions small() {
        return FormatOptions.defaults().withNodeSlots(4).withSocketsPerNode(128).withArenaSize(16 << 20);
    }

    String uri(int port) {
        return "array:" + path + "?port=" + port;
    }

    @Override
    public void close() throws IOException {
        lease.close();
        if (Files.exists(Path.of(path))) {
            ShmMedium.unlink(path);
        }
    }
}
