package io.arraysock;

import io.arraysock.api.NoFreeNodeSlotException;
import io.arraysock.api.NodeInfo;
import io.arraysock.api.NodeState;
import io.arraysock.testkit.ChildJvm;
import io.arraysock.testkit.ShmSegments;
import io.arraysock.testkit.Unprivileged;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/** Attach across real processes on /dev/shm. */
class CrossProcessAttachTest {
    private static final Duration START = Duration.ofSeconds(60);
    @RegisterExtension
    final ShmSegments segments = new ShmSegments();

    @Test
    void twoProcessesSeeEachOther() throws Exception {
        String path = segments.format(StorageArrayTest.SMALL);
        try (StorageArray array = StorageArray.attach(path); ChildJvm child = ChildJvm.start(AttachChild.class, path)) {
            int childSlot = Integer.parseInt(child.expect("SLOT", START).split(" ")[0]);
            assertNotEquals(array.nodeSlot(), childSlot);

            NodeInfo seenByUs = array.nodes().get(childSlot);
            assertEquals(NodeState.ACTIVE, seenByUs.state());
            assertEquals(child.pid(), seenByUs.pid());
            assertEquals(Files.readString(Path.of("/proc/sys/kernel/hostname")).trim(), seenByUs.host());
            assertTrue(seenByUs.alive(), seenByUs.toString());

            child.send("NODES");
            String ours = null;
            for (String line; !(line = child.readLine(START)).equals("END"); ) {
                if (line.startsWith("NODE " + array.nodeSlot() + " ")) {
                    ours = line;
                }
            }
            assertEquals("NODE " + array.nodeSlot() + " ACTIVE " + ProcessHandle.current().pid() + " ALIVE "
                    + seenByUs.host(), ours);
            child.send("CLOSE");
            child.expect("CLOSED", START);
            assertEquals(0, child.waitFor(START));
            assertEquals(NodeState.FREE, array.nodes().get(childSlot).state());
        }
    }

    @Test
    void eightConcurrentAttachesGetDistinctSlotsAndAKilledOnesSlotIsReclaimed() throws Exception {
        String path = segments.format(StorageArrayTest.SMALL.withNodeSlots(8));
        List<ChildJvm> children = new ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                children.add(ChildJvm.start(AttachChild.class, path));
            }
            Set<Integer> slots = new HashSet<>();
            int[] slotOf = new int[8];
            for (int i = 0; i < 8; i++) {
                slotOf[i] = Integer.parseInt(children.get(i).expect("SLOT", START).split(" ")[0]);
                slots.add(slotOf[i]);
            }
            assertEquals(8, slots.size(), "slots " + slots);
            assertThrows(NoFreeNodeSlotException.class, () -> StorageArray.attach(path));

            ChildJvm victim = children.get(3);
            victim.kill();
            long start = System.nanoTime();
            try (StorageArray array = StorageArray.attach(path)) {
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertEquals(slotOf[3], array.nodeSlot());
                assertTrue(ms < 1000, "took " + ms + " ms: a local death must be seen through the lock, at once");
            }
        } finally {
            for (ChildJvm c : children) {
                c.close();
            }
        }
    }

    @Test
    void permissionDeniedIsAccessDenied() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root to chown and drop privileges");
        String path = segments.format(StorageArrayTest.SMALL.withMode(0600));
        Unprivileged.run("chown", "65533:65533", path); // owned by a uid that is neither root nor the child
        Path dir = Files.createTempDirectory("arraysock-cp-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        try {
            List<String> cmd = Unprivileged.javaCommand(dir, AttachChild.class, path);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out;
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                out = r.lines().collect(Collectors.joining("\n"));
            }
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertTrue(out.contains("ERROR java.nio.file.AccessDeniedException"), out);
            assertTrue(out.contains(path), out);
        } finally {
            Unprivileged.run("rm", "-rf", dir.toString());
        }
    }
}
