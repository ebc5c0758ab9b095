package io.arraysock.testkit;

import io.arraysock.FormatOptions;
import io.arraysock.StorageArray;
import io.arraysock.format.Geometry;
import io.arraysock.medium.ShmMedium;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The shm fixture of the test kit: fresh /dev/shm segments for a test, as bare names
 * ({@link #next}), formatted arrays ({@link #format}) or bare media of a geometry
 * ({@link #medium}, for the socket layer's tests without a node table), closed and unlinked
 * after each test. Register it as a field ({@code @RegisterExtension final ShmSegments
 * segments = new ShmSegments();}); as a static field with {@link #perClass()}, to keep its
 * segments until the class's last test; or use it in try-with-resources.
 */
public final class ShmSegments implements AfterEachCallback, AfterAllCallback, AutoCloseable {
    private final boolean perClass;
    private final List<String> paths = new ArrayList<>();
    private final List<ShmMedium> media = new ArrayList<>();

    public ShmSegments() {
        this(false);
    }

    private ShmSegments(boolean perClass) {
        this.perClass = perClass;
    }

    /** Segments kept from the class's first test to its last (register it static). */
    public static ShmSegments perClass() {
        return new ShmSegments(true);
    }

    /** Test arrays: 4 nodes, 128 sockets each, 16 MiB arenas (about 65 MiB in all). */
    public static FormatOptions small() {
        return FormatOptions.defaults().withNodeSlots(4).withSocketsPerNode(128).withArenaSize(16 << 20);
    }

    /** A fresh path under /dev/shm, not created: unlinked after the test if it then exists. */
    public synchronized String next() {
        String p = "/dev/shm/arraysock-test-" + UUID.randomUUID();
        paths.add(p);
        return p;
    }

    /** A fresh array formatted {@link #small()}: its path. */
    public String format() throws IOException {
        return format(small());
    }

    /** A fresh array formatted with {@code options}: its path. */
    public String format(FormatOptions options) throws IOException {
        String p = next();
        StorageArray.format(p, options);
        return p;
    }

    /** A fresh segment of {@code geometry}'s size, not formatted: closed (then unlinked) after the test. */
    public ShmMedium medium(Geometry geometry) throws IOException {
        ShmMedium m = ShmMedium.create(next(), geometry.requiredSize());
        synchronized (this) {
            media.add(m);
        }
        return m;
    }

    /** Closes every medium handed out, and unlinks every segment handed out that exists. */
    public synchronized void unlinkAll() throws IOException {
        for (ShmMedium m : media) {
            m.close();
        }
        media.clear();
        for (String p : paths) {
            if (Files.exists(Path.of(p))) {
                ShmMedium.unlink(p);
            }
        }
        paths.clear();
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        if (!perClass) {
            unlinkAll();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        unlinkAll();
    }

    @Override
    public void close() throws IOException {
        unlinkAll();
    }
}
