package io.arraysock.socket;

import io.arraysock.format.Geometry;
import io.arraysock.format.RecordSeal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import io.arraysock.testkit.ShmSegments;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static io.arraysock.format.ControlBlockDescriptor.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The exact answers to the hostile-peer inputs docs/SECURITY.md lists (the fuzz test only
 * checks the exception type): each damage gives "Connection reset" saying what was wrong.
 */
class HostilePeerTest {
    private static final Geometry G = new Geometry(512, 2, 8, 64 << 10);

    @RegisterExtension
    final ShmSegments segments = new ShmSegments();
    private ShmNodes nodes;

    @BeforeEach
    void setUp() throws Exception {
        nodes = new ShmNodes(segments, G);
    }

    @AfterEach
    void tearDown() throws Exception {
        nodes.close();
    }

    /** [client, server]; the server is the peer we damage. */
    private SocketCore[] pair(int type) throws Exception {
        SocketCore listener = LayerPairs.listener(nodes.a, type, 4000, 1, LayerPairs.Setup.NONE);
        return LayerPairs.connect(listener, 4000, nodes.b, type, LayerPairs.Setup.NONE);
    }

    private static long block(SocketCore s) {
        return G.controlBlockOffset(s.localNode(), s.index);
    }

    @Test
    void aTailRunningAheadOfTheRingIsAReset() throws Exception {
        SocketCore[] p = pair(TYPE_STREAM);
        nodes.medium.putLongRelease(block(p[1]) + TX_TAIL_OFFSET, 1L << 40);
        SocketException e = assertThrows(SocketException.class, () -> p[0].receiving().receive(ByteBuffer.allocate(10), false));
        assertTrue(e.getMessage().contains("write position"), e.getMessage());
    }

    @Test
    void aTailRunningAheadOfTheRingIsAResetForAPollToo() throws Exception {
        SocketCore[] p = pair(TYPE_STREAM);
        nodes.medium.putLongRelease(block(p[1]) + TX_TAIL_OFFSET, 1L << 40);
        SocketException e = assertThrows(SocketException.class,
                () -> p[0].receiving().poll(data -> fail("no handler call on a bad tail"), 100));
        assertTrue(e.getMessage().contains("write position"), e.getMessage());
    }

    /** A frame length beyond the maximum, or (9: a frame of 24 with 16 published) past the tail: a poll resets too. */
    @ParameterizedTest
    @ValueSource(longs = {Long.MAX_VALUE, 9, -8})
    void aBadFrameLengthIsAResetForAPollToo(long length) throws Exception {
        SocketCore[] p = pair(TYPE_SEQPACKET);
        assertTrue(p[1].sending().sendMessage(ByteBuffer.allocate(8), false));
        nodes.medium.putLongRelease(p[1].header().txRingOffset(), length);
        SocketException e = assertThrows(SocketException.class,
                () -> p[0].receiving().poll(data -> fail("no handler call on a bad length"), 10));
        assertTrue(e.getMessage().contains("message length"), e.getMessage());
    }

    /** The peer's block given to another socket while a handler reads its ring: the poll throws, nothing returns. */
    @Test
    void aPeerReleasedUnderAHandlerIsAReset() throws Exception {
        SocketCore[] p = pair(TYPE_STREAM);
        assertEquals(10, p[1].sending().send(ByteBuffer.allocate(10), false));
        int[] calls = {0};
        SocketException e = assertThrows(SocketException.class, () -> p[0].receiving().poll(data -> {
            calls[0]++;
            reseal(block(p[1]), 1);
        }, 100));
        assertEquals(1, calls[0], "the handler ran, on a block still the peer's");
        assertTrue(e.getMessage().contains("released"), e.getMessage());
    }

    /** Rewrites the header of the block at {@code block} with its generation moved by {@code by}, sealed. */
    private void reseal(long block, int by) {
        ByteBuffer h = ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        nodes.medium.readAcquire(block, h);
        h.putInt(GENERATION_OFFSET, h.getInt(GENERATION_OFFSET) + by);
        h.putLong(SEQUENCE_OFFSET, h.getLong(SEQUENCE_OFFSET) + 1);
        RecordSeal.seal(h, CRC_OFFSET);
        nodes.medium.writeRelease(block, h.clear());
    }

    @Test
    void aHeadPastOurTailIsAReset() throws Exception {
        SocketCore[] p = pair(TYPE_STREAM);
        int cap = (int) p[0].header().txRingCapacity();
        assertEquals(cap, p[0].sending().send(ByteBuffer.allocate(cap), false), "fill the ring so the next send reads the head");
        nodes.medium.putLongRelease(block(p[1]) + RX_HEAD_OFFSET, Long.MAX_VALUE);
        SocketException e = assertThrows(SocketException.class, () -> p[0].sending().send(ByteBuffer.allocate(10), false));
        assertTrue(e.getMessage().contains("read position"), e.getMessage());
    }

    @Test
    void aHugeFrameLengthIsAReset() throws Exception {
        SocketCore[] p = pair(TYPE_SEQPACKET);
        assertTrue(p[1].sending().sendMessage(ByteBuffer.allocate(8), false));
        long ring = p[1].header().txRingOffset();
        nodes.medium.putLongRelease(ring, Long.MAX_VALUE);
        SocketException e = assertThrows(SocketException.class, () -> p[0].receiving().receiveMessage(ByteBuffer.allocate(100), false, false));
        assertTrue(e.getMessage().contains("message length"), e.getMessage());
    }

    @Test
    void aResealedHeaderWithAnotherGenerationIsAReset() throws Exception {
        SocketCore[] p = pair(TYPE_STREAM);
        ByteBuffer h = ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        nodes.medium.readAcquire(block(p[1]), h);
        h.putInt(GENERATION_OFFSET, h.getInt(GENERATION_OFFSET) + 1);
        RecordSeal.seal(h, CRC_OFFSET);
        nodes.medium.writeRelease(block(p[1]), h.clear());
        p[0].options().receiveTimeout(50);
        SocketException e = assertThrows(SocketException.class, () -> p[0].receiving().receive(ByteBuffer.allocate(10), true));
        assertTrue(e.getMessage().contains("released"), e.getMessage());
    }

    /**
     * A header that fails its seal may be one caught half rewritten by a writer preempted in
     * mid-write: not a reset at once (that tore down healthy connections under load), but a
     * reset once it stays unreadable.
     */
    @Test
    void anUnreadablePeerHeaderIsAResetOnlyWhenItStaysUnreadable() throws Exception {
        SocketCore[] p = pair(TYPE_STREAM);
        long crc = block(p[1]) + CRC_OFFSET;
        nodes.medium.putIntRelease(crc, nodes.medium.getIntAcquire(crc) ^ 1);
        p[0].options().receiveTimeout(50);
        assertThrows(java.net.SocketTimeoutException.class, () -> p[0].receiving().receive(ByteBuffer.allocate(10), true),
                "within the grace the receive waits as usual");
        p[0].options().receiveTimeout(5_000);
        long start = System.nanoTime();
        SocketException e = assertThrows(SocketException.class, () -> p[0].receiving().receive(ByteBuffer.allocate(10), true));
        assertTrue(e.getMessage().contains("damaged"), e.getMessage());
        assertTrue(System.nanoTime() - start < 2_000_000_000L, "reported soon after the grace");
    }

    /**
     * A batch receive over a ring whose peer damaged a frame length inside the batch: the good
     * frames before it are delivered, nothing of it or after it, and the next receive is the
     * reset the one-message path gives, naming the length.
     */
    @ParameterizedTest
    @ValueSource(longs = {Long.MAX_VALUE, -8, 1000, 1 << 20})
    void aDamagedLengthInsideABatchStopsItThereAndIsAReset(long damaged) throws Exception {
        SocketCore[] p = pair(TYPE_SEQPACKET);
        SocketCore client = p[0];
        SocketCore server = p[1];
        ByteBuffer[] three = new ByteBuffer[3];
        for (int i = 0; i < three.length; i++) {
            three[i] = ByteBuffer.wrap(new byte[] {(byte) i, 1, 2, 3, 4, 5, 6, 7});
        }
        assertEquals(3, server.sending().sendMessages(three, 0, 3, false));
        long ring = server.header().txRingOffset();
        // the second frame's length (1000: more than is published; 1 MiB: more than the largest message)
        nodes.medium.putLongRelease(ring + io.arraysock.format.FrameDescriptor.frameLength(8) + io.arraysock.format.FrameDescriptor.LENGTH_OFFSET, damaged);
        ByteBuffer[] got = {ByteBuffer.allocate(16), ByteBuffer.allocate(16), ByteBuffer.allocate(16)};
        assertEquals(1, client.receiving().receiveMessages(got, 0, 3, false), "the good frame before the damage");
        assertEquals(ByteBuffer.wrap(new byte[] {0, 1, 2, 3, 4, 5, 6, 7}), got[0].flip());
        assertEquals(0, got[1].position() + got[2].position(), "nothing from the damaged frame or after it");
        SocketException e = assertThrows(SocketException.class,
                () -> client.receiving().receiveMessages(got, 1, 2, false));
        assertTrue(e.getMessage().startsWith("Connection reset") && e.getMessage().contains("message length"),
                e.getMessage());
        assertEquals(0, got[1].position() + got[2].position(), "the reset delivers nothing");
    }
}
