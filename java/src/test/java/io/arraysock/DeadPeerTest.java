package io.arraysock;

import io.arraysock.api.SocketType;
import io.arraysock.testkit.ChildJvm;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.SocketException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A peer killed with SIGKILL mid-transfer: the blocked receive or send on the other side
 * fails with "Connection reset" naming the dead node, within 100 ms on one machine (the
 * OFD lock tells) and within the liveness timeout on the loop pair (only the heartbeat
 * tells); and the dead node's port becomes bindable again.
 */
class DeadPeerTest {
    private static final Duration START = Duration.ofSeconds(60);
    private static final int LIVENESS_MS = 1000;

    private static FormatOptions options() {
        return ArrayFixture.small().withHeartbeatIntervalMs(100).withLivenessTimeoutMs(LIVENESS_MS);
    }

    private static long budgetMillis(ArrayFixture.Kind kind) {
        return kind == ArrayFixture.Kind.SHM ? 100 : LIVENESS_MS + 500;
    }

    @ParameterizedTest
    @EnumSource(ArrayFixture.Kind.class)
    void blockedReceiveSeesTheDeath(ArrayFixture.Kind kind) throws Exception {
        try (ArrayFixture f = ArrayFixture.create(kind, options());
             StorageArray array = f.attach()) {
            String[] dead = new String[1];
            f.withStreamingChild(array, 7010, (s, child, childNode) -> {
                ByteBuffer buf = ArrayFixture.receive(s, 8 << 20);
                child.kill();
                long t0 = System.nanoTime();
                SocketException e = receiveUntilItFails(s, buf);
                assertResetInTime(kind, t0, e, childNode);
                dead[0] = childNode;
            });
            assertTrue(array.sockets().stream().noneMatch(i -> i.node() == Integer.parseInt(dead[0])),
                    "the dead node's blocks are no longer live: " + array.sockets());
        }
    }

    @ParameterizedTest
    @EnumSource(ArrayFixture.Kind.class)
    void blockedSendSeesTheDeathAndThePortIsFreed(ArrayFixture.Kind kind) throws Exception {
        try (ArrayFixture f = ArrayFixture.create(kind, options());
             StorageArray array = f.attach();
             ChildJvm child = f.listeningPeer(7011, 4, START)) {
            try (ArraySocket s = array.openSocket(SocketType.STREAM)) {
                s.setSendBufferSize(64 * 1024);
                s.connect(7011, START);
                int childNode = s.remoteNode();
                ByteBuffer buf = ByteBuffer.allocateDirect(64 * 1024);
                long queued = 0;
                for (int n; (n = s.sendNow(buf.clear())) > 0; ) {
                    queued += n;
                }
                // shm: the ring; block: the ring, and the staging buffer in front of it (64 KiB too)
                // as far as the writer moved staged bytes into the ring before the loop ended
                long most = kind == ArrayFixture.Kind.SHM ? 64 * 1024 : 2 * 64 * 1024;
                assertTrue(queued >= 64 * 1024 && queued <= most,
                        "the ring is full, and the child never reads: " + queued + " bytes queued");
                child.kill();
                long t0 = System.nanoTime();
                SocketException e = assertThrows(SocketException.class, () -> s.send(buf.clear()));
                assertResetInTime(kind, t0, e, Integer.toString(childNode));
            }
            try (ArraySocket again = array.openSocket(SocketType.STREAM)) {
                again.bind(7011); // the dead listener's port is free again
                assertEquals(7011, again.localPort());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ArrayFixture.Kind.class)
    void aStalledNodeFencesItselfWhenItResumes(ArrayFixture.Kind kind) throws Exception {
        try (ArrayFixture f = ArrayFixture.create(kind, options());
             StorageArray array = f.attach()) {
            f.withStreamingChild(array, 7012, (s, child, childNode) -> {
                ByteBuffer buf = ArrayFixture.receive(s, 4 << 20);
                signal("STOP", child.pid());
                Thread.sleep(LIVENESS_MS + 500);
                signal("CONT", child.pid());
                // the resumed child finds it went too long without a heartbeat, and stops
                String failed = child.expect("FAILED", START);
                assertTrue(failed.contains("reset") || failed.contains("heartbeat"), failed);
                assertEquals(3, child.waitFor(START), child.describe());
                SocketException e = receiveUntilItFails(s, buf);
                assertTrue(e.getMessage().contains("node " + childNode), e.getMessage());
            });
        }
    }

    /** What the first receive from {@code s} that fails throws. */
    private static SocketException receiveUntilItFails(ArraySocket s, ByteBuffer buf) {
        return assertThrows(SocketException.class, () -> {
            while (true) {
                s.receive(buf.clear());
            }
        });
    }

    /** {@code e}, seen {@link #budgetMillis} after {@code t0} at the most, is a reset naming {@code node}. */
    private static void assertResetInTime(ArrayFixture.Kind kind, long t0, SocketException e, String node) {
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(e.getMessage().contains("reset") && e.getMessage().contains("node " + node), e.getMessage());
        assertTrue(ms <= budgetMillis(kind), "reset after " + ms + " ms");
    }

    private static void signal(String name, long pid) throws Exception {
        Process p = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start();
        assertEquals(0, p.waitFor(), "kill -" + name);
    }
}
