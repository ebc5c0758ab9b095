package io.arraysock.format;

import java.util.concurrent.locks.LockSupport;

/**
 * How often, and how patiently, a reader re-reads a record whose seal does not match: it
 * may be caught half-written by its owner, whose write takes microseconds. After
 * {@link #ATTEMPTS} reads the record is declared corrupt.
 */
public final class SealedRead {
    public static final int ATTEMPTS = 5;
    private static final long PAUSE_NANOS = 200_000;

    private SealedRead() {
    }

    /** Waits before attempt {@code attempt} (0-based; no wait before the first). */
    public static void pause(int attempt) {
        if (attempt > 0) {
            LockSupport.parkNanos(PAUSE_NANOS * attempt);
        }
    }
}
