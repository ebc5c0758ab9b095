package io.arraysock.harden;

import io.arraysock.testkit.ChildJvm;
import io.arraysock.testkit.ShmSegments;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A segment shrunk under a running process (the SIGBUS case). What must hold: the JVM does
 * not crash (the child prints DONE and exits 0), and every call after the truncation either
 * succeeds or throws. HotSpot turns the SIGBUS of a vanished mapped page into an
 * {@link InternalError} ("a fault occurred in a recent unsafe memory access operation"),
 * delivered asynchronously, possibly after the library call returned; the library takes it
 * before its call returns (Medium.surfaceLateFault) and converts it, like every one it
 * catches, into a {@code MediumTruncatedException} / "Connection reset", fencing the node.
 * So no call may let an InternalError out, and the JVM must not crash.
 */
class TruncationTest {
    @RegisterExtension
    final ShmSegments segments = new ShmSegments();

    @ParameterizedTest
    @ValueSource(longs = {0, 4096, 65536})
    void aShrunkSegmentGivesExceptionsNotACrash(long newLength) throws Exception {
        String path = segments.next();
        List<String> lines = new ArrayList<>();
        try (ChildJvm child = ChildJvm.start(TruncationChild.class, path, Long.toString(newLength))) {
            try {
                for (String line; !(line = child.readLine(Duration.ofSeconds(60))).equals("DONE"); ) {
                    lines.add(line);
                }
            } catch (AssertionError e) {
                fail("the child did not finish after the truncation to " + newLength + " bytes; its output: " + lines + "\n" + e.getMessage());
            }
            assertEquals(0, child.waitFor(Duration.ofSeconds(30)), child.describe());
        }
        for (String line : lines) {
            if (line.startsWith("THREW")) {
                boolean io = line.contains("Exception: ") && (line.contains("IOException") || line.contains("SocketException")
                        || line.contains("io.arraysock."));
                boolean fault = line.contains("java.lang.InternalError: a fault occurred");
                assertTrue(io && !fault,
                        "after truncation to " + newLength + ": " + line + "\nall: " + lines);
            }
        }
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("TRUNCATED")), lines.toString());
    }
}
