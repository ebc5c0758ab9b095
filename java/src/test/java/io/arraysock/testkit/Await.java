package io.arraysock.testkit;

import java.time.Duration;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.fail;

/** Waiting on a condition with a deadline, instead of sleeping and hoping it holds by then. */
public final class Await {
    private static final long POLL_MILLIS = 2;

    private Await() {
    }

    /** A condition that may read the medium or /proc, and so may throw. */
    @FunctionalInterface
    public interface Condition {
        boolean holds() throws Exception;
    }

    /**
     * Returns as soon as {@code c} holds; fails with {@code what} (asked only then, so it may
     * describe the last state seen) when it has not held by {@code timeout}.
     */
    public static void until(Duration timeout, Condition c, Supplier<String> what) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!c.holds()) {
            if (System.nanoTime() - deadline > 0) {
                fail("not within " + timeout + ": " + what.get());
            }
            Thread.sleep(POLL_MILLIS);
        }
    }
}
