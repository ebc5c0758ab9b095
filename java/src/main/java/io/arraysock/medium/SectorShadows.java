package io.arraysock.medium;

import io.arraysock.medium.internal.AlignedBuffer;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The block medium's owned ranges (see {@link BlockMedium}, "Ownership"): each a
 * sector-aligned range [start, end) this process owns, with its shadow in native memory.
 * A write changes the shadow, then rewrites exactly the touched sectors from it; a read
 * inside one owned range is served from it. Ranges never overlap; they are added and
 * removed under one lock, and each shadow is guarded by its own monitor (its sectors are
 * not changed while written out).
 */
final class SectorShadows {
    /** One owned range [start, end) and its in-memory copy; guarded by its own monitor. */
    record Shadow(long start, long end, AlignedBuffer buffer) {
        @Override
        public String toString() {
            return "[" + start + ", " + end + ")";
        }
    }

    private final SectorFile sectors;
    private final int alignment;
    /** Owned ranges by first byte; sector-aligned, never overlapping. Changed under {@link #ownership}. */
    private final ConcurrentSkipListMap<Long, Shadow> shadows = new ConcurrentSkipListMap<>();
    private final Object ownership = new Object();
    private boolean closed;

    SectorShadows(SectorFile sectors, int alignment) {
        this.sectors = sectors;
        this.alignment = alignment;
    }

    /** The owned range holding all of [offset, offset + length), or null. */
    Shadow holding(long offset, long length) {
        Map.Entry<Long, Shadow> e = shadows.floorEntry(offset);
        if (e == null || e.getValue().end() < offset + length) {
            return null;
        }
        return e.getValue();
    }

    /** The owned range that must hold the sectors of [offset, offset + length): anything else is a bug. */
    Shadow forWrite(long offset, long length) {
        long first = sectors.floorSector(offset);
        long end = sectors.ceilSector(offset + length);
        Shadow s = holding(first, end - first);
        if (s == null) {
            throw new IllegalStateException("write of " + length + " bytes at offset " + offset + " of " + sectors.path()
                    + " touches sectors [" + first + ", " + end
                    + ") not within one range this process owns; owned: " + shadows.values());
        }
        return s;
    }

    /** Called holding the shadow's monitor: it must not have been disowned meanwhile. */
    void checkStillOwned(Shadow s, long offset) {
        if (s.buffer().isFreed()) {
            throw new IllegalStateException("write at offset " + offset + " of " + sectors.path() + ": range " + s
                    + " was disowned meanwhile");
        }
    }

    /** Called holding the shadow's monitor: writes the sectors covering [offset, offset + length) from it. */
    void writeOut(Shadow s, long offset, long length) {
        long first = sectors.floorSector(offset);
        long bytes = sectors.ceilSector(offset + length) - first;
        sectors.pwrite(s.buffer().address() + (first - s.start()), bytes, first);
    }

    /**
     * Owns the sectors covering [offset, offset + length) and reads them into a shadow.
     *
     * @param ensureOpen run under the ownership lock, before anything else
     * @throws IllegalStateException if any of them is already owned
     * @throws IOException           if they cannot be read, or the shadow cannot be allocated
     */
    void own(long offset, long length, Runnable ensureOpen) throws IOException {
        long first = sectors.floorSector(offset);
        long end = sectors.ceilSector(offset + length);
        synchronized (ownership) {
            ensureOpen.run();
            Map.Entry<Long, Shadow> before = shadows.floorEntry(end - 1);
            if (before != null && before.getValue().end() > first) {
                throw new IllegalStateException("own(" + offset + ", " + length + ") of " + sectors.path() + ": sectors ["
                        + first + ", " + end + ") overlap the owned range " + before.getValue());
            }
            AlignedBuffer buffer = AlignedBuffer.allocate(alignment, end - first);
            try {
                sectors.preadChecked(buffer.address(), end - first, first);
            } catch (IOException e) {
                buffer.close();
                throw e;
            }
            shadows.put(first, new Shadow(first, end, buffer));
        }
    }

    /**
     * Gives up a range given to {@link #own} (the same sectors) and frees its shadow.
     *
     * @param ensureOpen run under the ownership lock, before anything else
     * @throws IllegalStateException if those sectors are not exactly one owned range
     */
    void disown(long offset, long length, Runnable ensureOpen) {
        long first = sectors.floorSector(offset);
        long end = sectors.ceilSector(offset + length);
        synchronized (ownership) {
            ensureOpen.run();
            Shadow s = shadows.get(first);
            if (s == null || s.end() != end) {
                throw new IllegalStateException("disown(" + offset + ", " + length + ") of " + sectors.path() + ": sectors ["
                        + first + ", " + end + ") are not one owned range; owned: " + shadows.values());
            }
            shadows.remove(first);
            synchronized (s) {
                s.buffer().close();
            }
        }
    }

    /**
     * Frees every shadow, running {@code markClosed} first under the ownership lock (so no
     * {@link #own} can follow it); false when closed already.
     */
    boolean close(Runnable markClosed) {
        synchronized (ownership) {
            if (closed) {
                return false;
            }
            closed = true;
            markClosed.run();
            for (Shadow s : shadows.values()) {
                synchronized (s) {
                    s.buffer().close();
                }
            }
            shadows.clear();
            return true;
        }
    }
}
