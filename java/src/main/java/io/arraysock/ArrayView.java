package io.arraysock;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A heap buffer over the caller's last array, reused while the array repeats, so the
 * {@code byte[]} calls of {@link ArraySocket} allocate nothing per call in the usual case
 * (one buffer array, used again and again). One per direction of a socket: the socket's
 * thread-safety rule (one sender, one receiver at a time) is what makes it safe.
 */
final class ArrayView {
    private ByteBuffer buffer;

    /** A buffer over {@code array[offset, offset + length)}, positioned there. */
    ByteBuffer over(byte[] array, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, array.length);
        ByteBuffer b = buffer;
        if (b == null || b.array() != array) {
            b = ByteBuffer.wrap(array);
            buffer = b;
        }
        b.limit(offset + length).position(offset);
        return b;
    }

    /** Lets go of the last array (on close: the socket must not keep the caller's memory). */
    void release() {
        buffer = null;
    }
}
