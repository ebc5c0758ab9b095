package io.arraysock.format;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

import static io.arraysock.format.ChunkDescriptor.*;

/**
 * Seals and checks the chunk records of one ring ({@link ChunkDescriptor}). It knows the
 * connection's nonce and the ring's offset, which every chunk of that ring carries. Buffers
 * are little-endian; a chunk sits at index {@code at} of one. Not thread-safe (it keeps
 * one CRC32C): one per ring end.
 */
public final class ChunkCodec {
    /** {@link #check} verdict: the chunk expected, whole and undamaged. */
    public static final int VALID = 0;
    /** Not this connection's chunk for this position: not written yet (an earlier lap, an earlier connection), or misdirected. */
    public static final int ABSENT = 1;
    /** The header is right but the bytes given end before the chunk does: read {@link #extent} bytes. */
    public static final int TRUNCATED = 2;
    public static final int BAD_KIND = 3;
    public static final int BAD_LENGTH = 4;
    public static final int BAD_CRC = 5;

    private final long nonce;
    private final long ringOffset;
    private final int sectorSize;
    private final CRC32C crc = new CRC32C();

    public ChunkCodec(long nonce, long ringOffset, int sectorSize) {
        if (Integer.bitCount(sectorSize) != 1 || sectorSize < HEADER_LENGTH) {
            throw new IllegalArgumentException("sector size " + sectorSize);
        }
        this.nonce = nonce;
        this.ringOffset = ringOffset;
        this.sectorSize = sectorSize;
    }

    /**
     * Writes the header of a chunk whose payload of {@code length} bytes is already at
     * {@code buf[at + HEADER_LENGTH, ...)}, and zeros up to the sector boundary.
     *
     * @return the chunk's extent (header, payload and padding)
     */
    public int seal(ByteBuffer buf, int at, int kind, long position, int length) {
        checkOrder(buf);
        int extent = (int) ChunkDescriptor.extent(length, sectorSize);
        buf.putInt(at + MAGIC_OFFSET, MAGIC);
        buf.putShort(at + KIND_OFFSET, (short) kind);
        buf.putShort(at + RESERVED_OFFSET, (short) 0);
        buf.putLong(at + POSITION_OFFSET, position);
        buf.putLong(at + NONCE_OFFSET, nonce);
        buf.putLong(at + RING_OFFSET_OFFSET, ringOffset);
        buf.putInt(at + LENGTH_OFFSET, length);
        for (int i = at + HEADER_LENGTH + length; i < at + extent; i++) {
            buf.put(i, (byte) 0);
        }
        buf.putInt(at + CRC_OFFSET, checksum(buf, at, length));
        return extent;
    }

    /**
     * Judges the chunk expected at ring {@code position}, of which {@code readable} bytes
     * from {@code at} were read. {@code maxPayload} bounds its length (the room before the
     * ring's end, and {@link ChunkDescriptor#MAX_EXTENT}); a pad must reach exactly
     * {@code padExtent} bytes, the end of the ring.
     *
     * @return {@link #VALID}, {@link #ABSENT}, {@link #TRUNCATED}, {@link #BAD_KIND},
     *     {@link #BAD_LENGTH} or {@link #BAD_CRC}
     */
    public int check(ByteBuffer buf, int at, int readable, long position, long maxPayload) {
        checkOrder(buf);
        if (readable < HEADER_LENGTH) {
            return TRUNCATED;
        }
        if (buf.getInt(at + MAGIC_OFFSET) != MAGIC || buf.getLong(at + POSITION_OFFSET) != position
                || buf.getLong(at + NONCE_OFFSET) != nonce || buf.getLong(at + RING_OFFSET_OFFSET) != ringOffset) {
            return ABSENT;
        }
        int kind = kind(buf, at);
        long length = length(buf, at);
        if ((kind != KIND_DATA && kind != KIND_PAD && kind != KIND_END) || buf.getShort(at + RESERVED_OFFSET) != 0) {
            return BAD_KIND;
        }
        if (length > maxPayload || (kind != KIND_DATA && length != 0)) {
            return BAD_LENGTH;
        }
        if (ChunkDescriptor.extent(length, sectorSize) > readable) {
            return TRUNCATED;
        }
        return buf.getInt(at + CRC_OFFSET) == checksum(buf, at, (int) length) ? VALID : BAD_CRC;
    }

    /** The kind field of the chunk at {@code at}. */
    public static int kind(ByteBuffer buf, int at) {
        return Short.toUnsignedInt(buf.getShort(at + KIND_OFFSET));
    }

    /** The payload length field of the chunk at {@code at}, widened (it is a u32). */
    public static long length(ByteBuffer buf, int at) {
        return Integer.toUnsignedLong(buf.getInt(at + LENGTH_OFFSET));
    }

    /** The extent of the chunk at {@code at}, from its length field (check it first). */
    public int extentOf(ByteBuffer buf, int at) {
        return (int) ChunkDescriptor.extent(length(buf, at), sectorSize);
    }

    /** What a {@link #check} verdict means, for an error message. */
    public static String describe(int verdict) {
        return switch (verdict) {
            case VALID -> "valid";
            case ABSENT -> "the record there is not this connection's for that position (stale, misdirected or overwritten)";
            case TRUNCATED -> "the record is cut short";
            case BAD_KIND -> "the record has an unknown kind";
            case BAD_LENGTH -> "the record's payload length is out of range";
            case BAD_CRC -> "the record's CRC32C does not match its bytes";
            default -> "verdict " + verdict;
        };
    }

    /** CRC32C of the header before its CRC field, then of the payload; leaves the buffer's position and limit as they were. */
    private int checksum(ByteBuffer buf, int at, int length) {
        int position = buf.position();
        int limit = buf.limit();
        crc.reset();
        buf.limit(at + CRC_OFFSET).position(at);
        crc.update(buf);
        buf.limit(at + HEADER_LENGTH + length).position(at + HEADER_LENGTH);
        crc.update(buf);
        buf.limit(limit).position(position);
        return (int) crc.getValue();
    }

    private static void checkOrder(ByteBuffer buf) {
        if (buf.order() != ByteOrder.LITTLE_ENDIAN) {
            throw new IllegalArgumentException("chunk buffers are little-endian");
        }
    }
}
