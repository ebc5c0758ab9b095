package io.arraysock.format;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static io.arraysock.format.ControlBlockDescriptor.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Coverage-guided fuzzing of {@link ControlBlockHeader#decode} and {@link ControlBlockHeader#ringFits}:
 * a control block is written by its owner and read by every node that scans for ports or
 * follows a peer. The rule: {@link ControlBlockHeader#FREE}, null (torn: re-read), a header
 * whose every field is in range, or {@link ControlBlockHeader.BadFieldException}; a ring
 * reference that {@code ringFits} accepts lies wholly inside the owner's arena.
 *
 * <p>Input layout: byte 0 steers (bit 0: reseal; bits 1..2: one of four geometries), the
 * rest the header, zero-padded to {@value io.arraysock.format.ControlBlockDescriptor#HEADER_LENGTH} bytes.
 */
class ControlBlockHeaderFuzzTest {
    static final int RESEAL = 1;
    private static final Geometry[] GEOMETRIES = {
        new Geometry(512, 2, 8, 64 << 10),
        new Geometry(512, 4, 64, 8 << 20),
        new Geometry(4096, 256, 4096, 1L << 40),
        new Geometry(4096, 1, 1, 1 << 20),
    };

    @FuzzTest(maxDuration = "2m")
    void decode(byte[] input) {
        if (input.length < 1) {
            return;
        }
        Geometry g = GEOMETRIES[(input[0] >> 1) & 3];
        ByteBuffer buf = ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        buf.put(input, 1, Math.min(HEADER_LENGTH, input.length - 1)).clear();
        if ((input[0] & RESEAL) != 0) {
            RecordSeal.seal(buf, CRC_OFFSET);
        }
        ControlBlockHeader h;
        try {
            h = ControlBlockHeader.decode(buf, g);
        } catch (ControlBlockHeader.BadFieldException e) {
            assertNotNull(e.getMessage());
            return;
        }
        if (h == null || h == ControlBlockHeader.FREE) {
            return;
        }
        assertTrue(h.state() >= STATE_FREE && h.state() <= STATE_MAX, "state");
        assertTrue(h.type() <= TYPE_SEQPACKET, "type");
        assertTrue(g.isSlot(h.peerSlot()) && g.isIndex(h.peerIndex()), "peer reference");
        assertTrue(h.localPort() >= 0 && h.localPort() <= 65535 && h.remotePort() >= 0 && h.remotePort() <= 65535, "ports");
        ByteBuffer again = ByteBuffer.allocate(HEADER_LENGTH);
        h.encode(again);
        try {
            assertEquals(h, ControlBlockHeader.decode(again, g), "encode then decode changed the header");
        } catch (ControlBlockHeader.BadFieldException e) {
            fail("a header we decoded does not decode after encoding: " + e.getMessage());
        }
        for (int slot : new int[] {0, g.nodeSlots() - 1}) {
            if (h.ringFits(g, slot)) {
                long start = g.arenaOffset(slot);
                long cap = h.txRingCapacity();
                assertTrue(Long.bitCount(cap) == 1 && cap >= MIN_RING_CAPACITY && cap <= MAX_RING_CAPACITY, "capacity");
                assertTrue(h.txRingOffset() >= start && h.txRingOffset() + cap <= start + g.arenaSize(),
                        "ring " + h.txRingOffset() + "+" + cap + " outside arena " + start + "+" + g.arenaSize());
                assertTrue(h.txRingOffset() + cap <= g.requiredSize(), "ring past the end of the medium");
            }
        }
    }
}
