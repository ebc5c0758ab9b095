package io.arraysock.net;

import io.arraysock.testkit.ShmSegments;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;

/**
 * A fresh shm array of the test kit's ({@link ShmSegments#format()}), held through this
 * package's {@link SharedArrays} while in use: either for one test class ({@code
 * @RegisterExtension static final ShmArray array = ShmArray.perClass();}) or for one test
 * ({@code try (ShmArray array = ShmArray.create())}).
 */
final class ShmArray implements AutoCloseable, BeforeAllCallback, AfterAllCallback {
    private final ShmSegments segments = new ShmSegments();
    /** The array's path (null for a per-class one until its tests start). */
    String path;
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
        path = segments.format();
        lease = SharedArrays.acquire(path);
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
        segments.close();
    }
}
