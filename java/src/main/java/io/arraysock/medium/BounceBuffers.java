package io.arraysock.medium;

import io.arraysock.medium.internal.AlignedBuffer;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The block medium's reads of foreign sectors: each thread that reads them keeps an aligned
 * bounce buffer (one 4 KiB sector at first, growing to {@value #MAX_IO} bytes; longer reads
 * are split by the caller) until {@link #close()}. Foreign sectors are never cached: every
 * read goes to the device.
 */
final class BounceBuffers {
    /** Largest single read of foreign sectors: bounds each thread's bounce buffer. */
    static final int MAX_IO = 1 << 20;
    /** A first bounce buffer holds one 4 KiB sector: word reads never grow it. */
    private static final int INITIAL_BOUNCE = 4096;

    /** One thread's buffer; replaced when too small. */
    private static final class Bounce {
        AlignedBuffer buffer;
    }

    private final SectorFile sectors;
    private final int alignment;
    private final Set<Bounce> all = ConcurrentHashMap.newKeySet();
    private final ThreadLocal<Bounce> bounce = ThreadLocal.withInitial(this::newBounce);

    BounceBuffers(SectorFile sectors, int alignment) {
        this.sectors = sectors;
        this.alignment = alignment;
    }

    /** Reads whole sectors [first, first + length) from the device into this thread's bounce buffer. */
    AlignedBuffer read(long first, long length) {
        Bounce b = bounce.get();
        if (b.buffer.capacity() < length) {
            grow(b, length);
        }
        sectors.pread(b.buffer.address(), length, first);
        return b.buffer;
    }

    private Bounce newBounce() {
        Bounce b = new Bounce();
        b.buffer = allocate(INITIAL_BOUNCE);
        all.add(b);
        return b;
    }

    private void grow(Bounce b, long needed) {
        long capacity = Math.min(MAX_IO, Long.highestOneBit(needed - 1) << 1);
        AlignedBuffer bigger = allocate(Math.max(capacity, needed));
        AlignedBuffer old = b.buffer;
        b.buffer = bigger;
        old.close();
    }

    private AlignedBuffer allocate(long capacity) {
        try {
            return AlignedBuffer.allocate(alignment, capacity);
        } catch (IOException e) {
            throw new MediumFaultException(e);
        }
    }

    /** Frees every thread's buffer. */
    void close() {
        for (Bounce b : all) {
            b.buffer.close();
        }
        all.clear();
    }
}
