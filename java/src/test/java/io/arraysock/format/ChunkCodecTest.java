package io.arraysock.format;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

import static io.arraysock.format.ChunkCodec.*;
import static io.arraysock.format.ChunkDescriptor.*;
import static org.junit.jupiter.api.Assertions.*;

/** What a consumer makes of every kind of record it may find where it expects a chunk. */
class ChunkCodecTest {
    private static final int SECTOR = 512;
    private static final long NONCE = 0x1234_5678_9abc_def0L;
    private static final long RING = 1 << 20;
    private static final long CAPACITY = 1 << 16;
    private static final long POSITION = 5 * CAPACITY + 3 * SECTOR;
    private static final long MAX_PAYLOAD = 8192 - HEADER_LENGTH;

    private final ChunkCodec codec = new ChunkCodec(NONCE, RING, SECTOR);
    private ByteBuffer buf;
    private int extent;

    @BeforeEach
    void sealOne() {
        buf = ByteBuffer.allocate(16384).order(ByteOrder.LITTLE_ENDIAN);
        byte[] payload = new byte[984];
        new Random(7).nextBytes(payload);
        buf.put(HEADER_LENGTH, payload);
        extent = codec.seal(buf, 0, KIND_DATA, POSITION, payload.length);
    }

    private int check() {
        return codec.check(buf, 0, extent, POSITION, MAX_PAYLOAD);
    }

    @Test
    void aSealedChunkIsValidAndSectorPadded() {
        assertEquals(1024, extent, "40 + 984 bytes fill two sectors exactly");
        assertEquals(VALID, check());
        assertEquals(KIND_DATA, ChunkCodec.kind(buf, 0));
        assertEquals(984, ChunkCodec.length(buf, 0));
        assertEquals(1024, codec.extentOf(buf, 0));
        assertEquals(SECTOR, codec.seal(buf, 0, KIND_DATA, POSITION, 100), "a short chunk takes one sector");
        for (int i = HEADER_LENGTH + 100; i < SECTOR; i++) {
            assertEquals(0, buf.get(i), "padding is zero, not the bytes that were there");
        }
        extent = codec.seal(buf, 0, KIND_DATA, POSITION, 984);
        assertEquals(0, buf.position(), "the check leaves the buffer as it was");
        assertEquals(buf.capacity(), buf.limit());
    }

    @Test
    void aTornChunkFailsItsCrc() {
        // the header sector is new, the second sector still holds an earlier lap's bytes
        buf.put(SECTOR + 17, (byte) (buf.get(SECTOR + 17) ^ 1));
        assertEquals(BAD_CRC, check());
    }

    @Test
    void aDamagedHeaderFieldFailsItsCrc() {
        buf.putInt(LENGTH_OFFSET, 983);
        assertEquals(BAD_CRC, check());
    }

    @Test
    void aChunkOfAnEarlierLapIsAbsent() {
        assertEquals(ABSENT, codec.check(buf, 0, extent, POSITION + CAPACITY, MAX_PAYLOAD),
                "what the consumer finds at its head before the producer writes this lap");
    }

    @Test
    void aChunkForAnotherPositionIsAbsent() {
        assertEquals(ABSENT, codec.check(buf, 0, extent, POSITION + SECTOR, MAX_PAYLOAD), "a misdirected write");
    }

    @Test
    void aChunkOfAnotherConnectionOrRingIsAbsent() {
        assertEquals(ABSENT, new ChunkCodec(NONCE + 1, RING, SECTOR).check(buf, 0, extent, POSITION, MAX_PAYLOAD),
                "an earlier connection over the same ring");
        assertEquals(ABSENT, new ChunkCodec(NONCE, RING + CAPACITY, SECTOR).check(buf, 0, extent, POSITION, MAX_PAYLOAD),
                "the other direction's ring, or another ring");
    }

    @Test
    void zerosOrAWrongMagicAreAbsent() {
        assertEquals(ABSENT, codec.check(ByteBuffer.allocate(SECTOR).order(ByteOrder.LITTLE_ENDIAN), 0, SECTOR, 0, MAX_PAYLOAD),
                "a never written ring at position 0");
        buf.putInt(MAGIC_OFFSET, MAGIC ^ 0x100);
        assertEquals(ABSENT, check());
    }

    @Test
    void aLengthOutOfRangeIsBadBeforeAnythingIsRead() {
        buf.putInt(LENGTH_OFFSET, -1); // u32 4 GiB - 1
        assertEquals(BAD_LENGTH, check());
        assertEquals(BAD_LENGTH, codec.check(buf.putInt(LENGTH_OFFSET, 984), 0, extent, POSITION, 983),
                "longer than the room before the ring's end");
    }

    @Test
    void aChunkLongerThanWhatWasReadIsTruncated() {
        assertEquals(TRUNCATED, codec.check(buf, 0, SECTOR, POSITION, MAX_PAYLOAD));
        assertEquals(TRUNCATED, codec.check(buf, 0, HEADER_LENGTH - 1, POSITION, MAX_PAYLOAD));
    }

    @Test
    void unknownKindsAndReservedBitsAreBad() {
        buf.putShort(KIND_OFFSET, (short) 9);
        assertEquals(BAD_KIND, check());
        buf.putShort(KIND_OFFSET, (short) KIND_DATA).putShort(RESERVED_OFFSET, (short) 1);
        assertEquals(BAD_KIND, check());
    }

    @Test
    void aPadIsValidOnlyEmpty() {
        int padExtent = codec.seal(buf, 0, KIND_PAD, POSITION, 0);
        assertEquals(SECTOR, padExtent);
        assertEquals(VALID, codec.check(buf, 0, SECTOR, POSITION, MAX_PAYLOAD));
        buf.put(HEADER_LENGTH, new byte[8]);
        codec.seal(buf, 0, KIND_PAD, POSITION, 8);
        assertEquals(BAD_LENGTH, codec.check(buf, 0, SECTOR, POSITION, MAX_PAYLOAD));
    }

    @Test
    void everySingleBitFlipInHeaderOrPayloadIsCaught() {
        for (int bit = 0; bit < (HEADER_LENGTH + 984) * 8; bit++) {
            int at = bit / 8;
            buf.put(at, (byte) (buf.get(at) ^ (1 << (bit % 8))));
            int verdict = check();
            assertNotEquals(VALID, verdict, "bit " + bit);
            buf.put(at, (byte) (buf.get(at) ^ (1 << (bit % 8))));
        }
        assertEquals(VALID, check());
    }

    @Test
    void onAnEncryptedConnectionEveryChunkEndsWithATag() {
        ChunkCodec sealed = new ChunkCodec(NONCE, RING, SECTOR, TAG_LENGTH);
        for (int kind : new int[] {KIND_PAD, KIND_END}) {
            int e = sealed.seal(buf, 0, kind, POSITION, TAG_LENGTH);
            assertEquals(VALID, sealed.check(buf, 0, e, POSITION, MAX_PAYLOAD), "kind " + kind + ": the tag alone");
            assertEquals(BAD_LENGTH, codec.check(buf, 0, e, POSITION, MAX_PAYLOAD), "kind " + kind + " in the clear has no tag");
            e = sealed.seal(buf, 0, kind, POSITION, 0);
            assertEquals(BAD_LENGTH, sealed.check(buf, 0, e, POSITION, MAX_PAYLOAD), "kind " + kind + " without its tag");
        }
        int e = sealed.seal(buf, 0, KIND_DATA, POSITION, TAG_LENGTH - 1);
        assertEquals(BAD_LENGTH, sealed.check(buf, 0, e, POSITION, MAX_PAYLOAD), "data shorter than a tag");
        e = sealed.seal(buf, 0, KIND_DATA, POSITION, 700);
        assertEquals(VALID, sealed.check(buf, 0, e, POSITION, MAX_PAYLOAD));
    }
}
