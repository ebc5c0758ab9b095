package io.arraysock.socket;

import io.arraysock.IdleStrategy;
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
final class RingConsumer implements IdleStrategy.Sleeper {
    /** Returned by {@link #pollMessage} when the ring holds no complete frame. */
    static final long EMPTY = -2;
    private static final long READ_AHEAD_MAX = 1 << 20;

    private final Medium medium;
    private final long ring;
    private final long capacity;
    private final long mask;
    private final long headWord;
    private final long waitingWord;
    private final long flagsWord;
    private final long eventsWord;
    private final long peerTailWord;
    private final long peerWaitingWord;
    private final long peerFlagsWord;
    private final long peerEventsWord;
    private final boolean wakeups;
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
    private int events;
    private int flags;

    RingConsumer(Medium medium, long ring, long capacity, long ownBlock, long peerBlock) {
        this.medium = medium;
        this.ring = ring;
        this.capacity = capacity;
        this.mask = capacity - 1;
        this.headWord = ownBlock + RX_HEAD_OFFSET;
        this.waitingWord = ownBlock + RX_WAITING_OFFSET;
        this.flagsWord = ownBlock + RX_FLAGS_OFFSET;
        this.eventsWord = ownBlock + RX_EVENTS_OFFSET;
        this.peerTailWord = peerBlock + TX_TAIL_OFFSET;
        this.peerWaitingWord = peerBlock + TX_WAITING_OFFSET;
        this.peerFlagsWord = peerBlock + TX_FLAGS_OFFSET;
        this.peerEventsWord = peerBlock + TX_EVENTS_OFFSET;
        this.wakeups = medium.supportsWakeups();
        this.readAhead = medium.kind() == Medium.Kind.BLOCK
                ? ByteBuffer.allocateDirect((int) Math.min(capacity, READ_AHEAD_MAX)) : null;
        this.head = medium.getLongAcquire(headWord);
        this.tailCache = head;
        this.events = medium.getIntAcquire(eventsWord);
        this.flags = medium.getIntAcquire(flagsWord);
    }

    long capacity() {
        return capacity;
    }

    /** Bytes readable now; reads the peer's tail only when the cached one shows none. */
    long available() throws SocketException {
        long avail = tailCache - head;
        if (avail > 0) {
            return avail;
        }
        long tail = medium.getLongAcquire(peerTailWord);
        if (tail < tailCache || tail - head > capacity) {
            throw new SocketException("Connection reset: the peer's write position " + tail
                    + " is outside " + tailCache + ".." + (head + capacity) + " (damaged control block)");
        }
        tailCache = tail;
        return tail - head;
    }

    /** Whether the peer ended its stream; bytes before the end may still be unread. */
    boolean peerEnded() {
        return (medium.getIntAcquire(peerFlagsWord) & TX_FLAG_END) != 0;
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
        copyOut(head, dst, n);
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
            copyOut(position, dst, n);
            return;
        }
        if (position < readAheadFrom || position + n > readAheadTo) {
            long to = Math.min(tailCache, position + readAhead.capacity());
            readAhead.clear().limit((int) (to - position));
            copyOut(position, readAhead, readAhead.limit());
            readAheadFrom = position;
            readAheadTo = to;
        }
        int at = dst.position();
        dst.put(at, readAhead, (int) (position - readAheadFrom), n);
        dst.position(at + n);
    }

    private void copyOut(long position, ByteBuffer dst, int n) {
        int index = (int) (position & mask);
        int first = (int) Math.min(n, capacity - index);
        int limit = dst.limit();
        dst.limit(dst.position() + first);
        medium.readAcquire(ring + index, dst);
        dst.limit(limit);
        if (first < n) {
            dst.limit(dst.position() + n - first);
            medium.readAcquire(ring, dst);
            dst.limit(limit);
        }
    }

    private void release(long newHead) {
        head = newHead;
        medium.putLongRelease(headWord, newHead);
        if (wakeups) {
            medium.fullFence();
            if (medium.getIntAcquire(peerWaitingWord) != 0) {
                signal();
            }
        }
    }

    private void signal() {
        medium.putIntRelease(eventsWord, ++events);
        if (wakeups) {
            medium.wake(eventsWord);
        }
    }

    /** Says we read no more (bytes sent after this are dropped by the producer), and wakes it. */
    void shut() {
        flags |= RX_FLAG_SHUT;
        medium.putIntRelease(flagsWord, flags);
        medium.fullFence();
        signal();
    }

    @Override
    public boolean canSleep() {
        return wakeups;
    }

    /** Sleeps until the producer signals (it published bytes, or ended its stream). */
    @Override
    public void sleep(long maxNanos) {
        medium.putIntRelease(waitingWord, 1);
        medium.fullFence();
        int seen = medium.getIntAcquire(peerEventsWord);
        if (medium.getLongAcquire(peerTailWord) == tailCache && !peerEnded()) {
            medium.awaitChange(peerEventsWord, seen, maxNanos);
        }
        medium.putIntRelease(waitingWord, 0);
    }
}
