package io.arraysock.api;

/** Spins on {@link Thread#onSpinWait()}: the lowest latency, one core busy while waiting. */
public final class BusySpinIdleStrategy implements IdleStrategy {
    static final BusySpinIdleStrategy INSTANCE = new BusySpinIdleStrategy();

    private BusySpinIdleStrategy() {
    }

    @Override
    public void idle(int round, long idleSince, long maxNanos, Sleeper sleeper) {
        Thread.onSpinWait();
    }

    @Override
    public String toString() {
        return "busy_spin";
    }
}
