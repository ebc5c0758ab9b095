package io.arraysock.socket;

import io.arraysock.format.ChunkDescriptor;
import io.arraysock.medium.BlockMedium;
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
 *
 * <p>On the block medium the ring holds chunk records instead ({@link ChunkWriter}): each
 * offer writes one self-validating chunk (a seqpacket message is one chunk, after a pad
 * when it does not fit before the ring's end), which the consumer finds without our tail.
 * The tail is a backstop, published on a cadence ({@link #publishTail}): a quarter ring,
 * before we wait, at the end of the stream, and on the node's tick.
 */
final class RingProducer extends RingEnd {
    static final int FRAME_HEADER = 8;
    static final int FRAME_ALIGNMENT = 8;

    private final ByteBuffer frameHeader = ByteBuffer.allocateDirect(FRAME_HEADER).order(ByteOrder.LITTLE_ENDIAN);
    private long tail;
    private long headCache;
    /** Block medium only: writes the chunks; null on shm. */
    private final ChunkWriter chunks;
    private final int sectorSize;
    private final long publishEvery;
    /** Block medium only: the tail after the last chunk written, for {@link #publishTail} from any thread. */
    private volatile long writtenTail;
    private long publishedTail;

    /**
     * @param ring      absolute offset of the ring's bytes (validated by the caller)
     * @param ownBlock  offset of our control block
     * @param peerBlock offset of the consumer's control block
     */
    RingProducer(Medium medium, long ring, long capacity, long ownBlock, long peerBlock, long nonce) {
        super(medium, ring, capacity, txGroup(ownBlock), rxGroup(peerBlock));
        this.chunks = medium instanceof BlockMedium block ? new ChunkWriter(block, ring, capacity, nonce) : null;
        this.sectorSize = medium.sectorSize();
        this.publishEvery = capacity / 4;
        this.tail = initialPosition();
        this.headCache = tail;
        this.writtenTail = tail;
        this.publishedTail = tail;
    }

    /**
     * Largest message a ring of {@code capacity} bytes carries: a frame's worth on shm; on
     * the block medium one chunk's ({@link ChunkDescriptor#MAX_EXTENT} at most, so the
     * reader checks it whole).
     */
    static int maxMessage(long capacity, Medium.Kind kind) {
        if (kind == Medium.Kind.BLOCK) {
            return (int) (Math.min(capacity, ChunkDescriptor.MAX_EXTENT) - ChunkDescriptor.HEADER_LENGTH);
        }
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
        if (chunks != null) {
            return offerChunk(src, remaining);
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
        if (chunks != null) {
            return offerChunkMessage(src, length);
        }
        if (free(frame) < frame) {
            return false;
        }
        frameHeader.clear();
        frameHeader.putLong(0, length);
        medium.writeRelease(ring + (tail & mask), frameHeader);
        copy(tail + FRAME_HEADER, src, length, true);
        publish(tail + frame);
        return true;
    }

    private void publish(long newTail) {
        tail = newTail;
        advance(newTail);
    }

    /** Block medium: one data chunk with as many bytes as fit before the ring's end and in the room there is. */
    private int offerChunk(ByteBuffer src, int remaining) throws SocketException {
        long toEnd = capacity - (tail & mask);
        long wanted = Math.min(Math.min(toEnd, chunks.maxPayload() + ChunkDescriptor.HEADER_LENGTH),
                ChunkDescriptor.extent(remaining, sectorSize));
        long room = Math.min(wanted, free(wanted) & -(long) sectorSize);
        if (room < sectorSize) {
            return 0;
        }
        int n = (int) Math.min(remaining, room - ChunkDescriptor.HEADER_LENGTH);
        chunkWritten(chunks.writeData(tail, src, n));
        return n;
    }

    /** Block medium: the message as one chunk, after a pad to the ring's end if it does not fit before it. */
    private boolean offerChunkMessage(ByteBuffer src, int length) throws SocketException {
        long extent = ChunkDescriptor.extent(length, sectorSize);
        long toEnd = capacity - (tail & mask);
        if (extent > toEnd) {
            if (free(toEnd + extent) < toEnd + extent) {
                return false;
            }
            chunks.writePad(tail);
            chunkWritten(toEnd);
        } else if (free(extent) < extent) {
            return false;
        }
        chunkWritten(chunks.writeData(tail, src, length));
        return true;
    }

    private void chunkWritten(long extent) {
        tail += extent;
        writtenTail = tail;
        if (tail - publishedTail >= publishEvery) {
            publishTail();
        }
    }

    /**
     * Block medium: publishes the tail of the chunks written so far, if it is behind. From
     * any thread: the sender before it waits, the node's tick for a sender gone quiet. The
     * consumer needs it only to tell a damaged chunk from one not yet written, and for the
     * end of the stream. Nothing to do on shm, where every offer publishes.
     */
    synchronized void publishTail() {
        long t = writtenTail;
        if (chunks != null && t != publishedTail) {
            publishedTail = t;
            advance(t);
        }
    }

    /** Publishes end of stream after the last tail, and wakes the consumer. */
    void end() {
        publishTail();
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
