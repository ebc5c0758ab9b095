package io.arraysock.socket;

import io.arraysock.format.ErrorLogCodec;
import io.arraysock.format.ErrorLogDescriptor;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The in-memory distinct-error log: one entry per distinct error, counts, times, eviction, truncation. */
class ErrorLogUnitTest {
    @Test
    void digitsAreMaskedSoOneErrorIsOneEntry() {
        AtomicLong clock = new AtomicLong(1000);
        ErrorLog log = new ErrorLog(clock::get);
        log.add(ErrorLogDescriptor.KIND_CONNECT, "nothing listens on port 7001");
        clock.set(2000);
        log.add(ErrorLogDescriptor.KIND_CONNECT, "nothing listens on port 7002");
        log.add(ErrorLogDescriptor.KIND_RESET, "nothing listens on port 7003"); // another kind: another error
        assertEquals(2, log.distinct());
        ErrorLog.Snapshot s = log.takeChanges(false);
        ErrorLog.Entry e = s.entries()[0];
        assertEquals("nothing listens on port 7001", new String(e.message, StandardCharsets.UTF_8), "the first message");
        assertArrayEquals(new long[] {2, 1000, 2000}, s.values()[0], "count, first, last");
        assertEquals(3, s.occurrences());
        assertNull(log.takeChanges(false), "nothing changed since");
        assertEquals("a # b #x#", ErrorLog.masked("a 12 b 3x45"));
    }

    @Test
    void aFullLogReplacesTheLeastRecentlySeen() {
        AtomicLong clock = new AtomicLong(0);
        ErrorLog log = new ErrorLog(clock::get);
        for (int i = 0; i < ErrorLogDescriptor.ENTRIES; i++) {
            clock.set(100 + i);
            log.add(ErrorLogDescriptor.KIND_OTHER, "error " + (char) ('a' + i));
        }
        clock.set(500);
        log.add(ErrorLogDescriptor.KIND_OTHER, "error a"); // seen again: now "error b" is the least recent
        log.add(ErrorLogDescriptor.KIND_OTHER, "error z");
        ErrorLog.Snapshot s = log.takeChanges(true);
        assertEquals(1, s.evicted());
        assertEquals("error z", new String(s.entries()[1].message, StandardCharsets.UTF_8), "took b's entry");
        assertEquals(ErrorLogDescriptor.ENTRIES, log.distinct());
    }

    @Test
    void aLongMessageIsCutAtACharacterBoundary() {
        String text = "x" + "é".repeat(ErrorLogDescriptor.MAX_MESSAGE); // 2 bytes each: the cut falls inside one
        byte[] b = ErrorLogCodec.truncatedUtf8(text);
        assertTrue(b.length <= ErrorLogDescriptor.MAX_MESSAGE && b.length >= ErrorLogDescriptor.MAX_MESSAGE - 1);
        String back = new String(b, StandardCharsets.UTF_8);
        assertTrue(text.startsWith(back) && !back.contains("\uFFFD"), back);
    }

    @Test
    void theTopGranuleIsTakenAndGivenBack() {
        ArenaAllocator a = new ArenaAllocator(1 << 20, 64 * 1024);
        long log = a.allocateTop(ErrorLogDescriptor.LOG_LENGTH);
        assertEquals((1 << 20) + 64 * 1024 - ErrorLogDescriptor.LOG_LENGTH, log);
        assertEquals(1 << 20, a.allocate(16 * 1024), "rings still start at the bottom");
        a.release(log, ErrorLogDescriptor.LOG_LENGTH);
        assertEquals(48 * 1024, a.freeBytes());
        assertEquals((1 << 20) + 16 * 1024, a.allocate(48 * 1024), "the freed granule coalesced");
    }
}
