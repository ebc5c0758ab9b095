package io.arraysock.socket;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The buffers the zero-copy calls hand out for one direction of a connection: a view of the
 * ring's memory where the medium maps it ({@link io.arraysock.medium.Medium#view}), and a
 * staging buffer of the socket's for what cannot be seen in place (a range that wraps at the
 * ring's end, a chunked ring, a medium that maps nothing). Each is one object reused for
 * every call: a call sets its position and limit, and {@link #retire} empties it (limit 0)
 * once the call is over, so a reference kept past it sees nothing. Made once per direction;
 * the staging buffer grows (to a power of two) only when a larger one is asked for. The
 * direction's thread's alone (one sender, one receiver).
 */
final class RingViews {
    /** The smallest staging buffer. */
    private static final int MIN_STAGING = 4096;

    private final ByteBuffer ring;
    private final boolean readOnly;
    private ByteBuffer staging;
    /** What {@link #staged} hands out: {@link #staging} itself, or a read-only view of it. */
    private ByteBuffer stagedView;

    /**
     * @param ring     the view of the ring's bytes, or null when the medium maps none
     * @param readOnly whether what is handed out is read-only (the receiving side)
     */
    RingViews(ByteBuffer ring, boolean readOnly) {
        this.ring = ring == null ? null : readOnly ? ring.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN) : ring;
        this.readOnly = readOnly;
        if (this.ring != null) {
            this.ring.limit(0);
        }
    }

    /** Whether the ring can be seen in place. */
    boolean inPlace() {
        return ring != null;
    }

    /** The ring's bytes at {@code index}, {@code length} of them (within the ring: the caller checked). */
    ByteBuffer ring(int index, int length) {
        ring.clear().position(index).limit(index + length);
        return ring;
    }

    /** The staging buffer to fill, cleared, its limit {@code length}. */
    ByteBuffer staging(int length) {
        if (staging == null || staging.capacity() < length) {
            int size = Math.max(MIN_STAGING, Integer.highestOneBit(Math.max(1, length - 1)) << 1);
            staging = ByteBuffer.allocateDirect(size < length ? length : size).order(ByteOrder.LITTLE_ENDIAN);
            stagedView = readOnly ? staging.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN) : staging;
        }
        staging.clear().limit(length);
        return staging;
    }

    /** The staging buffer's bytes {@code [0, length)} as handed out (read-only on the receiving side). */
    ByteBuffer staged(int length) {
        stagedView.clear().limit(length);
        return stagedView;
    }

    /** Empties whatever was handed out: the call is over. */
    void retire() {
        if (ring != null) {
            ring.limit(0);
        }
        if (staging != null) {
            staging.limit(0);
            stagedView.limit(0);
        }
    }
}
