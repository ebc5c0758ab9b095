package io.arraysock.testkit;

import io.arraysock.medium.ShmMedium;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Unique /dev/shm names for a test, unlinked after each test: the shm fixture of the test
 * kit. Register it as a field ({@code @RegisterExtension final ShmSegments segments = new
 * ShmSegments();}), or call {@link #unlinkAll} yourself.
 */
public final class ShmSegments implements AfterEachCallback {
    private final List<String> paths = new ArrayList<>();

    /** A fresh path under /dev/shm, not created: unlinked after the test if it then exists. */
    public String next() {
        String p = "/dev/shm/arraysock-test-" + UUID.randomUUID();
        paths.add(p);
        return p;
    }

    /** Unlinks every segment handed out that exists. */
    public void unlinkAll() throws IOException {
        for (String p : paths) {
            if (Files.exists(Path.of(p))) {
                ShmMedium.unlink(p);
            }
        }
        paths.clear();
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        unlinkAll();
    }
}
