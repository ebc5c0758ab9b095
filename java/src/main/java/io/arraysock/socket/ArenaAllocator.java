package io.arraysock.socket;

import java.util.Map;
import java.util.TreeMap;

import static io.arraysock.format.ControlBlockDescriptor.MAX_RING_CAPACITY;
import static io.arraysock.format.ControlBlockDescriptor.MIN_RING_CAPACITY;

/**
 * Hands out ring memory from our node's arena: first fit over free extents, each extent
 * a multiple of {@value #GRANULE} bytes so rings start on sector and page boundaries. The
 * state lives only in memory: the arena belongs to one node, which rebuilds it empty on
 * attach (the node layer frees every control block of a reclaimed slot).
 */
final class ArenaAllocator {
    static final long GRANULE = 4096;

    private final long arenaStart;
    private final long arenaSize;
    /** start to length of each free extent, coalesced. */
    private final TreeMap<Long, Long> free = new TreeMap<>();
    private long freeBytes;

    ArenaAllocator(long arenaStart, long arenaSize) {
        this.arenaStart = arenaStart;
        this.arenaSize = arenaSize;
        free.put(arenaStart, arenaSize);
        freeBytes = arenaSize;
    }

    /** A ring size for {@code wanted} bytes: a power of two within the format's limits and a quarter of the arena. */
    long ringCapacity(long wanted) {
        long max = Math.max(MIN_RING_CAPACITY, Math.min(MAX_RING_CAPACITY, Long.highestOneBit(arenaSize / 4)));
        long c = Math.max(MIN_RING_CAPACITY, Math.min(wanted, max));
        long pow2 = Long.highestOneBit(c) == c ? c : Long.highestOneBit(c) << 1;
        return Math.min(pow2, max);
    }

    /** Returns the absolute offset of {@code length} bytes, or -1 if no extent is large enough. */
    synchronized long allocate(long length) {
        long need = roundUp(length);
        for (Map.Entry<Long, Long> e : free.entrySet()) {
            if (e.getValue() >= need) {
                long start = e.getKey();
                free.remove(start);
                if (e.getValue() > need) {
                    free.put(start + need, e.getValue() - need);
                }
                freeBytes -= need;
                return start;
            }
        }
        return -1;
    }

    /**
     * Like {@link #allocate}, but from the end of the highest free extent that is large
     * enough: for the error log's granule, kept away from where first-fit puts rings.
     */
    synchronized long allocateTop(long length) {
        long need = roundUp(length);
        for (Map.Entry<Long, Long> e : free.descendingMap().entrySet()) {
            if (e.getValue() >= need) {
                long start = e.getKey();
                long at = start + e.getValue() - need;
                if (e.getValue() > need) {
                    free.put(start, e.getValue() - need);
                } else {
                    free.remove(start);
                }
                freeBytes -= need;
                return at;
            }
        }
        return -1;
    }

    synchronized void release(long start, long length) {
        long len = roundUp(length);
        if (start < arenaStart || start + len > arenaStart + arenaSize) {
            throw new IllegalArgumentException("extent " + start + "+" + len + " is outside the arena");
        }
        Map.Entry<Long, Long> before = free.floorEntry(start);
        if (before != null && before.getKey() + before.getValue() > start) {
            throw new IllegalStateException("double free of arena extent at " + start);
        }
        long s = start;
        long l = len;
        if (before != null && before.getKey() + before.getValue() == start) {
            s = before.getKey();
            l += before.getValue();
            free.remove(before.getKey());
        }
        Long next = free.get(start + len);
        if (next != null) {
            free.remove(start + len);
            l += next;
        }
        free.put(s, l);
        freeBytes += len;
    }

    synchronized long freeBytes() {
        return freeBytes;
    }

    private static long roundUp(long length) {
        return (length + GRANULE - 1) / GRANULE * GRANULE;
    }
}
