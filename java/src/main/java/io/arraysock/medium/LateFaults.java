package io.arraysock.medium;

import java.io.IOException;

/**
 * The slow path of {@link ShmMedium#surfaceLateFault}: a SIGBUS was counted somewhere in
 * this process since the medium last looked. Finds whether it was this segment's (it is
 * now shorter than mapped: truncated), remembers that for good, and takes the JVM's
 * pending {@link InternalError} for this thread's faulting access, once per thread.
 */
final class LateFaults {
    private static final int DRAIN_ROUNDS = 4;
    private static final int DRAIN_WORDS = 1 << 20;
    /** Where {@link #truncation} allocates, so the allocation is not optimized away. */
    private static volatile long[] drain;

    private final Medium medium;
    /** Why the segment is unusable, once found truncated. */
    private volatile IOException truncatedBecause;
    /** Whether this thread drained its pending faults since {@link #truncatedBecause} was set. */
    private final ThreadLocal<Boolean> drainedHere = ThreadLocal.withInitial(() -> false);

    LateFaults(Medium medium) {
        this.medium = medium;
    }

    /**
     * Whether the fault was somewhere else in this process: the segment is whole. False once
     * it was found truncated (then {@link #truncation} says why).
     *
     * @throws MediumFaultException when the JVM raised the pending fault during the check
     */
    boolean elsewhere() {
        if (truncatedBecause != null) {
            return false;
        }
        try {
            medium.checkIntact();
            return true;
        } catch (IOException e) {
            truncatedBecause = e; // shrunk, or not even its size can be read
            return false;
        } catch (InternalError pending) {
            throw new MediumFaultException(medium.faultOf(pending));
        }
    }

    /**
     * After {@link #elsewhere} said false: the truncation, once this thread's pending fault
     * was taken. The JVM raises its pending InternalError for our faulting access on the way
     * out of a call into its runtime, such as an allocation too large for the thread's
     * buffer, or at a safepoint poll. Once per thread: later calls just fail.
     */
    IOException truncation() {
        IOException truncated = truncatedBecause;
        if (!drainedHere.get()) {
            drainedHere.set(true);
            try {
                for (int i = 0; i < DRAIN_ROUNDS; i++) {
                    drain = new long[DRAIN_WORDS];
                    Thread.yield();
                }
            } catch (InternalError pending) {
                truncated.addSuppressed(pending);
            }
        }
        return truncated;
    }
}
