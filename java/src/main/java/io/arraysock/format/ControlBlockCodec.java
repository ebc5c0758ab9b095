package io.arraysock.format;

import io.arraysock.medium.Medium;

import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static io.arraysock.format.ControlBlockDescriptor.HEADER_LENGTH;
import static io.arraysock.format.ControlBlockDescriptor.STATE_FREE;
import static io.arraysock.format.ControlBlockDescriptor.STATE_OFFSET;

/**
 * Reads and writes control-block headers ({@link ControlBlockDescriptor}) on the medium.
 * A reader may catch a header half-written, so reads of anyone's block are re-tried until
 * the seal matches; a sealed header with bad fields is damaged (logged, and read as
 * absent). The caller writes only its own node's partition.
 */
public final class ControlBlockCodec {
    private static final System.Logger LOG = System.getLogger(ControlBlockCodec.class.getName());
    /** Re-reads of a torn header before it is judged damaged: a write takes far less time than this many reads. */
    private static final int READ_TRIES = 16;

    /** Receives each readable block of a scan. */
    @FunctionalInterface
    public interface Visitor {
        void visit(int slot, int index, ControlBlockHeader header);
    }

    private final Medium medium;
    private final Geometry geometry;
    private final int sectorSize;
    private final ThreadLocal<ByteBuffer> partitionBuffer;

    public ControlBlockCodec(Medium medium, Geometry geometry) {
        this.medium = medium;
        this.geometry = geometry;
        this.sectorSize = geometry.sectorSize();
        int partition = Math.toIntExact(geometry.partitionLength());
        this.partitionBuffer = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(partition).order(ByteOrder.LITTLE_ENDIAN));
    }

    public Geometry geometry() {
        return geometry;
    }

    public long offset(int slot, int index) {
        return geometry.controlBlockOffset(slot, index);
    }

    /**
     * Reads the header of block (slot, index).
     *
     * @return null when it never read consistently, or a sealed header has bad fields (logged)
     */
    public ControlBlockHeader read(int slot, int index) {
        ByteBuffer buf = ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        return readInto(slot, index, buf);
    }

    private ControlBlockHeader readInto(int slot, int index, ByteBuffer buf) {
        long at = offset(slot, index);
        for (int i = 0; i < READ_TRIES; i++) {
            buf.clear();
            medium.readAcquire(at, buf);
            ControlBlockHeader h = decodeOrLog(slot, index, buf);
            if (h != null || i == READ_TRIES - 1) {
                return h;
            }
            Thread.onSpinWait();
        }
        return null;
    }

    private ControlBlockHeader decodeOrLog(int slot, int index, ByteBuffer buf) {
        try {
            return ControlBlockHeader.decode(buf, geometry);
        } catch (ControlBlockHeader.BadFieldException e) {
            LOG.log(Level.WARNING, "control block {0}/{1} on {2} is damaged: {3}", slot, index, medium.path(), e.getMessage());
            return null;
        }
    }

    /** Orders the caller's last write before its next reads (the write-then-read of intent-then-scan). */
    public void fullFence() {
        medium.fullFence();
    }

    /** Writes block (slot, index), which must be the caller's own, sealed, with the next sequence number. */
    public ControlBlockHeader write(int slot, int index, ControlBlockHeader header) {
        return write(slot, index, header, HEADER_LENGTH);
    }

    /**
     * {@link #write}, and every live word (positions, flags, events) zeroed with it, in the
     * same store: the block is one sector, so on the block medium one sector write, not two.
     */
    public ControlBlockHeader writeFresh(int slot, int index, ControlBlockHeader header) {
        return write(slot, index, header, ControlBlockDescriptor.LENGTH);
    }

    private ControlBlockHeader write(int slot, int index, ControlBlockHeader header, int length) {
        ControlBlockHeader h = header.withSequence(header.sequence() + 1);
        ByteBuffer buf = ByteBuffer.allocate(length);
        h.encode(buf);
        medium.writeRelease(offset(slot, index), buf);
        return h;
    }

    /**
     * Visits the allocated blocks of one node's partition, reading the partition with one
     * transfer and re-reading only torn headers. Damaged blocks are logged and skipped.
     */
    public void scanPartition(int slot, Visitor visitor) {
        ByteBuffer part = partitionBuffer.get();
        ByteBuffer one = null;
        part.clear();
        medium.readAcquire(geometry.partitionOffset(slot), part);
        for (int index = 0; index < geometry.socketsPerNode(); index++) {
            if (part.getInt(index * sectorSize + STATE_OFFSET) == STATE_FREE) {
                continue; // free (or torn into looking free): nothing to visit, no checksum to compute
            }
            ByteBuffer sector = part.slice(index * sectorSize, HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
            ControlBlockHeader h;
            try {
                h = ControlBlockHeader.decode(sector, geometry);
            } catch (ControlBlockHeader.BadFieldException e) {
                h = null;
            }
            if (h == null) {
                if (one == null) {
                    one = ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
                }
                h = readInto(slot, index, one);
            }
            if (h != null && !h.isFree()) {
                visitor.visit(slot, index, h);
            }
        }
    }
}
