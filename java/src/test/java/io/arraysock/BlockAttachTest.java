package io.arraysock;

import io.arraysock.api.NodeInfo;
import io.arraysock.api.NodeState;
import io.arraysock.testkit.ChildJvm;
import io.arraysock.testkit.LoopDevices;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Attach across two JVMs on the block medium: both on one loop device (shared OFD locks),
 * and on the loop pair (two device nodes over one file, the child in its own network
 * namespace), where only the heartbeat tells a death.
 */
class BlockAttachTest {
    private static final Duration START = Duration.ofSeconds(60);
    private static final int LIVENESS_MS = 600;

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void twoProcessesSeeEachOtherAndADeathIsNoticed(boolean pair) throws Exception {
        LoopDevices.Pair devices = LoopDevices.pair();
        String mine = devices.first();
        String theirs = pair ? devices.second() : devices.first();
        StorageArray.format(mine, StorageArrayTest.SMALL.withNodeSlots(2).withForce(true).withHeartbeatIntervalMs(100)
                .withLivenessTimeoutMs(LIVENESS_MS));
        try (StorageArray array = StorageArray.attach(mine); ChildJvm child = ChildJvm.start(pair, AttachChild.class, theirs)) {
            int childSlot = Integer.parseInt(child.expect("SLOT", START).split(" ")[0]);
            assertNotEquals(array.nodeSlot(), childSlot);
            NodeInfo seen = waitFor(array, childSlot, true);
            assertEquals(NodeState.ACTIVE, seen.state());
            assertEquals(child.pid(), seen.pid());

            child.send("NODES");
            boolean sawUs = false;
            for (String line; !(line = child.readLine(START)).equals("END"); ) {
                sawUs |= line.startsWith("NODE " + array.nodeSlot() + " ACTIVE " + ProcessHandle.current().pid() + " ");
            }
            assertTrue(sawUs, "the child sees our node record");

            child.kill();
            long t0 = System.nanoTime();
            NodeInfo dead = waitFor(array, childSlot, false);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertFalse(dead.alive(), dead.toString());
            if (!pair) {
                assertTrue(ms < 1000, "same device node: the OFD lock tells at once, took " + ms + " ms");
            }
            // two slots: ours, and the dead child's, which the next attach must reclaim
            try (StorageArray next = StorageArray.attach(pair ? theirs : mine)) {
                assertEquals(childSlot, next.nodeSlot());
            }
        }
    }

    /** Polls our view of {@code slot} until its liveness is {@code alive} (at most a few liveness timeouts). */
    private static NodeInfo waitFor(StorageArray array, int slot, boolean alive) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(10L * LIVENESS_MS);
        while (true) {
            NodeInfo n = array.nodes().get(slot);
            if (n.alive() == alive || System.nanoTime() > deadline) {
                return n;
            }
            Thread.sleep(20);
        }
    }
}
