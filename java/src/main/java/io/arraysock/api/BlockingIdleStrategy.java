package io.arraysock.api;

/**
 * Spins for a while, then sleeps: where the medium offers wake-ups (shm: a futex the peer
 * wakes when it moves), on the {@link Sleeper}; elsewhere (block) it parks with the
 * {@linkplain BackoffIdleStrategy back-off}'s growing intervals.
 */
public final class BlockingIdleStrategy implements IdleStrategy {
    static final long DEFAULT_SPIN_MICROS = 50;
    /** A sleeper re-checks this often even without a wake-up, so a lost wake costs little. */
    private static final long MAX_SLEEP_NANOS = 50_000_000;
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
        // the clock only every 8th round: a read costs as much as a look at the ring
        if ((round & 7) != 0 || System.nanoTime() - idleSince < spinNanos) {
            Thread.onSpinWait();
        } else if (sleeper.canSleep()) {
            sleeper.sleep(Math.min(maxNanos, MAX_SLEEP_NANOS));
        } else {
            BackoffIdleStrategy.backoff(round + BackoffIdleStrategy.SPIN_ROUNDS, maxNanos);
        }
    }

    @Override
    public String toString() {
        return "blocking(" + spinNanos / 1000 + "us)";
    }
}
