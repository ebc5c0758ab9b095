package io.arraysock.socket;

import io.arraysock.IdleStrategy;
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
final class RingProducer implements IdleStrategy.Sleeper {
    static final int FRAME_HEADER = 8;
    static final int FRAME_ALIGNMENT = 8;
    private static final long STAGE_MAX = 1 << 20;

    private final Medium medium;
    private final long ring;
    private final long capacity;
    private final long mask;
    private final long tailWord;
    private final long waitingWord;
    private final long flagsWord;
    private final long eventsWord;
    private final long peerHeadWord;
    private final long peerWaitingWord;
    private final long peerFlagsWord;
    private final long peerEventsWord;
    private final boolean wakeups;
    private final ByteBuffer frameHeader = ByteBuffer.allocateDirect(FRAME_HEADER).order(ByteOrder.LITTLE_ENDIAN);

    /**
     * Block medium only: a frame is assembled here and written with one transfer, rather
     * than its header and payload with one each.
     */
    private final ByteBuffer frameStage;
    private long tail;
    private long headCache;
    private int events;
    private int flags;

    /**
     * @param ring      absolute offset of the ring's bytes (validated by the caller)
     * @param ownBlock  offset of our control block
     * @param peerBlock offset of the consumer's control block
     */
    RingProducer(Medium medium, long ring, long capacity, long ownBlock, long peerBlock) {
        this.medium = medium;
        this.ring = ring;
        this.capacity = capacity;
        this.mask = capacity - 1;
        this.tailWord = ownBlock + TX_TAIL_OFFSET;
        this.waitingWord = ownBlock + TX_WAITING_OFFSET;
        this.flagsWord = ownBlock + TX_FLAGS_OFFSET;
        this.eventsWord = ownBlock + TX_EVENTS_OFFSET;
        this.peerHeadWord = peerBlock + RX_HEAD_OFFSET;
        this.peerWaitingWord = peerBlock + RX_WAITING_OFFSET;
        this.peerFlagsWord = peerBlock + RX_FLAGS_OFFSET;
        this.peerEventsWord = peerBlock + RX_EVENTS_OFFSET;
        this.wakeups = medium.supportsWakeups();
        this.frameStage = medium.kind() == Medium.Kind.BLOCK
                ? ByteBuffer.allocateDirect((int) Math.min(capacity, STAGE_MAX)).order(ByteOrder.LITTLE_ENDIAN) : null;
        this.tail = medium.getLongAcquire(tailWord);
        this.headCache = tail;
        this.events = medium.getIntAcquire(eventsWord);
        this.flags = medium.getIntAcquire(flagsWord);
    }

    long capacity() {
        return capacity;
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
        long head = medium.getLongAcquire(peerHeadWord);
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
        copyIn(tail, src, n);
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
            copyIn(tail, frameStage, frameStage.remaining());
        } else {
            frameHeader.clear();
            frameHeader.putLong(0, length);
            medium.writeRelease(ring + (tail & mask), frameHeader);
            copyIn(tail + FRAME_HEADER, src, length);
        }
        publish(tail + frame);
        return true;
    }

    private void copyIn(long position, ByteBuffer src, int n) {
        int index = (int) (position & mask);
        int first = (int) Math.min(n, capacity - index);
        int limit = src.limit();
        src.limit(src.position() + first);
        medium.writeRelease(ring + index, src);
        src.limit(limit);
        if (first < n) {
            src.limit(src.position() + n - first);
            medium.writeRelease(ring, src);
            src.limit(limit);
        }
    }

    private void publish(long newTail) {
        tail = newTail;
        medium.putLongRelease(tailWord, newTail);
        if (wakeups) {
            medium.fullFence();
            if (medium.getIntAcquire(peerWaitingWord) != 0) {
                signal();
            }
        }
    }

    /** Tells a sleeping consumer to look again: bumps our events word and wakes it. */
    private void signal() {
        medium.putIntRelease(eventsWord, ++events);
        if (wakeups) {
            medium.wake(eventsWord);
        }
    }

    /** Publishes end of stream after the last tail, and wakes the consumer. */
    void end() {
        flags |= TX_FLAG_END;
        medium.putIntRelease(flagsWord, flags);
        medium.fullFence();
        signal();
    }

    /** Whether the consumer said it reads no more. */
    boolean peerShut() {
        return (medium.getIntAcquire(peerFlagsWord) & RX_FLAG_SHUT) != 0;
    }

    @Override
    public boolean canSleep() {
        return wakeups;
    }

    /** Sleeps until the consumer signals (it moved its head, or shut its input). */
    @Override
    public void sleep(long maxNanos) {
        medium.putIntRelease(waitingWord, 1);
        medium.fullFence();
        int seen = medium.getIntAcquire(peerEventsWord);
        if (medium.getLongAcquire(peerHeadWord) == headCache && !peerShut()) {
            medium.awaitChange(peerEventsWord, seen, maxNanos);
        }
        medium.putIntRelease(waitingWord, 0);
    }
}
