package io.arraysock.harden;

import io.arraysock.testkit.ChildJvm;
import io.arraysock.testkit.ShmSegments;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Native ring copies ({@code as_copy}) on a segment shrunk under them: each fails with the
 * same {@link InternalError} the JVM raises for its own accesses (which the library turns
 * into a "truncated" exception), repeatedly, and the JVM's handling of its own SIGBUS still
 * works with our handler in front of it. In a child JVM: a failure here would be a crash.
 */
class GuardedCopyTest {
    @RegisterExtension
    final ShmSegments segments = new ShmSegments();

    @Test
    void copiesPastTheEndOfAShrunkSegmentFailWithoutACrash() throws Exception {
        String path = segments.next();
        List<String> lines = new ArrayList<>();
        try (ChildJvm child = ChildJvm.start(GuardedCopyChild.class, path)) {
            for (String line; !(line = child.readLine(Duration.ofSeconds(60))).equals("DONE"); ) {
                lines.add(line);
            }
            assertEquals(0, child.waitFor(Duration.ofSeconds(30)), child.describe() + "\n" + lines);
        }
        String fault = "THREW java.lang.InternalError: a fault occurred in a native copy";
        assertEquals(List.of(
                "native-write-before OK",
                "native-write-1 " + fault, "native-read-1 " + fault,
                "native-write-2 " + fault, "native-read-2 " + fault),
                lines.subList(0, 5).stream().map(l -> l.contains(fault) ? l.substring(0, l.indexOf(fault) + fault.length()) : l).toList(),
                lines.toString());
        assertTrue(lines.get(5).startsWith("java-write THREW java.lang.InternalError: a fault occurred in"),
                "the JVM's own SIGBUS handling must still work: " + lines);
        assertEquals("native-within OK", lines.get(6), lines.toString());
    }
}
