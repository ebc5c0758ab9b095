package io.arraysock.socket;

import io.arraysock.format.ChunkCodec;
import io.arraysock.medium.Medium;

import java.nio.ByteBuffer;

import static io.arraysock.format.ChunkDescriptor.HEADER_LENGTH;
import static io.arraysock.format.ChunkDescriptor.KIND_DATA;
import static io.arraysock.format.ChunkDescriptor.KIND_END;
import static io.arraysock.format.ChunkDescriptor.KIND_PAD;
import static io.arraysock.format.ChunkDescriptor.MAX_EXTENT;
import static io.arraysock.format.ChunkDescriptor.TAG_LENGTH;

/**
 * Writes the chunk records of one chunked ring (the block medium's, or a checksummed one on shm; docs/FORMAT.md, "Chunk
 * records"): the payload is put in one aligned buffer after the header's room, the header
 * sealed in front of it, and the chunk written with one {@code pwrite} of whole sectors.
 * On an encrypted connection the payload is encrypted in place first ({@link ChunkCipher}).
 * It does no flow control: the caller says where, and that there is room. Used by one
 * thread (the ring's {@link ChunkPipeline}).
 */
final class ChunkWriter {
    private final Medium medium;
    /** What chunks are aligned and padded to ({@link io.arraysock.medium.RingPolicy#chunkUnit}). */
    private final int unit;
    private final long ring;
    private final long mask;
    private final ChunkCodec codec;
    private final ByteBuffer stage;
    /** Encrypts each chunk's payload on an encrypted connection; null otherwise. */
    private final ChunkCipher cipher;
    /** Bytes a chunk stores besides its payload's plaintext before padding: the header, and the tag if encrypted. */
    private final int overhead;

    /**
     * @param key       the connection's chunk key (encrypted connection), or null
     * @param direction {@link ChunkCipher#CLIENT_TO_SERVER} or {@link ChunkCipher#SERVER_TO_CLIENT}
     */
    ChunkWriter(Medium medium, int unit, long ring, long capacity, long nonce, byte[] key, int direction) {
        this.medium = medium;
        this.unit = unit;
        this.ring = ring;
        this.mask = capacity - 1;
        this.codec = new ChunkCodec(nonce, ring, unit, key == null ? 0 : TAG_LENGTH);
        int size = (int) Math.min(capacity, MAX_EXTENT);
        this.stage = medium.allocateExtentBuffer(size);
        this.cipher = key == null ? null : new ChunkCipher(key, direction, true, stage);
        this.overhead = HEADER_LENGTH + (key == null ? 0 : TAG_LENGTH);
    }

    /** What chunks are aligned and padded to: the sector on the block medium. */
    int sectorSize() {
        return unit;
    }

    /** Largest extent one chunk occupies (the staging buffer). */
    int maxExtent() {
        return stage.capacity();
    }

    /** Bytes a chunk needs besides its payload (and padding): the header, and the tag if encrypted. */
    int overhead() {
        return overhead;
    }

    /** Bytes a chunk with {@code payload} bytes of plaintext occupies in the ring. */
    long extentOf(long payload) {
        return (overhead + payload + unit - 1) & -(long) unit;
    }

    /** The buffer to put the next chunk's payload in, positioned at its first byte. */
    ByteBuffer payload() {
        return stage.clear().position(HEADER_LENGTH);
    }

    /**
     * Writes the {@code length} bytes put in {@link #payload()} as a data chunk at ring
     * {@code position}; the caller made sure its extent fits before the ring's end.
     *
     * @return the chunk's extent
     */
    int writeData(long position, int length) {
        return write(position, KIND_DATA, length);
    }

    /** Writes a pad at {@code position}: the rest of this lap holds nothing. */
    void writePad(long position) {
        write(position, KIND_PAD, 0);
    }

    /** Writes the end of the stream at {@code position}, the final tail (one sector). */
    void writeEnd(long position) {
        write(position, KIND_END, 0);
    }

    private int write(long position, int kind, int length) {
        int stored = length;
        if (cipher != null) {
            stored += TAG_LENGTH;
            codec.writeHeader(stage, 0, kind, position, stored); // the tag's associated data
            cipher.seal(0, position, length);
        }
        int extent = codec.seal(stage, 0, kind, position, stored);
        medium.writeExtent(ring + (position & mask), stage.clear().limit(extent));
        return extent;
    }
}
