package io.arraysock.medium;

/**
 * Child process of {@link ShmMediumTest}: maps the segment named by args[0], sleeps on the
 * futex word at {@link #FLAG_OFFSET} until it changes, then prints what it saw.
 */
public final class ShmFutexChild {
    static final long FLAG_OFFSET = 0;
    static final long PAYLOAD_OFFSET = 8;
    private static final long SLEEP_NANOS = 30_000_000_000L;

    private ShmFutexChild() {
    }

    public static void main(String[] args) throws Exception {
        try (ShmMedium m = ShmMedium.open(args[0])) {
            System.out.println("waiting");
            System.out.flush();
            long deadline = System.nanoTime() + SLEEP_NANOS;
            int flag;
            while ((flag = m.getIntAcquire(FLAG_OFFSET)) == 0) {
                if (System.nanoTime() > deadline) {
                    System.out.println("timeout");
                    System.exit(2);
                }
                m.awaitChange(FLAG_OFFSET, 0, SLEEP_NANOS);
            }
            System.out.println("saw " + flag + " " + m.getLongAcquire(PAYLOAD_OFFSET));
        }
    }
}
