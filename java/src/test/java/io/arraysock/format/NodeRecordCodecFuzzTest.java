package io.arraysock.format;

import io.arraysock.api.NodeState;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.arraysock.api.CorruptMediumException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import static io.arraysock.format.NodeRecordDescriptor.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-guided fuzzing of {@link NodeRecordCodec#decode}: every peer writes its own node
 * record and every node reads all of them. The properties:
 * <ul>
 * <li>decode accepts exactly the headers that keep the rules of docs/FORMAT.md (checked here
 * independently, by {@link #brokenRule}): it refuses with a {@link CorruptMediumException}
 * (that class, naming the path and the record) every header that breaks one, and no other;
 * <li>what it accepts re-encodes to the same bytes (all of the fields; the reserved bytes,
 * which decode leaves alone, aside), and the all-zero header is the blank record;
 * <li>no other exception type escapes (the fuzzer fails on any).
 * </ul>
 *
 * <p>Input layout: byte 0 steers (bit 0: reseal, to get past the checksum), byte 1 the
 * slot, the rest the header, zero-padded to {@value NodeRecordDescriptor#HEADER_LENGTH} bytes.
 */
class NodeRecordCodecFuzzTest {
    static final int RESEAL = 1;
    private static final int PREFIX = 2;
    private static final String PATH = "/fuzz/node";

    @FuzzTest(maxDuration = "2m")
    void decode(byte[] input) throws CorruptMediumException {
        if (input.length < PREFIX) {
            return;
        }
        int slot = input[1] & 0xFF;
        ByteBuffer header = ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        header.put(input, PREFIX, Math.min(header.capacity(), input.length - PREFIX)).clear();
        if ((input[0] & RESEAL) != 0) {
            RecordSeal.seal(header, CRC_OFFSET);
        }
        String broken = brokenRule(header);
        NodeRecord r;
        try {
            r = NodeRecordCodec.decode(header, PATH, slot);
        } catch (CorruptMediumException e) {
            assertEquals(CorruptMediumException.class, e.getClass());
            assertEquals(PATH, e.path());
            assertTrue(e.getMessage().contains("node record " + slot), e.getMessage());
            assertNotNull(broken, "refused a header that keeps every rule: " + e.getMessage());
            return;
        }
        assertNull(broken, "accepted a header that breaks a rule");
        if (isZero(header, 0, HEADER_LENGTH)) {
            assertEquals(NodeRecord.blank(), r, "the all-zero header is the blank record");
            return;
        }
        ByteBuffer again = NodeRecordCodec.encode(r);
        assertEquals(header.duplicate().limit(RESERVED_OFFSET), again.duplicate().limit(RESERVED_OFFSET),
                "decode then encode changed a field");
        if (isZero(header, RESERVED_OFFSET, RESERVED_LENGTH)) {
            assertEquals(header, again, "decode then encode changed the seal");
        }
    }

    /** The rule of docs/FORMAT.md that {@code h} breaks, or null when it is a valid node record header. */
    private static String brokenRule(ByteBuffer h) {
        if (isZero(h, 0, HEADER_LENGTH)) {
            return null;
        }
        if (!RecordSeal.isSealed(h, CRC_OFFSET)) {
            return "checksum";
        }
        long state = Integer.toUnsignedLong(h.getInt(STATE_OFFSET));
        long pid = Integer.toUnsignedLong(h.getInt(PID_OFFSET));
        if (state > NodeState.ACTIVE.code()) {
            return "state";
        }
        boolean free = state == NodeState.FREE.code();
        if (pid > MAX_PID || (!free && pid == 0)) {
            return "pid";
        }
        if (!free && h.getLong(INCARNATION_OFFSET) == 0) {
            return "incarnation";
        }
        int nameLength = 0;
        while (nameLength < HOST_NAME_LENGTH && h.get(HOST_NAME_OFFSET + nameLength) != 0) {
            nameLength++;
        }
        if (!isZero(h, HOST_NAME_OFFSET + nameLength, HOST_NAME_LENGTH - nameLength)) {
            return "host name padding";
        }
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(h.duplicate().position(HOST_NAME_OFFSET).limit(HOST_NAME_OFFSET + nameLength));
        } catch (CharacterCodingException e) {
            return "host name UTF-8";
        }
        if (h.getLong(ATTACH_COUNT_OFFSET) < 0) {
            return "attach count";
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
