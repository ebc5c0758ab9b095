package io.arraysock.format;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static io.arraysock.format.ControlBlockDescriptor.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Coverage-guided fuzzing of {@link ControlBlockHeader#decode} and {@link ControlBlockHeader#ringFits}:
 * a control block is written by its owner and read by every node that scans for ports or
 * follows a peer. The properties: the all-zero block is {@link ControlBlockHeader#FREE}; an
 * unsealed one is torn (null: re-read), never decoded nor refused; a sealed one is refused
 * ({@link ControlBlockHeader.BadFieldException}) exactly when it breaks a field rule (checked
 * here independently, by {@link #brokenRule}), and otherwise decodes to fields in range that
 * re-encode to the same bytes; a ring reference that {@code ringFits} accepts lies wholly
 * inside the owner's arena.
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
        boolean blank = isZero(buf, 0, HEADER_LENGTH);
        boolean sealed = RecordSeal.isSealed(buf, CRC_OFFSET);
        String broken = brokenRule(buf, g);
        ControlBlockHeader h;
        try {
            h = ControlBlockHeader.decode(buf, g);
        } catch (ControlBlockHeader.BadFieldException e) {
            assertTrue(sealed && !blank, "refused a header that is torn or free rather than bad: " + e.getMessage());
            assertNotNull(broken, "refused a header that keeps every rule: " + e.getMessage());
            return;
        }
        if (blank) {
            assertSame(ControlBlockHeader.FREE, h, "the all-zero block is free");
            return;
        }
        if (!sealed) {
            assertNull(h, "a header whose seal does not match is torn (null: re-read), never decoded");
            return;
        }
        assertNotNull(h, "a sealed header is never reported torn");
        assertNull(broken, "accepted a header that breaks a rule");
        assertTrue(h.state() >= STATE_FREE && h.state() <= STATE_MAX, "state");
        assertTrue(h.type() <= TYPE_SEQPACKET, "type");
        assertTrue(g.isSlot(h.peerSlot()) && g.isIndex(h.peerIndex()), "peer reference");
        assertTrue(h.localPort() >= 0 && h.localPort() <= 65535 && h.remotePort() >= 0 && h.remotePort() <= 65535, "ports");
        ByteBuffer again = ByteBuffer.allocate(HEADER_LENGTH);
        h.encode(again);
        // the reserved bytes (after the parameter and after the tag) are not read, so only there may the two differ
        int parameterEnd = PARAMETER_OFFSET + Integer.BYTES;
        int tagEnd = AUTH_TAG_OFFSET + AUTH_TAG_LENGTH;
        assertEquals(-1, buf.slice(0, parameterEnd).mismatch(again.slice(0, parameterEnd)), "decode then encode changed a field");
        assertEquals(-1, buf.slice(AUTH_TAG_OFFSET, AUTH_TAG_LENGTH).mismatch(again.slice(AUTH_TAG_OFFSET, AUTH_TAG_LENGTH)),
                "decode then encode changed the auth tag");
        if (isZero(buf, parameterEnd, AUTH_TAG_OFFSET - parameterEnd) && isZero(buf, tagEnd, CRC_OFFSET - tagEnd)) {
            assertEquals(-1, buf.duplicate().clear().mismatch(again.duplicate().clear()), "decode then encode changed the seal");
        }
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

    /** The field rule of docs/FORMAT.md that a sealed, non-free header {@code b} breaks, or null. */
    private static String brokenRule(ByteBuffer b, Geometry g) {
        int state = b.getInt(STATE_OFFSET);
        long flags = Short.toUnsignedLong(b.getShort(FLAGS_OFFSET));
        if (state < STATE_FREE || state > STATE_MAX) {
            return "state";
        }
        if (Short.toUnsignedInt(b.getShort(TYPE_OFFSET)) > TYPE_SEQPACKET) {
            return "type";
        }
        if ((flags & ~(long) FLAGS_KNOWN) != 0) {
            return "flags";
        }
        if (Integer.toUnsignedLong(b.getInt(LOCAL_PORT_OFFSET)) > 65535 || Integer.toUnsignedLong(b.getInt(REMOTE_PORT_OFFSET)) > 65535) {
            return "port";
        }
        if (!g.isSlot(Integer.toUnsignedLong(b.getInt(PEER_SLOT_OFFSET))) || !g.isIndex(Integer.toUnsignedLong(b.getInt(PEER_INDEX_OFFSET)))) {
            return "peer reference";
        }
        return null;
    }

    private static boolean isZero(ByteBuffer b, int from, int length) {
        for (int i = from; i < from + length; i++) {
            if (b.get(i) != 0) {
                return false;
            }
        }
        return true;
    }
}
