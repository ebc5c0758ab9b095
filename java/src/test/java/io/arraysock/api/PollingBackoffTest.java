package io.arraysock.api;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

/** The ladder of {@link PollingBackoff}: spin, yield, then parks doubling to the maximum, capped. */
class PollingBackoffTest {
    @Test
    void spinsYieldsThenParksDoublingUpToTheMaximum() {
        PollingBackoff b = new PollingBackoff(Duration.ofMillis(1));
        for (int i = 0; i < PollingBackoff.SPIN_ROUNDS + PollingBackoff.YIELD_ROUNDS; i++) {
            assertFalse(b.nextParks(), "round " + i);
            assertEquals(0, b.next(Long.MAX_VALUE), "round " + i + " spins or yields");
        }
        assertTrue(b.nextParks());
        long[] expected = {20_000, 40_000, 80_000, 160_000, 320_000, 640_000, 1_000_000, 1_000_000};
        for (long e : expected) {
            assertEquals(e, b.next(Long.MAX_VALUE));
        }
        assertEquals(1_000_000, b.next(Long.MAX_VALUE), "stays at the maximum");
        assertEquals(5_000, b.next(5_000), "never past the cap");
        assertEquals(0, b.next(-3), "a cap in the past: no park");
        b.reset();
        assertFalse(b.nextParks());
        assertEquals(0, b.next(Long.MAX_VALUE), "spins again after progress");
    }

    @Test
    void idleParksAtMostTheCapAndAMaximumBelowTheFirstParkIsRefused() {
        PollingBackoff b = new PollingBackoff();
        assertEquals(PollingBackoff.DEFAULT_MAX_PARK, b.maxPark());
        for (int i = 0; i < PollingBackoff.SPIN_ROUNDS + PollingBackoff.YIELD_ROUNDS + 30; i++) {
            b.idle(1_000_000, this);
        }
        long t0 = System.nanoTime();
        b.idle(2_000_000, this);
        assertTrue(System.nanoTime() - t0 < 500_000_000L, "parked about the maximum, not longer");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new PollingBackoff(Duration.ofNanos(19_999)));
        assertTrue(e.getMessage().contains("below 20 µs"), e.getMessage());
    }
}
