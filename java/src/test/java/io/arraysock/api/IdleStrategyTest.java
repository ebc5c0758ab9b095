package io.arraysock.api;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The standard idle strategies: when each sleeps, and that none sleeps past the caller's deadline. */
class IdleStrategyTest {
    /** Counts sleeps and the longest one asked for. */
    private static final class RecordingSleeper implements IdleStrategy.Sleeper {
        final boolean canSleep;
        int sleeps;
        long longest;

        RecordingSleeper(boolean canSleep) {
            this.canSleep = canSleep;
        }

        @Override
        public void sleep(long maxNanos) {
            sleeps++;
            longest = Math.max(longest, maxNanos);
        }

        @Override
        public boolean canSleep() {
            return canSleep;
        }
    }

    @Test
    void blockingSpinsUntilItsSpinTimeThenSleepsOnTheSleeper() {
        RecordingSleeper sleeper = new RecordingSleeper(true);
        IdleStrategy blocking = IdleStrategy.blocking(1_000_000); // 1 s of spinning
        long now = System.nanoTime();
        for (int round = 0; round < 64; round++) {
            blocking.idle(round, now, Long.MAX_VALUE, sleeper);
        }
        assertEquals(0, sleeper.sleeps, "slept within its spin time");

        long longAgo = now - TimeUnit.SECONDS.toNanos(2);
        blocking.idle(8, longAgo, TimeUnit.MILLISECONDS.toNanos(3), sleeper);
        assertEquals(1, sleeper.sleeps, "did not sleep after its spin time");
        assertEquals(TimeUnit.MILLISECONDS.toNanos(3), sleeper.longest, "a sleep must not outlast the caller's deadline");
    }

    @Test
    void blockingWithoutWakeupsParksNoLongerThanTheDeadline() {
        RecordingSleeper noWakeups = new RecordingSleeper(false);
        long longAgo = System.nanoTime() - TimeUnit.SECONDS.toNanos(2);
        long start = System.nanoTime();
        IdleStrategy.blocking(0).idle(1 << 20, longAgo, TimeUnit.MICROSECONDS.toNanos(200), noWakeups);
        long took = System.nanoTime() - start;
        assertEquals(0, noWakeups.sleeps, "slept on a sleeper that cannot sleep");
        assertTrue(took < TimeUnit.MILLISECONDS.toNanos(500), "parked " + took + " ns for a 200 µs deadline");
    }

    @Test
    void withoutWakeupsEveryRoundPastTheFirstParks() {
        // without wake-ups each round is a device read: none may be a mere spin once parking began
        RecordingSleeper noWakeups = new RecordingSleeper(false);
        long longAgo = System.nanoTime() - TimeUnit.SECONDS.toNanos(2);
        long cap = TimeUnit.MILLISECONDS.toNanos(2);
        long start = System.nanoTime();
        for (int round = 9; round < 16; round++) { // none a multiple of 8
            IdleStrategy.blocking(0).idle(round, longAgo, cap, noWakeups);
        }
        long took = System.nanoTime() - start;
        assertTrue(took >= 6 * cap, "7 rounds past the spin time parked only " + took + " ns in all");
    }

    @Test
    void withoutWakeupsAParkIsAShareOfTheWaitSoFar() {
        assertEquals(TimeUnit.MICROSECONDS.toNanos(BlockingIdleStrategy.MIN_PARK_MICROS), BlockingIdleStrategy.parkNanos(0));
        assertEquals(TimeUnit.MILLISECONDS.toNanos(1) / BlockingIdleStrategy.PARK_SHARE,
                BlockingIdleStrategy.parkNanos(TimeUnit.MILLISECONDS.toNanos(1)));
        assertEquals(TimeUnit.MICROSECONDS.toNanos(BlockingIdleStrategy.MAX_PARK_MICROS),
                BlockingIdleStrategy.parkNanos(TimeUnit.SECONDS.toNanos(10)));
    }

    @Test
    void spinningStrategiesNeverSleep() {
        RecordingSleeper sleeper = new RecordingSleeper(true);
        long longAgo = System.nanoTime() - TimeUnit.SECONDS.toNanos(2);
        for (IdleStrategy s : new IdleStrategy[] {IdleStrategy.busySpin(), IdleStrategy.yielding()}) {
            for (int round = 0; round < 300; round++) {
                s.idle(round, longAgo, Long.MAX_VALUE, sleeper);
            }
        }
        assertEquals(0, sleeper.sleeps);
    }

    @Test
    void namesAndArguments() {
        assertEquals("busy_spin", IdleStrategy.busySpin().toString());
        assertEquals("blocking(50us)", IdleStrategy.blocking().toString());
        assertEquals("blocking(7us)", IdleStrategy.blocking(7).toString());
        assertThrows(IllegalArgumentException.class, () -> IdleStrategy.blocking(-1));
    }
}
