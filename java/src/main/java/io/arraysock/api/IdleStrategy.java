package io.arraysock.api;

/**
 * How a socket waits when it can make no progress: no data to receive, no ring space to
 * send, no connection to accept. Chosen per socket or per array. The standard ones:
 *
 * <ul>
 * <li>{@link #busySpin()}: lowest latency, one core busy while waiting.
 * <li>{@link #yielding()}: spins briefly, then yields the core to other threads.
 * <li>{@link #backoff()}: spins, yields, then parks for growing intervals (up to 1 ms).
 * <li>{@link #blocking()}: spins for {@value BlockingIdleStrategy#DEFAULT_SPIN_MICROS} µs (a
 * cross-core wake-up costs ~30 µs, so a short spin catches most hand-offs), then sleeps: on
 * the shm medium on a futex, so an idle socket uses no CPU and wakes as soon as the peer
 * signals; on the block medium, which has no cross-host signal, by parking for a share of
 * the wait so far (1/16, from 20 µs up to 4 ms), so an idle socket costs a few percent of a
 * core and the first message after a pause of T is seen at most T/16 late.
 * </ul>
 *
 * An implementation must be safe for many threads (one instance may serve every socket of
 * an array); the standard ones are immutable.
 */
public interface IdleStrategy {

    /** What a caller can offer to sleep on: a word the peer will change and wake. */
    interface Sleeper {
        /**
         * Sleeps until the peer signals progress or {@code maxNanos} pass. Only called when
         * {@link #canSleep()} is true.
         */
        void sleep(long maxNanos);

        /** Whether a real sleep (futex) is possible here. */
        boolean canSleep();
    }

    /**
     * Waits a little. {@code round} counts the idle rounds since the last progress (0 on
     * the first); {@code idleSince} is {@link System#nanoTime()} at round 0;
     * {@code maxNanos} caps any sleep (the caller's deadline). May return early: the caller
     * looks again and calls once more with the next round.
     */
    void idle(int round, long idleSince, long maxNanos, Sleeper sleeper);

    static IdleStrategy busySpin() {
        return BusySpinIdleStrategy.INSTANCE;
    }

    static IdleStrategy yielding() {
        return YieldingIdleStrategy.INSTANCE;
    }

    static IdleStrategy backoff() {
        return BackoffIdleStrategy.INSTANCE;
    }

    /** Spin {@value BlockingIdleStrategy#DEFAULT_SPIN_MICROS} µs, then sleep (futex on shm, parking on block). */
    static IdleStrategy blocking() {
        return BlockingIdleStrategy.DEFAULT;
    }

    /** Spin for {@code spinMicros}, then sleep. */
    static IdleStrategy blocking(long spinMicros) {
        return new BlockingIdleStrategy(spinMicros);
    }
}
