package io.arraysock;

import io.arraysock.api.ArrayInUseException;
import io.arraysock.testkit.ChildJvm;
import io.arraysock.testkit.LoopDevices;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code format} with {@code force} refuses an array a live node uses: on one loop device
 * (the OFD lock tells), and on the loop pair, the node in another JVM in its own network
 * namespace (only its moving heartbeat tells); {@code forceLive} overrides.
 */
class FormatInUseTest {
    private static final Duration START = Duration.ofSeconds(60);
    private static final FormatOptions OPTIONS = StorageArrayTest.SMALL.withNodeSlots(2).withForce(true)
            .withLivenessTimeoutMs(2000); // the default: a loaded CI machine stalls a JVM for most of a second

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void forceRefusesWhileANodeIsAliveAndForceLiveOverrides(boolean pair) throws Exception {
        LoopDevices.Pair devices = LoopDevices.pair();
        String mine = devices.first();
        String theirs = pair ? devices.second() : devices.first();
        StorageArray.format(mine, OPTIONS.withForceLive(true));
        try (ChildJvm child = ChildJvm.start(pair, AttachChild.class, theirs)) {
            String[] slot = child.expect("SLOT", START).split(" ");
            ArrayInUseException e = assertThrows(ArrayInUseException.class, () -> StorageArray.format(mine, OPTIONS));
            assertEquals(1, e.liveNodes().size(), e.getMessage());
            assertTrue(e.liveNodes().get(0).startsWith(slot[1] + "@"), e.getMessage());
            StorageArray.format(mine, OPTIONS.withForceLive(true));
            try (StorageArray array = StorageArray.attach(mine)) {
                assertTrue(array.nodes().stream().allMatch(n -> n.slot() == array.nodeSlot() || n.pid() == 0),
                        "the old node's record is gone: " + array.nodes());
            }
        }
        // its holder dead (the child ended), the slot left behind does not hold a format up
        try (ChildJvm child = ChildJvm.start(pair, AttachChild.class, theirs)) {
            assertNotEquals("", child.expect("SLOT", START));
            child.kill();
        }
        StorageArray.format(mine, OPTIONS);
    }
}
