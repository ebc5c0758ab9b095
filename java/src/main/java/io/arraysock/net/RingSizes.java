package io.arraysock.net;

/**
 * Buffer sizes asked through JDK APIs (setSendBufferSize, SO_RCVBUF) become ring sizes. The
 * JDK treats them as hints the OS may round; the array's rings have hard limits, so a hint
 * outside them is rounded into them rather than refused, as the OS would.
 */
final class RingSizes {
    /** The socket layer's smallest ring (see ControlBlockDescriptor.MIN_RING_CAPACITY). */
    static final int MIN = (int) io.arraysock.format.ControlBlockDescriptor.MIN_RING_CAPACITY;
    static final int MAX = (int) io.arraysock.format.ControlBlockDescriptor.MAX_RING_CAPACITY;

    /** What a socket uses before it is told otherwise (the shm medium's default ring size). */
    static final int DEFAULT = io.arraysock.medium.RingPolicy.SHM_RING_SIZE;

    private RingSizes() {
    }

    static int clamp(int bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("buffer size must be positive: " + bytes);
        }
        return Math.max(MIN, Math.min(MAX, bytes));
    }
}
