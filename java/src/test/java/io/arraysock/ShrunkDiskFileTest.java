package io.arraysock;

import io.arraysock.api.NodeSlotLostException;
import io.arraysock.api.SocketType;
import io.arraysock.format.Geometry;
import io.arraysock.medium.MediumTruncatedException;
import io.arraysock.testkit.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

/**
 * An array on a disk file (a regular file, not a device) truncated under its attached
 * nodes: they must stop writing and say the medium shrank, and never grow the file back
 * (a pwrite past the end of a file extends it: the file went 4096 -> 78336 bytes before).
 */
class ShrunkDiskFileTest {
    /** A disk file system (not tmpfs: there the file would be a segment) that supports O_DIRECT. */
    private static final Path DISK_DIR = Path.of("/var/tmp");
    private static final long SHRUNK = 4096;

    private Path file;

    @AfterEach
    void cleanUp() throws IOException {
        if (file != null) {
            Files.deleteIfExists(file);
        }
    }

    private static void truncate(Path p, long length) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(length);
        }
    }

    private static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    private long shrunkSize;

    @Test
    void nodesOnAShrunkFileStopWritingAndSaySo() throws Exception {
        file = Files.createTempFile(DISK_DIR, "arraysock-shrink-", ".img");
        truncate(file, StorageArrayTest.SMALL.geometry(Geometry.MIN_SECTOR_SIZE).requiredSize()); // its exact size
        StorageArray.format(file.toString(), StorageArrayTest.SMALL.withForce(true).withHeartbeatIntervalMs(20));
        long size = Files.size(file);
        try (StorageArray a = StorageArray.attach(file.toString()); StorageArray b = StorageArray.attach(file.toString());
             ArraySocket listener = a.openSocket(SocketType.STREAM); ArraySocket client = b.openSocket(SocketType.STREAM)) {
            listener.bind(0);
            listener.listen(1);
            client.connect(listener.localPort(), Duration.ofSeconds(10));
            try (ArraySocket server = listener.accept(Duration.ofSeconds(10))) {
                client.send(new byte[] {1, 2, 3}, 0, 3);
                assertEquals(3, server.receive(new byte[3], 0, 3));

                truncate(file, SHRUNK);
                // a write already past its size check when the truncation came (a heartbeat's
                // sector) may still land past the new end (docs/SECURITY.md): what the nodes
                // report is the size they found, and nothing grows the file after that
                java.util.regex.Pattern shrankTo = java.util.regex.Pattern.compile("shrank to (\\d+) bytes under this process \\(it had ");
                long[] reported = {0};

                // the heartbeats' next writes find it shrunk: both nodes are fenced, typed
                for (StorageArray node : new StorageArray[] {a, b}) {
                    Await.until(Duration.ofSeconds(10), () -> {
                        try {
                            node.checkNotLost();
                            return false;
                        } catch (NodeSlotLostException lost) {
                            return true;
                        }
                    }, () -> node + " still writes to the shrunk file");
                    NodeSlotLostException lost = assertThrows(NodeSlotLostException.class, node::checkNotLost);
                    assertInstanceOf(MediumTruncatedException.class, lost.getCause(), lost.toString());
                    java.util.regex.Matcher m = shrankTo.matcher(lost.getMessage());
                    assertTrue(m.find(), lost.getMessage());
                    long found = Long.parseLong(m.group(1));
                    assertTrue(found >= SHRUNK && found < SHRUNK + 64 * 1024, lost.getMessage());
                    reported[0] = Math.max(reported[0], found);
                }
                // a socket call now fails saying why, with the typed reason in its causes
                IOException send = assertThrows(IOException.class, () -> client.send(new byte[] {4}, 0, 1));
                assertTrue(shrankTo.matcher(send.getMessage()).find(), send.toString());
                assertTrue(causedBy(send, MediumTruncatedException.class), send.toString());
                shrunkSize = Files.size(file);
                assertTrue(shrunkSize <= reported[0], "a node grew the shrunk file back after it saw the shrink: "
                        + shrunkSize + " > " + reported[0] + " (it had " + size + ")");
            }
        }
        // closing wrote nothing either
        assertEquals(shrunkSize, Files.size(file), "closing grew the shrunk file back (it had " + size + ")");
    }
}
