package io.arraysock.api;

import java.util.concurrent.locks.LockSupport;

/**
 * Spins {@value #SPIN_ROUNDS} rounds, yields {@value #YIELD_ROUNDS}, then parks for
 * intervals doubling from 1 µs up to {@value #MAX_PARK_NANOS} ns, never past the caller's
 * deadline.
 */
public final class BackoffIdleStrategy implements IdleStrategy {
    static final int SPIN_ROUNDS = 100;
    static final int YIELD_ROUNDS = 100;
    static final long MAX_PARK_NANOS = 1_000_000;
    static final BackoffIdleStrategy INSTANCE = new BackoffIdleStrategy();

    private BackoffIdleStrategy() {
    }

    @Override
    public void idle(int round, long idleSince, long maxNanos, Sleeper sleeper) {
        backoff(round, maxNanos);
    }

    /** One round of the spin, yield, park ladder. */
    static void backoff(int round, long maxNanos) {
        if (round < SPIN_ROUNDS) {
            Thread.onSpinWait();
        } else if (round < SPIN_ROUNDS + YIELD_ROUNDS) {
            Thread.yield();
        } else {
            int shift = Math.min(round - SPIN_ROUNDS - YIELD_ROUNDS, 20);
            LockSupport.parkNanos(Math.max(1, Math.min(Math.min(1000L << shift, MAX_PARK_NANOS), maxNanos)));
        }
    }

    @Override
    public String toString() {
        return "backoff";
    }
}
