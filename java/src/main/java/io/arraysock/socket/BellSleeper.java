package io.arraysock.socket;

import io.arraysock.api.IdleStrategy;
import io.arraysock.medium.Medium;

/**
 * A sleep on a bell word of the medium (a futex word another node wakes), capped: the
 * bells are bare wakes, so a ring that lands between a waiter's last look and its sleep is
 * lost, and the cap bounds what that loss costs. Only on a medium with wake-ups; elsewhere
 * {@link #canSleep()} is false and the idle strategy parks instead. A waiter says, right
 * before each sleep, the value the word must still hold ({@link #expectedValue}) and
 * whether to sleep at all ({@link #stillWaiting}).
 */
abstract class BellSleeper implements IdleStrategy.Sleeper {
    private final Medium medium;
    /** The bell: a word of the medium another node wakes. */
    private final long word;
    /** Longest sleep: what a lost ring costs at most. */
    private final long capNanos;

    BellSleeper(Medium medium, long word, long capNanos) {
        this.medium = medium;
        this.word = word;
        this.capNanos = capNanos;
    }

    /** Right before a sleep: the value the bell word must still hold for the sleep to begin. */
    abstract int expectedValue(Medium medium, long word);

    /** After {@link #expectedValue}: false when there is nothing to wait for any more. */
    boolean stillWaiting() {
        return true;
    }

    @Override
    public final boolean canSleep() {
        return medium.supportsWakeups();
    }

    @Override
    public final void sleep(long maxNanos) {
        int expected = expectedValue(medium, word);
        if (stillWaiting()) {
            medium.awaitChange(word, expected, Math.min(maxNanos, capNanos));
        }
    }
}
