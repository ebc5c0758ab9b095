package io.arraysock;

import io.arraysock.medium.ShmMedium;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Unique /dev/shm names for one test, unlinked afterwards. */
final class ShmSegments {
    private final List<String> paths = new ArrayList<>();

    String next() {
        String p = "/dev/shm/arraysock-test-" + UUID.randomUUID();
        paths.add(p);
        return p;
    }

    void unlinkAll() throws IOException {
        for (String p : paths) {
            if (Files.exists(Path.of(p))) {
                ShmMedium.unlink(p);
            }
        }
        paths.clear();
    }
}
