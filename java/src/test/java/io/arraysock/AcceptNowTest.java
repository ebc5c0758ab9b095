package io.arraysock;

import io.arraysock.api.SocketType;
import io.arraysock.testkit.Allocations;
import io.arraysock.testkit.ShmSegments;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ArraySocket#acceptNow}: an event loop looks at its listener once per turn, so a look
 * that finds nothing must not allocate (the acceptor's pass and the accept bell are made only
 * when there is something to answer or to wait for).
 */
class AcceptNowTest {
    @RegisterExtension
    final ShmSegments segments = new ShmSegments();

    @Test
    void anEmptyLookAllocatesNothing() throws Exception {
        String path = segments.format(StorageArrayTest.SMALL);
        try (StorageArray a = StorageArray.attach(path); ArraySocket server = ArrayFixture.listener(a, SocketType.STREAM, 7100, 4)) {
            for (int i = 0; i < 50_000; i++) { // warm: the JIT settles
                assertNull(server.acceptNow());
            }
            int looks = 20_000;
            long before = Allocations.ofThisThread();
            for (int i = 0; i < looks; i++) {
                assertNull(server.acceptNow());
            }
            long allocated = Allocations.ofThisThread() - before;
            // a few bytes per look would be thousands of KiB here; allow the measurement's own noise
            assertTrue(allocated < 16 * 1024, looks + " empty looks allocated " + allocated + " bytes");
        }
    }
}
