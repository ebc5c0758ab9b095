package io.arraysock;

import io.arraysock.api.AlreadyFormattedException;
import io.arraysock.api.CorruptMediumException;
import io.arraysock.api.MediumTooSmallException;
import io.arraysock.api.NoFreeNodeSlotException;
import io.arraysock.api.NodeInfo;
import io.arraysock.api.NodeSlotLostException;
import io.arraysock.api.NotAnArrayException;
import io.arraysock.api.SocketType;
import io.arraysock.api.UnsupportedFormatVersionException;
import io.arraysock.format.Geometry;
import io.arraysock.format.NodeRecord;
import io.arraysock.format.NodeRecordCodec;
import io.arraysock.api.NodeState;
import io.arraysock.format.SuperblockDescriptor;
import io.arraysock.medium.internal.FileIdentity;
import io.arraysock.medium.ShmMedium;
import io.arraysock.testkit.Await;
import io.arraysock.testkit.ShmSegments;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.RandomAccessFile;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.*;

class StorageArrayTest {
    /** How long three 20 ms beats may take on a loaded machine. */
    private static final Duration HEARTBEAT_WAIT = Duration.ofSeconds(10);

    /** Small and quick: 4 slots, 64 KiB arenas, 20 ms heartbeat. */
    static final FormatOptions SMALL = FormatOptions.defaults().withNodeSlots(4).withSocketsPerNode(8)
            .withArenaSize(64 * 1024).withHeartbeatIntervalMs(20).withLivenessTimeoutMs(2000).withClaimSettleMs(5);

    @RegisterExtension
    final ShmSegments segments = new ShmSegments();

    @Test
    void formatAttachClose() throws Exception {
        String path = segments.format(SMALL);
        Geometry expected = SMALL.geometry(512);
        StorageArray array = StorageArray.attach(path, AttachOptions.defaults().withHostName("test-host"));
        try {
            assertEquals(expected, array.geometry());
            assertTrue(expected.isSlot(array.nodeSlot()));
            assertNotEquals(0, array.incarnation());
            List<NodeInfo> nodes = array.nodes();
            assertEquals(4, nodes.size());
            NodeInfo me = nodes.get(array.nodeSlot());
            assertEquals(NodeState.ACTIVE, me.state());
            assertEquals(NodeInfo.Liveness.SELF, me.liveness());
            assertEquals("test-host", me.host());
            assertEquals(ProcessHandle.current().pid(), me.pid());
            assertEquals(array.incarnation(), me.incarnation());
            assertEquals(3, nodes.stream().filter(n -> n.state() == NodeState.FREE).count());
        } finally {
            array.close();
        }
        array.close(); // idempotent
        try (ShmMedium m = ShmMedium.open(path)) {
            NodeRecord r = NodeRecordCodec.read(m, expected, array.nodeSlot());
            assertEquals(NodeState.FREE, r.state());
            assertEquals(1, r.attachCount());
        }
    }

    @Test
    void heartbeatAdvances() throws Exception {
        String path = segments.format(SMALL);
        try (StorageArray array = StorageArray.attach(path); ShmMedium m = ShmMedium.open(path)) {
            long before = NodeRecordCodec.readHeartbeat(m, array.geometry(), array.nodeSlot());
            long[] last = {before};
            Await.until(HEARTBEAT_WAIT, () -> {
                long now = NodeRecordCodec.readHeartbeat(m, array.geometry(), array.nodeSlot());
                assertTrue(now >= last[0], "the heartbeat went back from " + last[0] + " to " + now);
                last[0] = now;
                return now >= before + 3;
            }, () -> "the heartbeat moved only from " + before + " to " + last[0]);
        }
    }

    @Test
    void formatRefusesTooSmallMedium() throws Exception {
        String path = segments.next();
        ShmMedium.create(path, 64 * 1024).close();
        MediumTooSmallException e = assertThrows(MediumTooSmallException.class, () -> StorageArray.format(path, SMALL));
        assertEquals(64 * 1024, e.actualSize());
        assertEquals(SMALL.geometry(512).requiredSize(), e.requiredSize());
        assertTrue(e.getMessage().contains(path), e.getMessage());

        String missing = segments.next();
        assertThrows(MediumTooSmallException.class, () -> StorageArray.format(missing, SMALL.withSize(8192)));
    }

    @Test
    void formatRefusesAnArrayUnlessForced() throws Exception {
        String path = segments.format(SMALL);
        UUID first;
        try (StorageArray a = StorageArray.attach(path)) {
            first = a.uuid();
        }
        assertThrows(AlreadyFormattedException.class, () -> StorageArray.format(path, SMALL));
        StorageArray.format(path, SMALL.withForce(true));
        try (StorageArray a = StorageArray.attach(path)) {
            assertNotEquals(first, a.uuid());
        }
    }

    @Test
    void attachRefusesNonArray() throws Exception {
        String path = segments.next();
        ShmMedium.create(path, 1 << 20).close();
        NotAnArrayException e = assertThrows(NotAnArrayException.class, () -> StorageArray.attach(path));
        assertTrue(e.getMessage().contains(path), e.getMessage());
    }

    @Test
    void attachRefusesOtherMajorVersion() throws Exception {
        String path = segments.format(SMALL);
        try (RandomAccessFile f = new RandomAccessFile(path, "rw")) {
            f.seek(SuperblockDescriptor.VERSION_MAJOR_OFFSET);
            f.write(new byte[] {2, 0});
        }
        UnsupportedFormatVersionException e = assertThrows(UnsupportedFormatVersionException.class, () -> StorageArray.attach(path));
        assertEquals(2, e.foundMajor());
    }

    @Test
    void attachAcceptsHigherMinorVersion() throws Exception {
        String path = segments.format(SMALL);
        try (ShmMedium m = ShmMedium.open(path)) {
            java.nio.ByteBuffer sb = java.nio.ByteBuffer.allocate(512).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            m.readAcquire(0, sb);
            sb.putShort(SuperblockDescriptor.VERSION_MINOR_OFFSET, (short) 7);
            sb.put(SuperblockDescriptor.RESERVED_OFFSET, (byte) 1); // a field of minor 7
            io.arraysock.format.RecordSeal.seal(sb, SuperblockDescriptor.CRC_OFFSET);
            m.writeRelease(0, sb.flip());
        }
        try (StorageArray a = StorageArray.attach(path)) {
            assertEquals(SMALL.geometry(512), a.geometry());
        }
    }

    @Test
    void attachRefusesFlippedByte() throws Exception {
        String path = segments.format(SMALL);
        try (RandomAccessFile f = new RandomAccessFile(path, "rw")) {
            f.seek(SuperblockDescriptor.SOCKETS_PER_NODE_OFFSET);
            int b = f.read();
            f.seek(SuperblockDescriptor.SOCKETS_PER_NODE_OFFSET);
            f.write(b ^ 0x10);
        }
        CorruptMediumException e = assertThrows(CorruptMediumException.class, () -> StorageArray.attach(path));
        assertTrue(e.getMessage().contains("superblock checksum"), e.getMessage());
    }

    @Test
    void attachRefusesTruncatedMedium() throws Exception {
        String path = segments.format(SMALL);
        long required = SMALL.geometry(512).requiredSize();
        try (RandomAccessFile f = new RandomAccessFile(path, "rw")) {
            f.setLength(required / 2);
        }
        MediumTooSmallException e = assertThrows(MediumTooSmallException.class, () -> StorageArray.attach(path));
        assertEquals(required, e.requiredSize());
        assertEquals(required / 2 / 512 * 512, e.actualSize());
    }

    @Test
    void attachMissingPath() {
        String path = segments.next();
        assertThrows(NoSuchFileException.class, () -> StorageArray.attach(path));
    }

    @Test
    void noFreeNodeSlot() throws Exception {
        String path = segments.format(SMALL.withNodeSlots(2));
        try (StorageArray a = StorageArray.attach(path); StorageArray b = StorageArray.attach(path)) {
            assertNotEquals(a.nodeSlot(), b.nodeSlot());
            long start = System.nanoTime();
            NoFreeNodeSlotException e = assertThrows(NoFreeNodeSlotException.class, () -> StorageArray.attach(path));
            assertTrue(e.getMessage().contains(path), e.getMessage());
            // both holders are local: judged by their locks, at once, without waiting a timeout
            assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() < 1000);
            List<NodeInfo> seen = a.nodes();
            assertEquals(NodeInfo.Liveness.ALIVE, seen.get(b.nodeSlot()).liveness());
        }
        try (StorageArray c = StorageArray.attach(path)) {
            assertTrue(c.nodeSlot() == 0 || c.nodeSlot() == 1);
        }
    }

    @Test
    void foreignClaimOnOurSlotIsDetected() throws Exception {
        String path = segments.format(SMALL);
        try (StorageArray array = StorageArray.attach(path); ShmMedium m = ShmMedium.open(path)) {
            array.checkNotLost();
            Geometry g = array.geometry();
            NodeRecord ours = NodeRecordCodec.read(m, g, array.nodeSlot());
            NodeRecord foreign = new NodeRecord(ours.sequence() + 1, NodeState.CLAIMING, ours.incarnation() ^ 0x5a5a,
                    4242, new UUID(1, 2), new FileIdentity(7, 7), "intruder", ours.attachCount() + 1);
            m.writeRelease(g.nodeRecordOffset(array.nodeSlot()), NodeRecordCodec.encode(foreign));
            long heartbeatAtTakeover = NodeRecordCodec.readHeartbeat(m, g, array.nodeSlot());
            long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            NodeSlotLostException lost = null;
            while (lost == null && System.nanoTime() < deadline) {
                Thread.sleep(10);
                try {
                    array.checkNotLost();
                } catch (NodeSlotLostException e) {
                    lost = e;
                }
            }
            assertNotNull(lost, "no NodeSlotLostException within 2 s");
            assertTrue(lost.getMessage().contains("intruder"), lost.getMessage());
            assertThrows(NodeSlotLostException.class, array::nodes);
            Thread.sleep(100);
            // it stopped writing: the intruder's record and the heartbeat are left alone
            assertEquals(foreign, NodeRecordCodec.read(m, g, array.nodeSlot()));
            assertTrue(NodeRecordCodec.readHeartbeat(m, g, array.nodeSlot()) <= heartbeatAtTakeover + 1);
        }
    }

    /** One node slot, judged quickly: for the tests of a node of "another host" in slot 0. */
    private static final FormatOptions QUICK = SMALL.withNodeSlots(1).withHeartbeatIntervalMs(50).withLivenessTimeoutMs(300);

    /** Slot 0 of a {@link #QUICK} array: a node of "another host" (a different file identity, no lock). */
    private static void writeRemoteNode(ShmMedium m, Geometry g) {
        NodeRecord remote = new NodeRecord(3, NodeState.ACTIVE, 0x1234_5678L, 999, new UUID(11, 22),
                new FileIdentity(123, 456), "far-away", 1);
        m.writeRelease(g.nodeRecordOffset(0), NodeRecordCodec.encode(remote));
    }

    @Test
    void silentRemoteNodeIsJudgedDeadAfterTimeoutAndReclaimed() throws Exception {
        String path = segments.format(QUICK);
        Geometry g = QUICK.geometry(512);
        try (ShmMedium m = ShmMedium.open(path)) {
            writeRemoteNode(m, g); // its heartbeat standing still
            m.putLongRelease(g.nodeRecordOffset(0) + io.arraysock.format.NodeRecordDescriptor.HEARTBEAT_OFFSET, 77);
            m.putLongRelease(g.partitionOffset(0), 0xdeadL); // a socket of the dead node
        }
        long start = System.nanoTime();
        try (StorageArray a = StorageArray.attach(path); ShmMedium m = ShmMedium.open(path)) {
            long waitedMs = Duration.ofNanos(System.nanoTime() - start).toMillis();
            assertEquals(0, a.nodeSlot());
            assertTrue(waitedMs >= 300, "reclaimed after " + waitedMs + " ms, before the liveness timeout");
            assertTrue(waitedMs < 5000, "reclaimed after " + waitedMs + " ms");
            NodeRecord now = NodeRecordCodec.read(m, g, 0);
            assertEquals(a.incarnation(), now.incarnation());
            assertEquals(2, now.attachCount());
            assertEquals(0, m.getLongAcquire(g.partitionOffset(0)), "dead node's control blocks zeroed");
        }
    }

    @Test
    void remoteNodeWithMovingHeartbeatIsNotReclaimed() throws Exception {
        String path = segments.format(QUICK);
        Geometry g = QUICK.geometry(512);
        try (ShmMedium m = ShmMedium.open(path)) {
            writeRemoteNode(m, g);
            long hb = g.nodeRecordOffset(0) + io.arraysock.format.NodeRecordDescriptor.HEARTBEAT_OFFSET;
            Thread beater = new Thread(() -> {
                for (long i = 1; !Thread.currentThread().isInterrupted(); i++) {
                    m.putLongRelease(hb, i);
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            beater.start();
            try {
                assertThrows(NoFreeNodeSlotException.class, () -> StorageArray.attach(path));
            } finally {
                beater.interrupt();
                beater.join();
            }
        }
    }

    /**
     * Regression: a server that accepts and closes at once (a connect-rate loop) closed
     * before the client saw its answer, and the client waited for an ESTABLISHED answer that
     * never came (connect timed out). Like TCP, the connect must succeed and read end of stream.
     */
    @Test
    void connectSucceedsWhenTheServerClosesAtOnce() throws Exception {
        String path = segments.format(SMALL.withArenaSize(4 << 20));
        try (StorageArray server = StorageArray.attach(path); StorageArray client = StorageArray.attach(path)) {
            ArraySocket listener = server.openSocket(SocketType.STREAM);
            listener.bind(7001);
            listener.listen(4);
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        listener.accept().close();
                    }
                } catch (java.io.IOException e) {
                    // the listener closed: done
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            for (int i = 0; i < 20; i++) {
                try (ArraySocket s = client.openSocket(SocketType.STREAM)) {
                    s.connect(7001, Duration.ofSeconds(5));
                    assertEquals(-1, s.receive(java.nio.ByteBuffer.allocate(8)), "connect #" + i);
                }
            }
            listener.close();
        }
    }

    /**
     * Connect/close cycles faster than the heartbeat, with more sockets than the arena has
     * rings (8 blocks but 4 rings of 16 KiB in a 64 KiB arena, heartbeat every 10 s): the
     * client closes first, so its socket lingers until its peer lets go; its ring must come
     * back when the arena runs out, not only at the next heartbeat ("no buffer space" before).
     */
    @Test
    void lingeringRingsReturnWhenTheArenaRunsOut() throws Exception {
        String path = segments.format(SMALL.withLivenessTimeoutMs(60_000).withHeartbeatIntervalMs(10_000));
        try (StorageArray array = StorageArray.attach(path)) {
            ArraySocket listener = array.openSocket(SocketType.STREAM);
            listener.bind(7002);
            listener.listen(4);
            java.nio.ByteBuffer one = java.nio.ByteBuffer.allocate(1);
            for (int i = 0; i < 40; i++) {
                ArraySocket client = array.openSocket(SocketType.STREAM);
                client.connect(7002, Duration.ofSeconds(5));
                ArraySocket served = listener.accept(Duration.ofSeconds(5));
                client.close();
                assertEquals(-1, served.receive(one.clear()), "cycle #" + i);
                served.close();
            }
            listener.close();
        }
    }
}
