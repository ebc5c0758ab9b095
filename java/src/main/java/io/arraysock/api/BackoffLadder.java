package io.arraysock.api;

/**
 * The spin, yield, park ladder both back-off waits climb ({@link BackoffIdleStrategy} for
 * one socket's wait, {@link PollingBackoff} for a thread that polls many): {@code
 * spinRounds} rounds of {@link Thread#onSpinWait}, {@code yieldRounds} of
 * {@link Thread#yield}, then parks starting at {@code minParkNanos} and doubling each round
 * up to {@code maxParkNanos}. The two differ in these constants only.
 */
record BackoffLadder(int spinRounds, int yieldRounds, long minParkNanos, long maxParkNanos) {
    /** Whether round {@code round} parks (rather than spins or yields). */
    boolean parks(int round) {
        return round >= spinRounds + yieldRounds;
    }

    /**
     * Round {@code round} of an idle wait: spins or yields in the early rounds and returns
     * 0; in later ones returns how long to park (uncapped), for the caller to cap and park.
     */
    long step(int round) {
        if (round < spinRounds) {
            Thread.onSpinWait();
            return 0;
        }
        if (round < spinRounds + yieldRounds) {
            Thread.yield();
            return 0;
        }
        return Math.min(maxParkNanos, minParkNanos << Math.min(round - spinRounds - yieldRounds, 20));
    }
}
