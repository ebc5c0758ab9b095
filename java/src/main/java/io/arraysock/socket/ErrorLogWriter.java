package io.arraysock.socket;

import io.arraysock.format.ErrorLogCodec;
import io.arraysock.medium.Medium;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static io.arraysock.format.ErrorLogDescriptor.*;

/**
 * Copies a node's {@link ErrorLog} to the medium (docs/FORMAT.md, "Distinct-error log"):
 * the entries into one granule of the node's arena, the header into its node record. Runs
 * on the counter publisher's thread and cadence (block: at most once a second), so an error
 * costs no I/O where it happens. The granule is taken from the top of the arena when the
 * first publish finds room, and given back when a ring needs it (rings win:
 * {@link #yieldRoom}); the next publish then places the log again where there is room,
 * rewriting it whole. The header's offset is cleared before the granule is given back, so
 * a reader finds either the log or no offset (and a reader that read the offset just before
 * finds ring bytes, which fail the entries' magic or checksum). Both writers (publish, yield)
 * hold this object's lock.
 */
final class ErrorLogWriter {
    private final ErrorLog log;
    private final Medium medium;
    private final ArenaAllocator arena;
    private final long header;
    private final long incarnation;
    private final long arrayTag;
    private final boolean sectorWrites;
    private final ByteBuffer entry = ByteBuffer.allocate(ENTRY_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
    private final ByteBuffer whole = ByteBuffer.allocate(LOG_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
    private final ByteBuffer head = ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
    /** Absolute offset of our granule, or 0 while none is placed. */
    private long placed;
    private long publishes;
    private long occurrences;
    private long evicted;

    ErrorLogWriter(ErrorLog log, SocketLayer layer, long arrayTag) {
        this.log = log;
        this.medium = layer.medium;
        this.arena = layer.blocks.arena;
        this.header = layer.geometry.nodeRecordOffset(layer.slot) + LOG_OFFSET_OFFSET;
        this.incarnation = layer.node.incarnation();
        this.arrayTag = arrayTag;
        this.sectorWrites = layer.ringPolicy.chunked();
    }

    /** Writes what changed since the last publish; places the log first if it has no granule. */
    synchronized void publish() {
        boolean place = placed == 0;
        ErrorLog.Snapshot s = log.takeChanges(place);
        if (s == null) {
            return;
        }
        if (place) {
            long at = arena.allocateTop(LOG_LENGTH);
            if (at < 0) {
                log.markAllDirty(); // no room now: the next round tries again
                return;
            }
            placed = at;
        }
        try {
            if (place) {
                whole.clear();
                for (int i = 0; i < ENTRIES; i++) {
                    fill(s, i);
                    whole.put(i * ENTRY_LENGTH, entry, 0, ENTRY_LENGTH);
                }
                medium.writeRelease(placed, whole.clear()); // unused entries zero: a ring's old bytes are no entries
            } else {
                for (int i = 0; i < ENTRIES; i++) {
                    if (s.entries()[i] != null) {
                        fill(s, i);
                        medium.writeRelease(placed + (long) i * ENTRY_LENGTH, entry.clear());
                    }
                }
            }
            occurrences = s.occurrences();
            evicted = s.evicted();
            writeHeader(placed);
        } catch (RuntimeException | Error e) {
            log.markAllDirty();
            throw e;
        }
    }

    private void fill(ErrorLog.Snapshot s, int i) {
        ErrorLog.Entry e = s.entries()[i];
        if (e == null) {
            for (int k = 0; k < ENTRY_LENGTH; k++) {
                entry.put(k, (byte) 0);
            }
            return;
        }
        long[] v = s.values()[i];
        ErrorLogCodec.encode(entry, e.kind, arrayTag, incarnation, e.hash, v[0], v[1], v[2], e.message);
    }

    private void writeHeader(long logOffset) {
        publishes++;
        head.clear();
        head.putLong(logOffset).putLong(incarnation).putLong(publishes).putLong(occurrences).putLong(evicted);
        if (sectorWrites) {
            medium.writeRelease(header, head.clear());
        } else {
            // the offset last: a placed log's entries are written before it, a cleared one given back after it
            for (int i = 1; i < HEADER_LENGTH / Long.BYTES; i++) {
                medium.putLongRelease(header + (long) i * Long.BYTES, head.getLong(i * Long.BYTES));
            }
            medium.putLongRelease(header, logOffset);
        }
    }

    /**
     * A ring needs room: gives our granule back (after clearing the header's offset).
     * Returns whether it did. Called by the thread allocating a ring.
     */
    synchronized boolean yieldRoom() {
        if (placed == 0) {
            return false;
        }
        long at = placed;
        placed = 0;
        writeHeader(0);
        arena.release(at, LOG_LENGTH);
        log.markAllDirty();
        return true;
    }
}
