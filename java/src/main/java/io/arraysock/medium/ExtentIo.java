package io.arraysock.medium;

import io.arraysock.medium.internal.MappedBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;
import java.util.concurrent.Semaphore;

/**
 * The block medium's extent transfers (the rings' chunks): one {@code pread} or
 * {@code pwrite} of whole sectors straight between the device and an aligned direct
 * buffer, no shadow involved, with at most {@value #MAX_IN_FLIGHT} in flight per
 * attachment. The limit keeps the node's own sector writes (the heartbeat's) from queueing
 * behind a burst of chunks: with one per ring, 64 connections queued 64 MiB on an NBD path,
 * and the heartbeat's write, behind them, waited past the liveness timeout.
 */
final class ExtentIo {
    private static final int MAX_IN_FLIGHT = 4;
    /** What anonymous memory from mmap is aligned to (x86-64). */
    private static final int PAGE_SIZE = 4096;

    private final SectorFile sectors;
    private final long size;
    private final int alignment;
    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);

    ExtentIo(SectorFile sectors, long size, int alignment) {
        this.sectors = sectors;
        this.size = size;
        this.alignment = alignment;
    }

    /** See {@link BlockMedium#allocateExtentBuffer}. */
    ByteBuffer allocateBuffer(int bytes) {
        if (bytes % alignment != 0) {
            throw new IllegalArgumentException("extent buffer of " + bytes + " bytes is not a multiple of " + alignment);
        }
        int extra = alignment > PAGE_SIZE ? alignment : 0; // mmap aligns to a page only
        ByteBuffer mapped;
        try {
            mapped = MappedBuffer.allocate(Math.addExact(bytes, extra));
        } catch (IOException e) {
            OutOfMemoryError oom = new OutOfMemoryError("extent buffer of " + bytes + " bytes for " + sectors.path()
                    + ": " + e.getMessage());
            oom.initCause(e);
            throw oom;
        }
        return mapped.alignedSlice(alignment).limit(bytes).slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Moves {@code length} bytes between the extent at {@code address} (checked by
     * {@link #address}) and the sectors at {@code offset}: a write when {@code toMedium},
     * else a read; waits for a place among those in flight.
     */
    void transfer(long address, int length, long offset, boolean toMedium) {
        inFlight.acquireUninterruptibly();
        try {
            if (toMedium) {
                sectors.pwrite(address, length, offset);
            } else {
                sectors.pread(address, length, offset);
            }
        } finally {
            inFlight.release();
        }
    }

    /** The native address of {@code buf}'s position, after checking the extent's alignment. */
    long address(long offset, ByteBuffer buf) {
        int length = buf.remaining();
        Objects.checkFromIndexSize(offset, length, size);
        if (!buf.isDirect()) {
            throw new IllegalArgumentException("extent I/O needs a direct buffer");
        }
        long address = com.sun.jna.Pointer.nativeValue(com.sun.jna.Native.getDirectBufferPointer(buf)) + buf.position();
        int sectorSize = sectors.sectorSize();
        if (offset % sectorSize != 0 || length % sectorSize != 0 || length == 0 || address % alignment != 0) {
            throw new IllegalArgumentException("extent of " + length + " bytes at offset " + offset + " from buffer address "
                    + address + ": offset and length must be whole " + sectorSize + "-byte sectors, the buffer "
                    + alignment + "-aligned");
        }
        return address;
    }
}
