package io.arraysock.format;

import io.arraysock.api.NodeState;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.arraysock.api.CorruptMediumException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Coverage-guided fuzzing of {@link NodeRecordCodec#decode}: every peer writes its own node
 * record and every node reads all of them. The rule: a {@link NodeRecord}, or a
 * {@link CorruptMediumException} with a message; never another exception type.
 *
 * <p>Input layout: byte 0 steers (bit 0: reseal, to get past the checksum), byte 1 the
 * slot, the rest the header, zero-padded to {@value NodeRecordDescriptor#HEADER_LENGTH} bytes.
 */
class NodeRecordCodecFuzzTest {
    static final int RESEAL = 1;
    private static final int PREFIX = 2;

    @FuzzTest(maxDuration = "2m")
    void decode(byte[] input) throws CorruptMediumException {
        if (input.length < PREFIX) {
            return;
        }
        int slot = input[1] & 0xFF;
        ByteBuffer header = ByteBuffer.allocate(NodeRecordDescriptor.HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        header.put(input, PREFIX, Math.min(header.capacity(), input.length - PREFIX)).clear();
        if ((input[0] & RESEAL) != 0) {
            RecordSeal.seal(header, NodeRecordDescriptor.CRC_OFFSET);
        }
        NodeRecord r;
        try {
            r = NodeRecordCodec.decode(header, "/fuzz/node", slot);
        } catch (CorruptMediumException e) {
            assertNotNull(e.getMessage(), "a refusal says why");
            return;
        }
        if (r.state() != NodeState.FREE || r.sequence() != 0 || r.incarnation() != 0) {
            // not the blank record: what we accept, the encoder writes back (reserved bytes aside)
            ByteBuffer again = NodeRecordCodec.encode(r);
            assertEquals(r, NodeRecordCodec.decode(again, "/fuzz/node", slot), "encode then decode changed the record");
        }
    }
}
