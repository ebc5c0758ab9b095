package io.arraysock.api;

import java.util.concurrent.locks.LockSupport;

/**
 * How a socket waits when it can make no progress: no data to receive, no ring space to
 * send, no connection to accept. Chosen per socket or per array.
 *
 * <ul>
 * <li>{@link #busySpin()}: lowest latency, one core busy while waiting.
 * <li>{@link #yielding()}: spins briefly, then yields the core to other threads.
 * <li>{@link #backoff()}: spins, yields, then parks for growing intervals (up to 1 ms).
 * <li>{@link #blocking()}: spins for {@value #DEFAULT_SPIN_MICROS} µs (a cross-core wake-up
 * costs ~30 µs, so a short spin catches most hand-offs), then sleeps: on the shm medium on
 * a futex, so an idle socket uses no CPU and wakes as soon as the peer signals; on the
 * block medium, which has no cross-host signal, by parking with back-off.
 * </ul>
 *
 * Instances are immutable and may be shared.
 */
public final class IdleStrategy {
    static final long DEFAULT_SPIN_MICROS = 50;
    private static final int SPIN_ROUNDS = 100;
    private static final int YIELD_ROUNDS = 100;
    private static final long MAX_PARK_NANOS = 1_000_000;
    /** A sleeper re-checks this often even without a wake-up, so a lost wake costs little. */
    private static final long MAX_SLEEP_NANOS = 50_000_000;

    /** What a caller can offer to sleep on: a word the peer will change and wake. */
    public interface Sleeper {
        /**
         * Sleeps until the peer signals progress or {@code maxNanos} pass. Only called when
         * {@link #canSleep()} is true.
         */
        void sleep(long maxNanos);

        /** Whether a real sleep (futex) is possible here. */
        boolean canSleep();
    }

    private enum Kind { BUSY_SPIN, YIELDING, BACKOFF, BLOCKING }

    private static final IdleStrategy BUSY_SPIN = new IdleStrategy(Kind.BUSY_SPIN, 0);
    private static final IdleStrategy YIELDING = new IdleStrategy(Kind.YIELDING, 0);
    private static final IdleStrategy BACKOFF = new IdleStrategy(Kind.BACKOFF, 0);
    private static final IdleStrategy BLOCKING = new IdleStrategy(Kind.BLOCKING, DEFAULT_SPIN_MICROS * 1000);

    private final Kind kind;
    private final long spinNanos;

    private IdleStrategy(Kind kind, long spinNanos) {
        this.kind = kind;
        this.spinNanos = spinNanos;
    }

    public static IdleStrategy busySpin() {
        return BUSY_SPIN;
    }

    public static IdleStrategy yielding() {
        return YIELDING;
    }

    public static IdleStrategy backoff() {
        return BACKOFF;
    }

    /** Spin {@value #DEFAULT_SPIN_MICROS} µs, then sleep (futex on shm, parking on block). */
    public static IdleStrategy blocking() {
        return BLOCKING;
    }

    /** Spin for {@code spinMicros}, then sleep. */
    public static IdleStrategy blocking(long spinMicros) {
        if (spinMicros < 0) {
            throw new IllegalArgumentException("spin time must not be negative: " + spinMicros);
        }
        return new IdleStrategy(Kind.BLOCKING, spinMicros * 1000);
    }

    /**
     * Waits a little. {@code round} counts the idle rounds since the last progress (0 on
     * the first); {@code idleSince} is {@link System#nanoTime()} at round 0;
     * {@code maxNanos} caps any sleep (the caller's deadline).
     */
    public void idle(int round, long idleSince, long maxNanos, Sleeper sleeper) {
        switch (kind) {
            case BUSY_SPIN -> Thread.onSpinWait();
            case YIELDING -> {
                if (round < SPIN_ROUNDS) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                }
            }
            case BACKOFF -> backoff(round, maxNanos);
            case BLOCKING -> {
                // the clock only every 8th round: a read costs as much as a look at the ring
                if ((round & 7) != 0 || System.nanoTime() - idleSince < spinNanos) {
                    Thread.onSpinWait();
                } else if (sleeper.canSleep()) {
                    sleeper.sleep(Math.min(maxNanos, MAX_SLEEP_NANOS));
                } else {
                    backoff(round + SPIN_ROUNDS, maxNanos);
                }
            }
        }
    }

    private static void backoff(int round, long maxNanos) {
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
        return kind == Kind.BLOCKING ? "blocking(" + spinNanos / 1000 + "us)" : kind.name().toLowerCase(java.util.Locale.ROOT);
    }
}
