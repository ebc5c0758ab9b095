package io.arraysock.api;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * How a thread that polls many sockets in rounds (an event loop, a selector) waits after a
 * round in which nothing moved: {@value #SPIN_ROUNDS} rounds of {@link Thread#onSpinWait},
 * {@value #YIELD_ROUNDS} of {@link Thread#yield}, then parking for an interval that starts
 * at {@link #MIN_PARK_NANOS} and doubles each round up to the maximum given, never past the
 * caller's cap (its next deadline). {@link LockSupport#unpark} of the thread ends a park
 * early. {@link #reset} after a round that made progress starts the ladder again (the
 * {@link BackoffLadder} of these constants).
 *
 * <p>One instance per polling thread (not thread-safe); it allocates nothing.
 */
public final class PollingBackoff {
    /** Idle rounds that only spin before yielding. */
    public static final int SPIN_ROUNDS = 64;
    /** Idle rounds (after spinning) that yield the CPU before parking. */
    public static final int YIELD_ROUNDS = 16;
    /** The first park; each further idle round doubles it up to the maximum. */
    public static final long MIN_PARK_NANOS = 20_000;
    /** The default longest park: how late, at worst, an idle poller sees new data. */
    public static final Duration DEFAULT_MAX_PARK = Duration.ofMillis(1);

    private final long maxParkNanos;
    private final BackoffLadder ladder;
    private int idleRounds;

    /** Parks at most {@link #DEFAULT_MAX_PARK}. */
    public PollingBackoff() {
        this(DEFAULT_MAX_PARK);
    }

    /**
     * Parks at most {@code maxPark}: shorter sees new data sooner, longer costs less CPU.
     *
     * @throws IllegalArgumentException below {@link #MIN_PARK_NANOS}
     */
    public PollingBackoff(Duration maxPark) {
        long nanos = maxPark.toNanos();
        if (nanos < MIN_PARK_NANOS) {
            throw new IllegalArgumentException("maximum park below " + MIN_PARK_NANOS / 1000 + " µs: " + maxPark);
        }
        this.maxParkNanos = nanos;
        this.ladder = new BackoffLadder(SPIN_ROUNDS, YIELD_ROUNDS, MIN_PARK_NANOS, nanos);
    }

    /** A round made progress: the next idle round spins again. */
    public void reset() {
        idleRounds = 0;
    }

    /** Whether the next idle round parks (rather than spins or yields): then a cap is worth computing. */
    public boolean nextParks() {
        return ladder.parks(idleRounds);
    }

    /**
     * One idle round without parking: spins or yields in the early rounds (returns 0); in
     * later ones returns how long to park, at most {@code capNanos} (0 when the cap is 0 or
     * less), for the caller to park itself (after a last look at its own wake-up flag).
     */
    public long next(long capNanos) {
        long park = ladder.step(idleRounds++);
        return park == 0 ? 0 : Math.min(park, Math.max(0, capNanos));
    }

    /** One idle round: {@link #next}, and parks the calling thread for what it says. */
    public void idle(long capNanos, Object blocker) {
        long park = next(capNanos);
        if (park > 0) {
            LockSupport.parkNanos(blocker, park);
        }
    }

    /** The longest park. */
    public Duration maxPark() {
        return Duration.ofNanos(maxParkNanos);
    }

    @Override
    public String toString() {
        return "PollingBackoff[spin " + SPIN_ROUNDS + ", yield " + YIELD_ROUNDS + ", park " + MIN_PARK_NANOS / 1000
                + " µs doubling to " + maxParkNanos / 1000 + " µs]";
    }
}
