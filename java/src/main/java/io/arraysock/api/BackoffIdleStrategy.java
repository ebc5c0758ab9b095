package io.arraysock.api;

import java.util.concurrent.locks.LockSupport;

/**
 * Spins {@value #SPIN_ROUNDS} rounds, yields {@value #YIELD_ROUNDS}, then parks for
 * intervals doubling from 1 µs up to {@value #MAX_PARK_NANOS} ns, never past the caller's
 * deadline (the {@link BackoffLadder} of these constants).
 */
public final class BackoffIdleStrategy implements IdleStrategy {
    static final int SPIN_ROUNDS = 100;
    static final int YIELD_ROUNDS = 100;
    static final long MAX_PARK_NANOS = 1_000_000;
    static final BackoffIdleStrategy INSTANCE = new BackoffIdleStrategy();
    private static final BackoffLadder LADDER = new BackoffLadder(SPIN_ROUNDS, YIELD_ROUNDS, 1000, MAX_PARK_NANOS);

    private BackoffIdleStrategy() {
    }

    @Override
    public void idle(int round, long idleSince, long maxNanos, Sleeper sleeper) {
        long park = LADDER.step(round);
        if (park > 0) {
            LockSupport.parkNanos(Math.max(1, Math.min(park, maxNanos)));
        }
    }

    @Override
    public String toString() {
        return "backoff";
    }
}
