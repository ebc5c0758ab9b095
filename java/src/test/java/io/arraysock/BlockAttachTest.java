package io.arraysock;

import io.arraysock.api.NodeInfo;
import io.arraysock.api.NodeState;
import io.arraysock.testkit.BlockPair;
import io.arraysock.testkit.ChildJvm;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Attach across two JVMs on the block medium: both on one loop device (shared OFD locks),
 * and on each block pair (two device nodes onto one storage, the child in its own network
 * namespace), where only the heartbeat tells a death.
 */
class BlockAttachTest {
    private static final Duration START = Duration.ofSeconds(60);
    private static final int LIVENESS_MS = 600;

    /** One device node for both (two nodes false: OFD locks tell a death), and each pair's two nodes. */
    static Stream<Arguments> layouts() {
        return Stream.of(Arguments.of(BlockPair.LOOP, false), Arguments.of(BlockPair.LOOP, true),
                Arguments.of(BlockPair.NBD, true));
    }

    @ParameterizedTest(name = "{0}, two nodes: {1}")
    @MethodSource("layouts")
    void twoProcessesSeeEachOtherAndADeathIsNoticed(BlockPair blockPair, boolean twoNodes) throws Exception {
        BlockPair.Nodes devices = blockPair.nodes();
        String mine = devices.first();
        String theirs = twoNodes ? devices.second() : devices.first();
        StorageArray.format(mine, StorageArrayTest.SMALL.withNodeSlots(2).withForce(true).withHeartbeatIntervalMs(100)
                .withLivenessTimeoutMs(LIVENESS_MS));
        try (StorageArray array = StorageArray.attach(mine); ChildJvm child = ChildJvm.start(twoNodes, AttachChild.class, theirs)) {
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
            if (!twoNodes) {
                assertTrue(ms < 1000, "same device node: the OFD lock tells at once, took " + ms + " ms");
            }
            // two slots: ours, and the dead child's, which the next attach must reclaim
            try (StorageArray next = StorageArray.attach(twoNodes ? theirs : mine)) {
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
