package io.arraysock.socket;

import io.arraysock.medium.Medium;

import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static io.arraysock.format.ControlBlockDescriptor.*;

/**
 * The reading end of the peer's ring. We alone write the head, the rx flags and the rx
 * events word (in our control block); the peer alone writes the bytes, the tail and its tx
 * flags. Everything read from the peer is checked before use: the tail may not go
 * backwards nor run more than a capacity ahead of our head, and a frame's length may not
 * exceed the largest message nor what the tail covers.
 */
final class RingConsumer extends RingEnd {
    /** Returned by {@link #pollMessage} when the ring holds no complete frame. */
    static final long EMPTY = -2;
    private static final long READ_AHEAD_MAX = 1 << 20;

    private final ByteBuffer frameHeader = ByteBuffer.allocateDirect(RingProducer.FRAME_HEADER).order(ByteOrder.LITTLE_ENDIAN);
    /**
     * Block medium only: ring bytes read ahead in one transfer, so a run of small frames
     * costs one read rather than two per frame. Bytes in [head, tail) cannot change until
     * we release them, so what was read ahead stays valid.
     */
    private final ByteBuffer readAhead;
    private long readAheadFrom;
    private long readAheadTo;
    private long head;
    private long tailCache;
    /**
     * Block medium only: the head is published once this many bytes were consumed since it
     * last was, and always before we wait ({@link #publishHead}). A head write is a sector
     * write, as costly as a 64 KiB payload transfer on a loop device; holding it back costs
     * the producer nothing while the ring has room, and never strands it, since we publish
     * before we idle.
     */
    private final long releaseEvery;
    private long publishedHead;

    RingConsumer(Medium medium, long ring, long capacity, long ownBlock, long peerBlock) {
        super(medium, ring, capacity, rxGroup(ownBlock), txGroup(peerBlock));
        this.readAhead = medium.kind() == Medium.Kind.BLOCK
                ? ByteBuffer.allocateDirect((int) Math.min(capacity, READ_AHEAD_MAX)) : null;
        this.head = initialPosition();
        this.tailCache = head;
        this.publishedHead = head;
        this.releaseEvery = medium.kind() == Medium.Kind.BLOCK ? capacity / 4 : 0;
    }

    /** Bytes readable now; reads the peer's tail only when the cached one shows none. */
    long available() throws SocketException {
        long avail = tailCache - head;
        if (avail > 0) {
            return avail;
        }
        long tail = medium.getLongAcquire(peerPositionWord);
        if (tail < tailCache || tail - head > capacity) {
            throw new SocketException("Connection reset: the peer's write position " + tail
                    + " is outside " + tailCache + ".." + (head + capacity) + " (damaged control block)");
        }
        tailCache = tail;
        return tail - head;
    }

    /** Whether the peer ended its stream; bytes before the end may still be unread. */
    boolean peerEnded() {
        return peerHasFlag(TX_FLAG_END);
    }

    /** Copies up to {@code dst.remaining()} available bytes; returns the count (0 if none). */
    int poll(ByteBuffer dst) throws SocketException {
        int wanted = dst.remaining();
        if (wanted == 0) {
            return 0;
        }
        int n = (int) Math.min(wanted, available());
        if (n == 0) {
            return 0;
        }
        copy(head, dst, n, false);
        release(head + n);
        return n;
    }

    /**
     * Takes one whole frame into {@code dst}.
     *
     * @return the message length, or {@link #EMPTY}. A length larger than
     *     {@code dst.remaining()} means nothing was taken, unless {@code truncate}, which takes
     *     the frame and drops what does not fit.
     */
    long pollMessage(ByteBuffer dst, int maxMessage, boolean truncate) throws SocketException {
        long avail = available();
        if (avail < RingProducer.FRAME_HEADER) {
            if (avail != 0) {
                throw new SocketException("Connection reset: the peer published " + avail + " bytes, less than a frame header");
            }
            return EMPTY;
        }
        frameHeader.clear();
        copyFrame(head, frameHeader, RingProducer.FRAME_HEADER);
        long length = frameHeader.getLong(0);
        long frame = RingProducer.frameLength(length);
        if (length < 0 || length > maxMessage || frame > avail) {
            throw new SocketException("Connection reset: the peer wrote a message length of " + length
                    + " bytes with " + avail + " bytes published (max " + maxMessage + "; damaged ring)");
        }
        int room = dst.remaining();
        if (length > room && !truncate) {
            return length;
        }
        int n = (int) Math.min(length, room);
        copyFrame(head + RingProducer.FRAME_HEADER, dst, n);
        release(head + frame);
        return length;
    }

    /** Copies frame bytes, through the read-ahead buffer where there is one and they fit it. */
    private void copyFrame(long position, ByteBuffer dst, int n) {
        if (readAhead == null || n > readAhead.capacity()) {
            copy(position, dst, n, false);
            return;
        }
        if (position < readAheadFrom || position + n > readAheadTo) {
            long to = Math.min(tailCache, position + readAhead.capacity());
            readAhead.clear().limit((int) (to - position));
            copy(position, readAhead, readAhead.limit(), false);
            readAheadFrom = position;
            readAheadTo = to;
        }
        int at = dst.position();
        dst.put(at, readAhead, (int) (position - readAheadFrom), n);
        dst.position(at + n);
    }

    private void release(long newHead) {
        head = newHead;
        if (newHead - publishedHead >= releaseEvery) {
            publishedHead = newHead;
            advance(newHead);
        }
    }

    /** Publishes a head held back (block medium); called before waiting, so the producer sees all the room there is. */
    void publishHead() {
        if (head != publishedHead) {
            publishedHead = head;
            advance(head);
        }
    }

    /** Says we read no more (bytes sent after this are dropped by the producer), and wakes it. */
    void shut() {
        publishHead();
        raise(RX_FLAG_SHUT);
    }

    @Override
    long seenPeerPosition() {
        return tailCache;
    }

    @Override
    boolean peerFinished() {
        return peerEnded();
    }
}
