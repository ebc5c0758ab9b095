package io.arraysock.socket;

import io.arraysock.medium.Medium;

import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static io.arraysock.format.ControlBlockDescriptor.*;

/**
 * The writing end of a single-producer/single-consumer ring in our arena. We alone write
 * the ring's bytes, the tail, the tx flags and the tx events word (in our control block);
 * the peer alone writes its head (in its control block). Positions are byte counts since
 * the connection began; the index in the ring is {@code position & (capacity - 1)}.
 *
 * <p>Hot path on shm: one copy in, one release store of the tail, and a look at the
 * peer's "waiting" word to decide whether it needs a futex wake. No allocation, no lock.
 * The peer's head is read only when the cached one says the ring is too full, and checked:
 * it may not pass our tail nor go backwards.
 *
 * <p>Message framing (seqpacket): a {@value #FRAME_HEADER}-byte little-endian length, then
 * the payload padded to {@value #FRAME_ALIGNMENT} bytes; a frame is published whole.
 */
final class RingProducer extends RingEnd {
    static final int FRAME_HEADER = 8;
    static final int FRAME_ALIGNMENT = 8;
    private static final long STAGE_MAX = 1 << 20;

    private final ByteBuffer frameHeader = ByteBuffer.allocateDirect(FRAME_HEADER).order(ByteOrder.LITTLE_ENDIAN);
    /**
     * Block medium only: a frame is assembled here and written with one transfer, rather
     * than its header and payload with one each.
     */
    private final ByteBuffer frameStage;
    private long tail;
    private long headCache;

    /**
     * @param ring      absolute offset of the ring's bytes (validated by the caller)
     * @param ownBlock  offset of our control block
     * @param peerBlock offset of the consumer's control block
     */
    RingProducer(Medium medium, long ring, long capacity, long ownBlock, long peerBlock) {
        super(medium, ring, capacity, txGroup(ownBlock), rxGroup(peerBlock));
        this.frameStage = medium.kind() == Medium.Kind.BLOCK
                ? ByteBuffer.allocateDirect((int) Math.min(capacity, STAGE_MAX)).order(ByteOrder.LITTLE_ENDIAN) : null;
        this.tail = initialPosition();
        this.headCache = tail;
    }

    /** Largest message a frame can carry in a ring of {@code capacity} bytes. */
    static int maxMessage(long capacity) {
        return (int) Math.min(Integer.MAX_VALUE - FRAME_ALIGNMENT, capacity - FRAME_HEADER);
    }

    static long frameLength(long payload) {
        return FRAME_HEADER + ((payload + FRAME_ALIGNMENT - 1) & -FRAME_ALIGNMENT);
    }

    /** Free bytes, reading the peer's head only when the cached value is not enough for {@code wanted}. */
    private long free(long wanted) throws SocketException {
        long free = capacity - (tail - headCache);
        if (free >= wanted) {
            return free;
        }
        long head = medium.getLongAcquire(peerPositionWord);
        if (head < headCache || head > tail) {
            throw new SocketException("Connection reset: the peer's read position " + head
                    + " is outside " + headCache + ".." + tail + " (damaged control block)");
        }
        headCache = head;
        return capacity - (tail - head);
    }

    /** Copies as many bytes of {@code src} as fit, publishes them, and returns the count (may be 0). */
    int offer(ByteBuffer src) throws SocketException {
        int remaining = src.remaining();
        if (remaining == 0) {
            return 0;
        }
        int n = (int) Math.min(remaining, free(remaining));
        if (n == 0) {
            return 0;
        }
        copy(tail, src, n, true);
        publish(tail + n);
        return n;
    }

    /** Publishes {@code src} as one frame if the ring has room for it; returns false otherwise. */
    boolean offerMessage(ByteBuffer src) throws SocketException {
        int length = src.remaining();
        long frame = frameLength(length);
        if (free(frame) < frame) {
            return false;
        }
        if (frameStage != null && frame <= frameStage.capacity()) {
            frameStage.clear().putLong(length).put(src).flip();
            copy(tail, frameStage, frameStage.remaining(), true);
        } else {
            frameHeader.clear();
            frameHeader.putLong(0, length);
            medium.writeRelease(ring + (tail & mask), frameHeader);
            copy(tail + FRAME_HEADER, src, length, true);
        }
        publish(tail + frame);
        return true;
    }

    private void publish(long newTail) {
        tail = newTail;
        advance(newTail);
    }

    /** Publishes end of stream after the last tail, and wakes the consumer. */
    void end() {
        raise(TX_FLAG_END);
    }

    /** Whether the consumer said it reads no more. */
    boolean peerShut() {
        return peerHasFlag(RX_FLAG_SHUT);
    }

    @Override
    long seenPeerPosition() {
        return headCache;
    }

    @Override
    boolean peerFinished() {
        return peerShut();
    }
}
