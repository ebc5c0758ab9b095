package io.arraysock.medium;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Child process of {@link ShmMediumTest}: maps the segment named by args[0], sleeps on the
 * futex word at {@link #FLAG_OFFSET} until it changes, each sleep bounded by args[1]
 * milliseconds (the test passes one far longer than it waits itself, so only a wake can
 * end the sleep in time), then prints what it saw.
 *
 * <p>Lines: {@code waiting TID} (the kernel id of the thread that will sleep, so the parent
 * can see it enter the futex), then {@code saw FLAG PAYLOAD}, or {@code timeout}.
 */
public final class ShmFutexChild {
    static final long FLAG_OFFSET = 0;
    static final long PAYLOAD_OFFSET = 8;

    private ShmFutexChild() {
    }

    public static void main(String[] args) throws Exception {
        String path = args[0];
        long sleepNanos = Long.parseLong(args[1]) * 1_000_000L;
        try (ShmMedium m = ShmMedium.open(path)) {
            // /proc/thread-self is "PID/task/TID"
            System.out.println("waiting " + Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName());
            System.out.flush();
            long deadline = System.nanoTime() + sleepNanos;
            int flag;
            while ((flag = m.getIntAcquire(FLAG_OFFSET)) == 0) {
                if (System.nanoTime() > deadline) {
                    System.out.println("timeout");
                    System.exit(2);
                }
                m.awaitChange(FLAG_OFFSET, 0, sleepNanos);
            }
            System.out.println("saw " + flag + " " + m.getLongAcquire(PAYLOAD_OFFSET));
        }
    }
}
