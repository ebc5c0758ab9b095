package io.arraysock.netty;

import io.arraysock.FormatOptions;
import io.arraysock.StorageArray;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/** A fresh shm array for one test class, removed at the end. */
final class ShmArrayFile implements AutoCloseable {
    final String path;

    private ShmArrayFile(String path) {
        this.path = path;
    }

    static ShmArrayFile create() throws IOException {
        String path = "/dev/shm/arraysock-netty-" + UUID.randomUUID();
        StorageArray.format(path, small());
        return new ShmArrayFile(path);
    }

    /** 4 nodes, 128 sockets each, 16 MiB arenas. */
    static FormatOptions small() {
        return FormatOptions.defaults().withNodeSlots(4).withSocketsPerNode(128).withArenaSize(16 << 20);
    }

    @Override
    public void close() throws IOException {
        Files.deleteIfExists(Path.of(path));
    }
}
