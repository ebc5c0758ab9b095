package io.arraysock.socket;

import io.arraysock.format.ChunkCodec;
import io.arraysock.medium.BlockMedium;

import java.nio.ByteBuffer;

import static io.arraysock.format.ChunkDescriptor.HEADER_LENGTH;
import static io.arraysock.format.ChunkDescriptor.KIND_DATA;
import static io.arraysock.format.ChunkDescriptor.KIND_END;
import static io.arraysock.format.ChunkDescriptor.KIND_PAD;
import static io.arraysock.format.ChunkDescriptor.MAX_EXTENT;

/**
 * Writes the chunk records of one ring on the block medium (docs/FORMAT.md, "Chunk
 * records"): the payload is put in one aligned buffer after the header's room, the header
 * sealed in front of it, and the chunk written with one {@code pwrite} of whole sectors.
 * It does no flow control: the caller says where, and that there is room. Used by one
 * thread (the ring's {@link ChunkPipeline}).
 */
final class ChunkWriter {
    private final BlockMedium medium;
    private final long ring;
    private final long mask;
    private final ChunkCodec codec;
    private final ByteBuffer stage;

    ChunkWriter(BlockMedium medium, long ring, long capacity, long nonce) {
        this.medium = medium;
        this.ring = ring;
        this.mask = capacity - 1;
        this.codec = new ChunkCodec(nonce, ring, medium.sectorSize());
        int size = (int) Math.min(capacity, MAX_EXTENT);
        this.stage = medium.allocateExtentBuffer(size);
    }

    int sectorSize() {
        return medium.sectorSize();
    }

    /** Largest extent one chunk occupies (the staging buffer). */
    int maxExtent() {
        return stage.capacity();
    }

    /** Largest payload one chunk carries. */
    int maxPayload() {
        return stage.capacity() - HEADER_LENGTH;
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
        int extent = codec.seal(stage, 0, kind, position, length);
        medium.writeExtent(ring + (position & mask), stage.clear().limit(extent));
        return extent;
    }
}
