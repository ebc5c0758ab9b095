package io.arraysock.format;

import java.nio.ByteBuffer;

/** Byte-range checks the codec fuzz oracles share. */
final class Bytes {
    private Bytes() {
    }

    /** Whether {@code b[from, from + length)} is all zero (absolute reads). */
    static boolean isZero(ByteBuffer b, int from, int length) {
        for (int i = from; i < from + length; i++) {
            if (b.get(i) != 0) {
                return false;
            }
        }
        return true;
    }
}
