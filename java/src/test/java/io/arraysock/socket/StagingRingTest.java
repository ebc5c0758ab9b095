package io.arraysock.socket;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StagingRingTest {
    @Test
    void bytesComeOutInOrderAcrossTheWrap() {
        StagingRing r = new StagingRing(64);
        SplittableRandom random = new SplittableRandom(3);
        byte next = 0;
        byte expected = 0;
        for (int round = 0; round < 1_000; round++) {
            ByteBuffer src = ByteBuffer.allocate(1 + random.nextInt(80));
            while (src.hasRemaining()) {
                src.put(next++);
            }
            src.flip();
            int offered = r.offer(src);
            assertEquals(Math.min(src.limit(), 64 - (int) (r.available() - offered)), offered, "what fits is taken");
            int n = (int) Math.min(r.available(), 1 + random.nextInt(50));
            ByteBuffer out = ByteBuffer.allocate(n);
            r.copyOut(out, n);
            r.take(n);
            assertEquals(n, out.position());
            for (int i = 0; i < n; i++) {
                assertEquals(expected++, out.get(i), "byte " + i + " of round " + round);
            }
            next = (byte) (expected + r.available()); // what was not taken is offered again
        }
    }

    @Test
    void aMessageIsStagedWholeWithItsLengthOrNotAtAll() {
        StagingRing r = new StagingRing(32);
        assertTrue(r.offerMessage(ByteBuffer.wrap(new byte[] {1, 2, 3})));
        assertEquals(7, r.available());
        assertEquals(3, r.messageLength(r.takenPosition()));
        assertFalse(r.offerMessage(ByteBuffer.wrap(new byte[22])), "4 + 22 > 32 - 7");
        assertEquals(7, r.available(), "a refused message stages nothing");
        r.take(7);
        // 7 + 4 + 18 = 29: the next message's length straddles the wrap (29, 30, 31, 0)
        assertTrue(r.offerMessage(ByteBuffer.wrap(new byte[18])));
        r.take(22);
        ByteBuffer big = ByteBuffer.allocate(20);
        big.put(0, (byte) 9).put(19, (byte) 8);
        assertTrue(r.offerMessage(big));
        assertEquals(20, r.messageLength(r.takenPosition()));
        ByteBuffer out = ByteBuffer.allocate(24);
        r.copyOut(out, 24);
        assertEquals(20, out.order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(0));
        assertEquals(9, out.get(4));
        assertEquals(8, out.get(23));
    }

    @Test
    void discardFreesEverything() {
        StagingRing r = new StagingRing(16);
        assertEquals(16, r.offer(ByteBuffer.allocate(40)));
        assertEquals(0, r.offer(ByteBuffer.allocate(1)));
        r.discard();
        assertEquals(0, r.available());
        assertEquals(16, r.offer(ByteBuffer.allocate(16)));
    }

    @Test
    void theCapacityIsAPowerOfTwo() {
        assertThrows(IllegalArgumentException.class, () -> new StagingRing(48));
    }
}
