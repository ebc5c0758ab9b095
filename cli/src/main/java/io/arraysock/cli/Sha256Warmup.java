package io.arraysock.cli;

import java.nio.ByteBuffer;

/**
 * Gets SHA-256 compiled before the first file is hashed. Until the JIT has compiled the
 * digest loop, SHA-256 runs interpreted, 50-100 times slower than the compiled code
 * (which uses the CPU's SHA instructions): the first MiB a fresh JVM hashes costs
 * 100-250 ms, a large part of a short backup. Started as a daemon thread while the
 * process attaches to the array and sets its session up (time spent waiting anyway), it
 * hashes a few MiB of zeros; nothing waits for it.
 */
final class Sha256Warmup {
    /** Enough 64-byte blocks, in large updates, for the JIT to compile the multi-block loop. */
    private static final int BYTES = 1 << 20;
    private static final int ROUNDS = 3;

    private Sha256Warmup() {
    }

    static void start() {
        Thread t = new Thread(() -> {
            // a direct buffer, as the pipe's: the same path through the digest
            ByteBuffer zeros = ByteBuffer.allocateDirect(BYTES);
            for (int i = 0; i < ROUNDS; i++) {
                BackupWire.sha256().update(zeros.duplicate());
            }
        }, "sha256-warmup");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }
}
