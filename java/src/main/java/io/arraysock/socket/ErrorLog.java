package io.arraysock.socket;

import io.arraysock.format.ErrorLogCodec;
import io.arraysock.format.ErrorLogDescriptor;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A node's distinct errors, in memory, as Aeron's {@code DistinctErrorLog} keeps them: each
 * distinct error (by kind, exception type and message with its digits masked, so "port
 * 7001" and "port 7002" are one) once, with its count and its first and last time on this
 * host's clock. At most {@link ErrorLogDescriptor#ENTRIES}: a new distinct error when all
 * are used replaces the least recently seen one (counted as evicted). Errors are rare and
 * come from any thread, so the methods are synchronized; {@link ErrorLogWriter} copies the
 * changed entries to the medium on the counters' cadence, never the thread that saw the error.
 */
public final class ErrorLog {
    /** One distinct error; the index of its entry on the medium never changes while it lives. */
    static final class Entry {
        final int index;
        final int kind;
        final String key;
        final long hash;
        final byte[] message;
        final long firstMillis;
        long count;
        long lastMillis;
        boolean dirty = true;

        Entry(int index, int kind, String key, byte[] message, long now) {
            this.index = index;
            this.kind = kind;
            this.key = key;
            this.hash = fnv1a(key);
            this.message = message;
            this.firstMillis = now;
            this.lastMillis = now;
        }
    }

    private final LongSupplier clock;
    private final Map<String, Entry> byKey = new HashMap<>();
    private final Entry[] entries = new Entry[ErrorLogDescriptor.ENTRIES];
    private long occurrences;
    private long evicted;
    private boolean headerDirty;

    ErrorLog(LongSupplier clockMillis) {
        this.clock = clockMillis;
    }

    public ErrorLog() {
        this(System::currentTimeMillis);
    }

    /** Logs {@code error} as kind {@code kind} ({@code ErrorLogDescriptor.KIND_*}). */
    public void add(int kind, Throwable error) {
        add(kind, error.getClass().getSimpleName() + ": " + error.getMessage());
    }

    /** Logs {@code message} as kind {@code kind}. */
    public synchronized void add(int kind, String message) {
        add(kind, message, 1, clock.getAsLong(), -1);
    }

    /** Logs {@code count} occurrences first seen at {@code first} and last at {@code last} (-1: now). */
    public synchronized void add(int kind, String message, long count, long first, long last) {
        String key = kind + ":" + masked(message);
        long now = last < 0 ? first : last;
        occurrences += count;
        headerDirty = true;
        Entry e = byKey.get(key);
        if (e == null) {
            e = new Entry(freeIndex(), kind, key, ErrorLogCodec.truncatedUtf8(message), first);
            entries[e.index] = e;
            byKey.put(key, e);
            e.count = count;
        } else {
            e.count += count;
        }
        e.lastMillis = Math.max(e.lastMillis, now);
        e.dirty = true;
    }

    private int freeIndex() {
        Entry oldest = null;
        for (int i = 0; i < entries.length; i++) {
            if (entries[i] == null) {
                return i;
            }
            if (oldest == null || entries[i].lastMillis < oldest.lastMillis) {
                oldest = entries[i];
            }
        }
        byKey.remove(oldest.key);
        evicted++;
        return oldest.index;
    }

    /** {@code message} with every run of digits as one '#': the key's part that stays across occurrences. */
    static String masked(String message) {
        StringBuilder b = new StringBuilder(message.length());
        boolean digits = false;
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            boolean d = c >= '0' && c <= '9';
            if (!d) {
                b.append(c);
            } else if (!digits) {
                b.append('#');
            }
            digits = d;
        }
        return b.toString();
    }

    static long fnv1a(String key) {
        long h = 0xcbf29ce484222325L;
        for (byte x : key.getBytes(StandardCharsets.UTF_8)) {
            h ^= x & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }

    /** The entries and header fields to publish: copies, taken under the lock; marks them clean. */
    synchronized Snapshot takeChanges(boolean all) {
        Entry[] changed = new Entry[entries.length];
        long[][] values = new long[entries.length][];
        boolean any = headerDirty || all;
        for (Entry e : entries) {
            if (e != null && (e.dirty || all)) {
                changed[e.index] = e;
                values[e.index] = new long[] {e.count, e.firstMillis, e.lastMillis};
                e.dirty = false;
                any = true;
            }
        }
        headerDirty = false;
        return any ? new Snapshot(changed, values, occurrences, evicted) : null;
    }

    /** Marks everything changed (the log moved, or a publish failed half-way). */
    synchronized void markAllDirty() {
        headerDirty = true;
        for (Entry e : entries) {
            if (e != null) {
                e.dirty = true;
            }
        }
    }

    /** What one publish writes: per entry index the entry and its count, first and last; then the header's totals. */
    record Snapshot(Entry[] entries, long[][] values, long occurrences, long evicted) {
    }

    /** Distinct errors now (for JMX and tests). */
    public synchronized int distinct() {
        return byKey.size();
    }
}
