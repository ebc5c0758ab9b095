package io.arraysock.socket;

import io.arraysock.format.ChunkCodec;
import io.arraysock.medium.Medium;

import java.nio.ByteBuffer;

import static io.arraysock.format.ChunkDescriptor.HEADER_LENGTH;
import static io.arraysock.format.ChunkDescriptor.MAX_EXTENT;
import static io.arraysock.format.ChunkDescriptor.TAG_LENGTH;

/**
 * Reads the chunk records of the peer's ring on the block medium, speculatively: it reads
 * at the consumer's head and lets the record say whether it is there ({@link ChunkCodec}),
 * without a look at the producer's tail. One aligned buffer holds what the last read
 * brought; chunks found valid in it stay valid (the producer does not rewrite them before
 * the head passes), so a run of chunks read together costs one {@code pread}.
 *
 * <p>The read size adapts: a sector while it finds nothing (a look costs one small I/O),
 * and after a chunk, that chunk's extent (the writer's next one is most likely alike). It
 * does not grow past what was found: a read beyond the chunks written costs the device
 * what the writer needs (measured: doubling read twice the bytes written, and the writes,
 * the bottleneck, slowed). Used by the consuming thread only.
 */
final class ChunkReader {
    private final Medium medium;
    private final long ring;
    private final long capacity;
    private final long mask;
    private final int sector;
    private final ChunkCodec codec;
    private final ByteBuffer buffer;
    /** Checks and decrypts each chunk on an encrypted connection; null otherwise. */
    private final ChunkCipher cipher;
    private final int tagLength;
    /** buffer[0, filled) holds ring positions [from, from + filled), as read then. */
    private long from = -1;
    private int filled;
    private int readSize;
    /** Buffer index of the chunk the last {@link #check} found valid. */
    private int at;
    /** The position a read last found no valid chunk at. */
    private long missedAt = -1;

    /**
     * @param key       the connection's chunk key (encrypted connection), or null
     * @param direction the producer's: {@link ChunkCipher#CLIENT_TO_SERVER} or {@link ChunkCipher#SERVER_TO_CLIENT}
     */
    ChunkReader(Medium medium, int unit, long ring, long capacity, long nonce, byte[] key, int direction) {
        this.medium = medium;
        this.ring = ring;
        this.capacity = capacity;
        this.mask = capacity - 1;
        this.sector = unit;
        this.tagLength = key == null ? 0 : TAG_LENGTH;
        this.codec = new ChunkCodec(nonce, ring, sector, tagLength);
        int size = (int) Math.min(capacity, MAX_EXTENT);
        this.buffer = medium.allocateExtentBuffer(size);
        this.cipher = key == null ? null : new ChunkCipher(key, direction, false, buffer);
        this.readSize = sector;
    }

    /**
     * Judges the chunk at ring {@code position} (sector-aligned): from the buffer when the
     * last read brought it whole and valid, else from a new read ({@code fresh}: always).
     *
     * @return a {@link ChunkCodec} verdict; after {@link ChunkCodec#VALID}, {@link #kind()},
     *     {@link #length()}, {@link #extent()} and {@link #payloadIndex()} describe it
     */
    int check(long position, boolean fresh) {
        long toEnd = capacity - (position & mask);
        long maxPayload = Math.min(toEnd, buffer.capacity()) - HEADER_LENGTH;
        if (!fresh && position >= from && position < from + filled) {
            int i = (int) (position - from);
            if (codec.check(buffer, i, filled - i, position, maxPayload) == ChunkCodec.VALID) {
                at = i;
                return ChunkCodec.VALID;
            }
        }
        int size = (int) Math.min(readSize, Math.min(toEnd, buffer.capacity()));
        read(position, 0, size);
        from = position;
        filled = size;
        at = 0;
        int verdict = codec.check(buffer, 0, size, position, maxPayload);
        if (verdict == ChunkCodec.TRUNCATED) {
            // the whole chunk again, not just its rest: the buffer must stay page-aligned for O_DIRECT
            int extent = codec.extentOf(buffer, 0); // within maxPayload: checked before TRUNCATED
            read(position, 0, extent);
            filled = extent;
            verdict = codec.check(buffer, 0, extent, position, maxPayload);
        }
        if (verdict != ChunkCodec.VALID) {
            missedAt = position;
            readSize = sector;
        } else {
            // found at the first look: we are behind the writer, and its next chunk is most
            // likely there too, alike; found after looking: we are ahead, look small
            readSize = missedAt == position ? sector : extent();
        }
        return verdict;
    }

    /** Whether the last read brought ring {@code position} (a look there costs no I/O). */
    boolean inBuffer(long position) {
        return position >= from && position < from + filled;
    }

    private void read(long position, int index, int length) {
        medium.readExtent(ring + (position & mask), buffer.limit(index + length).position(index));
        buffer.clear();
    }

    /** The buffer the valid chunk's payload is in (read it with absolute indexes; do not change it). */
    ByteBuffer buffer() {
        return buffer;
    }

    int kind() {
        return ChunkCodec.kind(buffer, at);
    }

    /**
     * After {@link #check} found the chunk valid, on an encrypted connection: checks its tag
     * and decrypts its payload in place. Call once per chunk taken. True without encryption.
     *
     * @return false when the tag does not match (a forgery: the CRC matched): use none of it
     */
    boolean authentic() {
        return cipher == null || cipher.open(at, from + at, (int) ChunkCodec.length(buffer, at));
    }

    /** The valid chunk's payload bytes (plaintext: without the tag). */
    int length() {
        return (int) ChunkCodec.length(buffer, at) - tagLength;
    }

    int extent() {
        return codec.extentOf(buffer, at);
    }

    int payloadIndex() {
        return at + HEADER_LENGTH;
    }
}
