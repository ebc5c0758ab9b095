package io.arraysock.format;

/**
 * Layout of a seqpacket frame in a shm ring (docs/FORMAT.md, "Frames"): the message's
 * length, then its bytes, padded so the next frame's length is 8-aligned. A frame may wrap
 * around the end of the ring; the producer publishes it whole (one tail store after it).
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                 payload length (u64, little-endian)           |  0
 *  +---------------------------------------------------------------+
 *  |                 payload ...                                   |  8
 *  +---------------------------------------------------------------+
 *  |                 zero to seven bytes of padding                |
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * On the block medium messages travel in chunk records instead ({@link ChunkDescriptor}).
 */
public final class FrameDescriptor {
    public static final int LENGTH_OFFSET = 0;
    public static final int PAYLOAD_OFFSET = LENGTH_OFFSET + Long.BYTES;
    /** Bytes before the payload. */
    public static final int HEADER_LENGTH = PAYLOAD_OFFSET;
    /** A frame's extent is a multiple of this. */
    public static final int ALIGNMENT = 8;

    private FrameDescriptor() {
    }

    /** The ring bytes a frame of {@code payload} bytes occupies. */
    public static long frameLength(long payload) {
        return HEADER_LENGTH + ((payload + ALIGNMENT - 1) & -ALIGNMENT);
    }
}
