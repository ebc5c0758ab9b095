package io.arraysock.socket;

import io.arraysock.format.ChunkCodec;
import io.arraysock.medium.BlockMedium;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static io.arraysock.format.ChunkDescriptor.HEADER_LENGTH;
import static io.arraysock.format.ChunkDescriptor.KIND_DATA;
import static io.arraysock.format.ChunkDescriptor.KIND_PAD;
import static io.arraysock.format.ChunkDescriptor.MAX_EXTENT;

/**
 * Writes the chunk records of one ring on the block medium (docs/FORMAT.md, "Chunks"):
 * header and payload are assembled in one aligned staging buffer, sealed, and written
 * with one {@code pwrite} of whole sectors. It does no flow control: the producer says
 * where, and that there is room. Used by the producing thread only.
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
        this.stage = ByteBuffer.allocateDirect(size + medium.extentAlignment())
                .alignedSlice(medium.extentAlignment()).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Largest payload one chunk carries (its extent is at most the staging buffer). */
    int maxPayload() {
        return stage.capacity() - HEADER_LENGTH;
    }

    /**
     * Writes the next {@code n} bytes of {@code src} (advancing it) as a data chunk at ring
     * {@code position}; the caller made sure they fit before the ring's end.
     *
     * @return the chunk's extent
     */
    int writeData(long position, ByteBuffer src, int n) {
        int limit = src.limit();
        src.limit(src.position() + n);
        stage.clear().position(HEADER_LENGTH);
        stage.put(src);
        src.limit(limit);
        return write(position, KIND_DATA, n);
    }

    /** Writes a pad at {@code position}: the rest of this lap holds nothing. */
    void writePad(long position) {
        write(position, KIND_PAD, 0);
    }

    private int write(long position, int kind, int length) {
        int extent = codec.seal(stage, 0, kind, position, length);
        medium.writeExtent(ring + (position & mask), stage.clear().limit(extent));
        return extent;
    }
}
