package io.arraysock.format;

import io.arraysock.api.ErrorEntry;
import io.arraysock.api.NodeErrors;
import io.arraysock.medium.Medium;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.CRC32C;

import static io.arraysock.format.ErrorLogDescriptor.*;

/**
 * Writes and reads the entries of a distinct-error log (docs/FORMAT.md, "Distinct-error
 * log"). Reading trusts nothing: the header's offset must name a granule of the slot's
 * arena, an entry needs its magic, a length that fits and its CRC32C (a log with a bad
 * entry is read again a few times: the writer may be mid-write), and a message is decoded
 * with malformed UTF-8 replaced.
 */
public final class ErrorLogCodec {
    private static final int READS = 5;
    private static final long REREAD_PAUSE_NANOS = 1_000_000;

    private ErrorLogCodec() {
    }

    /** Fills {@code entry} (ENTRY_LENGTH bytes, little-endian, absolute) with one sealed entry. */
    public static void encode(ByteBuffer entry, int kind, long arrayTag, long incarnation, long key, long count,
                              long firstMillis, long lastMillis, byte[] message) {
        int n = Math.min(message.length, MAX_MESSAGE);
        for (int i = 0; i < ENTRY_LENGTH; i++) {
            entry.put(i, (byte) 0);
        }
        entry.putInt(MAGIC_OFFSET, MAGIC).putShort(KIND_OFFSET, (short) kind).putShort(MESSAGE_LENGTH_OFFSET, (short) n)
                .putLong(ARRAY_TAG_OFFSET, arrayTag).putLong(ENTRY_INCARNATION_OFFSET, incarnation)
                .putLong(KEY_OFFSET, key).putLong(COUNT_OFFSET, count).putLong(FIRST_OFFSET, firstMillis)
                .putLong(LAST_OFFSET, lastMillis);
        entry.put(MESSAGE_OFFSET, message, 0, n);
        entry.putInt(CRC_OFFSET, crc(entry, n));
    }

    private static int crc(ByteBuffer entry, int messageLength) {
        CRC32C c = new CRC32C();
        c.update(entry.duplicate().position(0).limit(CRC_OFFSET));
        c.update(entry.duplicate().position(MESSAGE_OFFSET).limit(MESSAGE_OFFSET + messageLength));
        return (int) c.getValue();
    }

    /** {@code text}'s UTF-8, cut to at most {@link #MAX_MESSAGE} bytes at a character boundary. */
    public static byte[] truncatedUtf8(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        if (b.length <= MAX_MESSAGE) {
            return b;
        }
        int n = MAX_MESSAGE;
        while (n > 0 && (b[n] & 0xC0) == 0x80) { // b[n] starts the first character left out
            n--;
        }
        byte[] out = new byte[n];
        System.arraycopy(b, 0, out, 0, n);
        return out;
    }

    /**
     * Node {@code slot}'s log, or null when its header names none. {@code holder} is the
     * incarnation holding the slot now (0 when FREE); {@code arrayTag} the superblock uuid's
     * high half: entries of another formatting (arenas are not zeroed) are not shown.
     */
    public static NodeErrors read(Medium medium, Geometry g, int slot, long holder, long arrayTag) {
        ByteBuffer h = ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        medium.readAcquire(g.nodeRecordOffset(slot) + LOG_OFFSET_OFFSET, h);
        long offset = h.getLong(0);
        long incarnation = h.getLong(INCARNATION_OFFSET - LOG_OFFSET_OFFSET);
        long publishes = h.getLong(PUBLISHES_OFFSET - LOG_OFFSET_OFFSET);
        long occurrences = h.getLong(OCCURRENCES_OFFSET - LOG_OFFSET_OFFSET);
        long evicted = h.getLong(EVICTED_OFFSET - LOG_OFFSET_OFFSET);
        if (offset == 0 && incarnation == 0) {
            return null;
        }
        boolean current = holder != 0 && incarnation == holder;
        List<String> problems = new ArrayList<>();
        List<ErrorEntry> entries = new ArrayList<>();
        if (offset == 0) {
            problems.add("no log placed (its arena had no free granule)");
        } else if (!isLogOffset(g, slot, offset)) {
            problems.add("the header's log offset " + Long.toUnsignedString(offset) + " is not a granule of node "
                    + slot + "'s arena");
        } else {
            readEntries(medium, offset, holder, arrayTag, entries, problems);
        }
        entries.sort(Comparator.comparingLong(ErrorEntry::lastMillis).reversed());
        return new NodeErrors(slot, incarnation, current, publishes, occurrences, evicted, entries, problems);
    }

    private static void readEntries(Medium medium, long offset, long holder, long arrayTag, List<ErrorEntry> entries,
                                    List<String> problems) {
        ByteBuffer log = ByteBuffer.allocate(LOG_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        for (int read = 1; ; read++) {
            entries.clear();
            problems.clear();
            medium.readAcquire(offset, log.clear());
            for (int i = 0; i < ENTRIES; i++) {
                ByteBuffer e = log.slice(i * ENTRY_LENGTH, ENTRY_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
                String bad = decode(e, holder, arrayTag, entries);
                if (bad != null) {
                    problems.add("entry " + i + ": " + bad);
                }
            }
            if (problems.isEmpty() || read == READS) {
                return;
            }
            LockSupport.parkNanos(REREAD_PAUSE_NANOS);
        }
    }

    /** Adds entry {@code e} to {@code out} if it is one; returns why not when it is damaged (null: fine, or unused). */
    private static String decode(ByteBuffer e, long holder, long arrayTag, List<ErrorEntry> out) {
        int magic = e.getInt(MAGIC_OFFSET);
        if (magic != MAGIC) {
            return magic == 0 ? null : "no entry magic (0x" + Integer.toHexString(magic) + ")";
        }
        int n = Short.toUnsignedInt(e.getShort(MESSAGE_LENGTH_OFFSET));
        if (n > MAX_MESSAGE) {
            return "message length " + n + " exceeds " + MAX_MESSAGE;
        }
        if (e.getInt(CRC_OFFSET) != crc(e, n)) {
            return "checksum mismatch";
        }
        if (e.getLong(ARRAY_TAG_OFFSET) != arrayTag) {
            return null; // written before the array was formatted again: not this array's
        }
        long incarnation = e.getLong(ENTRY_INCARNATION_OFFSET);
        byte[] m = new byte[n];
        e.get(MESSAGE_OFFSET, m);
        out.add(new ErrorEntry(kindName(Short.toUnsignedInt(e.getShort(KIND_OFFSET))), e.getLong(KEY_OFFSET),
                e.getLong(COUNT_OFFSET), e.getLong(FIRST_OFFSET), e.getLong(LAST_OFFSET), incarnation,
                holder != 0 && incarnation == holder, utf8(m)));
        return null;
    }

    /** Decodes untrusted bytes: malformed or unmappable sequences become U+FFFD. */
    static String utf8(byte[] bytes) {
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        try {
            CharBuffer c = d.decode(ByteBuffer.wrap(bytes));
            return c.toString();
        } catch (CharacterCodingException impossible) {
            throw new IllegalStateException(impossible);
        }
    }
}
