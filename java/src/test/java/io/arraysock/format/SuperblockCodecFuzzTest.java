package io.arraysock.format;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-guided fuzzing of {@link SuperblockCodec#decode}: the superblock is the first
 * thing read from a device anyone may have written. The rule: a {@link Superblock} whose
 * geometry fits the medium, or an {@link IOException} with a message; never another
 * exception type.
 *
 * <p>Input layout (so seeds can be real superblocks, see {@code FuzzCorpus}): byte 0
 * steers (bit 0: stamp the magic and major version, bit 1: reseal, so the fuzzer gets
 * past the identity and checksum checks to the field checks), bytes 1..8 the medium size
 * (little-endian), the rest the header, zero-padded to its length.
 *
 * <p>The default test phase replays the seeds in {@code SuperblockCodecFuzzTestInputs};
 * {@code JAZZER_FUZZ=1} fuzzes (see docs/SECURITY.md).
 */
class SuperblockCodecFuzzTest {
    static final int STAMP = 1;
    static final int RESEAL = 2;
    private static final int PREFIX = 1 + Long.BYTES;
    private static final int MAX_HEADER = Geometry.MAX_SECTOR_SIZE;

    @FuzzTest(maxDuration = "2m")
    void decode(byte[] input) {
        if (input.length < PREFIX) {
            return;
        }
        int control = input[0];
        long mediumSize = ByteBuffer.wrap(input, 1, Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).getLong();
        int length = Math.min(MAX_HEADER, Math.max(SuperblockDescriptor.HEADER_LENGTH, input.length - PREFIX));
        ByteBuffer header = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        header.put(input, PREFIX, Math.min(length, input.length - PREFIX)).clear();
        if ((control & STAMP) != 0) {
            header.putLong(SuperblockDescriptor.MAGIC_OFFSET, SuperblockDescriptor.MAGIC);
            header.putShort(SuperblockDescriptor.VERSION_MAJOR_OFFSET, (short) SuperblockDescriptor.VERSION_MAJOR);
        }
        if ((control & RESEAL) != 0) {
            RecordSeal.seal(header.limit(SuperblockDescriptor.HEADER_LENGTH), SuperblockDescriptor.CRC_OFFSET);
            header.clear();
        }
        Superblock sb;
        try {
            sb = SuperblockCodec.decode(header, "/fuzz/superblock", mediumSize);
        } catch (IOException e) {
            assertNotNull(e.getMessage(), "a refusal says why");
            return;
        }
        assertTrue(sb.geometry().requiredSize() <= mediumSize, "accepted a geometry larger than the medium");
        if (sb.versionMinor() <= SuperblockDescriptor.VERSION_MINOR) {
            // what we accept, we write back the same (the encoding is canonical for known versions)
            ByteBuffer again = SuperblockCodec.encode(sb);
            assertEquals(header.duplicate().limit(SuperblockDescriptor.HEADER_LENGTH),
                    again.duplicate().limit(SuperblockDescriptor.HEADER_LENGTH), "decode then encode changed the header");
        }
    }
}
