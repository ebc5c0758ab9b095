package io.arraysock.format;

import io.arraysock.medium.Medium;

/** Writes zeros over an owned region in large writes (few I/Os on the block medium). */
public final class Zeroing {
    private static final int CHUNK = 64 * 1024;

    private Zeroing() {
    }

    public static void zero(Medium m, long offset, long length) {
        byte[] zeros = new byte[(int) Math.min(CHUNK, length)];
        for (long done = 0; done < length; ) {
            int chunk = (int) Math.min(zeros.length, length - done);
            m.writeRelease(offset + done, zeros, 0, chunk);
            done += chunk;
        }
    }
}
