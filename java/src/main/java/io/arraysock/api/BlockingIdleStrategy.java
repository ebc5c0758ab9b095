package io.arraysock.api;

import java.util.concurrent.locks.LockSupport;

/**
 * Spins for a while, then sleeps: where the medium offers wake-ups (shm: a futex the peer
 * wakes when it moves), on the {@link Sleeper}; elsewhere (block) it parks, each round for a
 * share of the time the wait has lasted ({@link #parkNanos}).
 *
 * <p>Why a share: without wake-ups every round is a look at the device (a sector read,
 * ~100 µs of CPU through a loop device). Parking 1/{@value #PARK_SHARE} of the wait so far
 * keeps a wait for a busy peer's answer quick (a 400 µs round trip is seen within ~25 µs
 * of its arrival) and makes a long idle wait cheap: past 64 ms a round every
 * {@value #MAX_PARK_MICROS} µs, a few percent of a core, and the first message after a
 * pause of T arrives at most T/{@value #PARK_SHARE} late.
 */
public final class BlockingIdleStrategy implements IdleStrategy {
    static final long DEFAULT_SPIN_MICROS = 50;
    /** A sleeper re-checks this often even without a wake-up, so a lost wake costs little. */
    private static final long MAX_SLEEP_NANOS = 50_000_000;
    /** Without wake-ups a round parks for the wait so far divided by this. */
    static final int PARK_SHARE = 16;
    static final long MIN_PARK_MICROS = 20;
    static final long MAX_PARK_MICROS = 4_000;
    static final BlockingIdleStrategy DEFAULT = new BlockingIdleStrategy(DEFAULT_SPIN_MICROS);

    private final long spinNanos;

    BlockingIdleStrategy(long spinMicros) {
        if (spinMicros < 0) {
            throw new IllegalArgumentException("spin time must not be negative: " + spinMicros);
        }
        this.spinNanos = spinMicros * 1000;
    }

    @Override
    public void idle(int round, long idleSince, long maxNanos, Sleeper sleeper) {
        // while spinning the clock is read every 8th round only (a read costs as much as a
        // look at the ring); past the first rounds without wake-ups, every round may park,
        // since each look there is a device read
        if ((round & 7) != 0 && (round < 8 || sleeper.canSleep())) {
            Thread.onSpinWait();
            return;
        }
        long waited = System.nanoTime() - idleSince;
        if (waited < spinNanos) {
            Thread.onSpinWait();
        } else if (sleeper.canSleep()) {
            sleeper.sleep(Math.min(maxNanos, MAX_SLEEP_NANOS));
        } else {
            LockSupport.parkNanos(Math.max(1, Math.min(parkNanos(waited), maxNanos)));
        }
    }

    /** How long a round without wake-ups parks once the wait has lasted {@code waited} ns. */
    static long parkNanos(long waited) {
        return Math.max(MIN_PARK_MICROS * 1000, Math.min(MAX_PARK_MICROS * 1000, waited / PARK_SHARE));
    }

    @Override
    public String toString() {
        return "blocking(" + spinNanos / 1000 + "us)";
    }
}
