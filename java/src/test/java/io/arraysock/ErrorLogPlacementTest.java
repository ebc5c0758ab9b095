package io.arraysock;

import io.arraysock.api.NodeErrors;
import io.arraysock.api.SocketType;
import io.arraysock.format.ErrorLogDescriptor;
import io.arraysock.medium.Medium;
import io.arraysock.testkit.Await;
import io.arraysock.testkit.ShmSegments;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rings win over the error log: a 64 KiB arena holds four 16 KiB rings also after the log
 * took a granule of it (the log gives it back, clearing the header's offset first), and the
 * log is placed again, whole, once a ring's room is free.
 */
class ErrorLogPlacementTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @RegisterExtension
    final ShmSegments segments = new ShmSegments();

    @Test
    void aRingTakesTheLogsGranuleAndTheLogComesBack() throws Exception {
        String path = segments.format(StorageArrayTest.SMALL);
        try (StorageArray server = StorageArray.attach(path); StorageArray client = StorageArray.attach(path);
             ArraySocket listener = server.openSocket(SocketType.STREAM);
             ArrayInspector inspector = ArrayInspector.open(path)) {
            try (ArraySocket s = client.openSocket(SocketType.STREAM)) {
                s.connect(7401);
                throw new AssertionError("connected where nothing listens");
            } catch (ConnectException expected) {
                // the client's first error: its log is placed at the next publish
            }
            Medium m = client.medium();
            long header = client.geometry().nodeRecordOffset(client.nodeSlot()) + ErrorLogDescriptor.LOG_OFFSET_OFFSET;
            long arenaEnd = client.geometry().arenaOffset(client.nodeSlot()) + client.geometry().arenaSize();
            Await.until(WAIT, () -> m.getLongAcquire(header) != 0, () -> "the log was never placed");
            assertEquals(arenaEnd - ErrorLogDescriptor.LOG_LENGTH, m.getLongAcquire(header), "the top granule");
            listener.bind(7400);
            listener.listen(8);
            List<ArraySocket> open = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) { // four 16 KiB rings fill the client's 64 KiB arena
                    ArraySocket c = client.openSocket(SocketType.STREAM);
                    open.add(c);
                    c.connect(7400);
                    open.add(listener.accept());
                }
                assertEquals(0, m.getLongAcquire(header), "the log gave its granule to the fourth ring");
                open.remove(0).close(); // a client ring returns (once its peer lets go)
                open.remove(0).close();
                Await.until(WAIT, () -> m.getLongAcquire(header) != 0, () -> "the log was never placed again");
                NodeErrors log = inspector.errors(inspector.inspect(false)).stream()
                        .filter(n -> n.slot() == client.nodeSlot()).findFirst().orElseThrow();
                assertTrue(log.problems().isEmpty() && log.entries().size() == 1
                        && log.entries().get(0).kind().equals("connect") && log.entries().get(0).count() == 1, log::toString);
            } finally {
                for (ArraySocket s : open) {
                    s.close();
                }
            }
        }
    }
}
