package io.arraysock.format;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.arraysock.api.ArrayException;
import io.arraysock.api.CorruptMediumException;
import io.arraysock.api.MediumTooSmallException;
import io.arraysock.api.NotAnArrayException;
import io.arraysock.api.UnsupportedFormatVersionException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-guided fuzzing of {@link SuperblockCodec#decode}: the superblock is the first
 * thing read from a device anyone may have written. The properties: a refusal is the typed
 * exception of the first check the header fails (see {@link #assertRefusedAtTheRightCheck});
 * an accepted superblock has the magic, major version and seal, values within the format's
 * limits, a geometry that fits the medium, and (for known versions) re-encodes to the same
 * bytes; no other exception type escapes.
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
    private static final String PATH = "/fuzz/superblock";

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
            sb = SuperblockCodec.decode(header, PATH, mediumSize);
        } catch (IOException e) {
            assertRefusedAtTheRightCheck(header, mediumSize, e);
            return;
        }
        assertEquals(SuperblockDescriptor.MAGIC, header.getLong(SuperblockDescriptor.MAGIC_OFFSET), "accepted without the magic");
        assertEquals(SuperblockDescriptor.VERSION_MAJOR, sb.versionMajor());
        assertTrue(RecordSeal.isSealed(header, SuperblockDescriptor.CRC_OFFSET), "accepted an unsealed header");
        assertInRange(sb);
        assertTrue(sb.geometry().requiredSize() <= mediumSize, "accepted a geometry larger than the medium");
        if (sb.versionMinor() <= SuperblockDescriptor.VERSION_MINOR) {
            // what we accept, we write back the same (the encoding is canonical for known versions)
            ByteBuffer again = SuperblockCodec.encode(sb);
            assertEquals(header.duplicate().limit(SuperblockDescriptor.HEADER_LENGTH),
                    again.duplicate().limit(SuperblockDescriptor.HEADER_LENGTH), "decode then encode changed the header");
        }
    }

    /**
     * The checks run in order, each with its own exception: no magic is {@link NotAnArrayException},
     * another major version {@link UnsupportedFormatVersionException}, a bad seal or field
     * {@link CorruptMediumException}, a geometry larger than the medium {@link MediumTooSmallException};
     * each names the path.
     */
    private static void assertRefusedAtTheRightCheck(ByteBuffer header, long mediumSize, IOException e) {
        assertInstanceOf(ArrayException.class, e, "refused with a bare IOException: " + e);
        assertEquals(PATH, ((ArrayException) e).path());
        int major = Short.toUnsignedInt(header.getShort(SuperblockDescriptor.VERSION_MAJOR_OFFSET));
        Class<? extends IOException> expected;
        if (header.getLong(SuperblockDescriptor.MAGIC_OFFSET) != SuperblockDescriptor.MAGIC) {
            expected = NotAnArrayException.class;
        } else if (major != SuperblockDescriptor.VERSION_MAJOR) {
            expected = UnsupportedFormatVersionException.class;
            assertEquals(major, ((UnsupportedFormatVersionException) e).foundMajor());
        } else if (!RecordSeal.isSealed(header, SuperblockDescriptor.CRC_OFFSET)) {
            expected = CorruptMediumException.class;
            assertTrue(e.getMessage().contains("checksum"), e.getMessage());
        } else if (e instanceof MediumTooSmallException small) {
            assertEquals(mediumSize, small.actualSize());
            assertTrue(small.requiredSize() > mediumSize, "too small for " + small.requiredSize());
            assertEquals(small.requiredSize(), header.getLong(SuperblockDescriptor.REQUIRED_SIZE_OFFSET),
                    "the size it needs is the one the superblock states");
            return;
        } else {
            expected = CorruptMediumException.class;
        }
        assertEquals(expected, e.getClass(), e.getMessage());
    }

    /** Every value of an accepted superblock lies within the limits docs/FORMAT.md gives. */
    private static void assertInRange(Superblock sb) {
        Geometry g = sb.geometry();
        assertTrue(g.sectorSize() >= Geometry.MIN_SECTOR_SIZE && g.sectorSize() <= Geometry.MAX_SECTOR_SIZE, "sector size");
        assertTrue(g.nodeSlots() >= 1 && g.nodeSlots() <= Geometry.MAX_NODE_SLOTS, "node slots");
        assertTrue(g.socketsPerNode() >= 1 && g.socketsPerNode() <= Geometry.MAX_SOCKETS_PER_NODE, "sockets per node");
        assertTrue(g.arenaSize() >= Geometry.MIN_ARENA_SIZE && g.arenaSize() <= Geometry.MAX_ARENA_SIZE, "arena size");
        assertTrue(sb.heartbeatIntervalMs() >= SuperblockDescriptor.MIN_HEARTBEAT_INTERVAL_MS
                && sb.heartbeatIntervalMs() <= SuperblockDescriptor.MAX_HEARTBEAT_INTERVAL_MS, "heartbeat interval");
        assertTrue((long) sb.livenessTimeoutMs() >= (long) sb.heartbeatIntervalMs() * SuperblockDescriptor.MIN_TIMEOUT_INTERVALS
                && sb.livenessTimeoutMs() <= SuperblockDescriptor.MAX_LIVENESS_TIMEOUT_MS, "liveness timeout");
        assertTrue(sb.claimSettleMs() >= SuperblockDescriptor.MIN_CLAIM_SETTLE_MS
                && sb.claimSettleMs() <= SuperblockDescriptor.MAX_CLAIM_SETTLE_MS, "claim settle");
        assertTrue(sb.uuid().getMostSignificantBits() != 0 || sb.uuid().getLeastSignificantBits() != 0, "uuid");
        if (sb.versionMinor() <= SuperblockDescriptor.VERSION_MINOR) {
            assertEquals(0, sb.flags() & ~SuperblockDescriptor.KNOWN_FLAGS, "flags");
        }
    }
}
