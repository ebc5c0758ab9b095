package io.arraysock.api;

/** Spins {@value BackoffIdleStrategy#SPIN_ROUNDS} rounds, then yields the core on every round. */
public final class YieldingIdleStrategy implements IdleStrategy {
    static final YieldingIdleStrategy INSTANCE = new YieldingIdleStrategy();

    private YieldingIdleStrategy() {
    }

    @Override
    public void idle(int round, long idleSince, long maxNanos, Sleeper sleeper) {
        if (round < BackoffIdleStrategy.SPIN_ROUNDS) {
            Thread.onSpinWait();
        } else {
            Thread.yield();
        }
    }

    @Override
    public String toString() {
        return "yielding";
    }
}
