package io.arraysock.socket;

import io.arraysock.format.ChunkCodec;
import io.arraysock.format.ChunkDescriptor;
import io.arraysock.medium.BlockMedium;
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
 *
 * <p>On the block medium the ring holds chunk records ({@link ChunkReader}): we read at
 * our head and take a chunk when the record says it is the one expected, whole and
 * undamaged, without reading the tail. A record that is not (yet) there is no data; the
 * producer's tail, read every {@value #TAIL_LOOK_EVERY}th empty look and at the end of the
 * stream, tells it apart from damage: a chunk the tail covers must be valid, and one that
 * is not is a reset, "payload checksum mismatch". No byte of a chunk is delivered before
 * its CRC matched.
 */
final class RingConsumer extends RingEnd {
    /** Returned by {@link #pollMessage} when the ring holds no complete frame. */
    static final long EMPTY = -2;

    private final ByteBuffer frameHeader = ByteBuffer.allocateDirect(RingProducer.FRAME_HEADER).order(ByteOrder.LITTLE_ENDIAN);
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

    /** Block medium: empty looks between two reads of the producer's tail. */
    static final int TAIL_LOOK_EVERY = 16;
    /** Block medium only: reads the chunks; null on shm. */
    private final ChunkReader chunks;
    /** The producer's node, for the reset message. */
    private final int peerSlot;
    /** Block medium: whether a chunk is taken and not yet wholly consumed (its payload is in {@link #chunks}' buffer). */
    private boolean current;
    private int currentIndex;
    private int currentLeft;
    private int currentExtent;
    /** Block medium: payload bytes consumed before {@link #head}'s chunk, for the reset message. */
    private long delivered;
    private int emptyLooks;

    RingConsumer(Medium medium, long ring, long capacity, long ownBlock, long peerBlock, long nonce, int peerSlot) {
        super(medium, ring, capacity, rxGroup(ownBlock), txGroup(peerBlock));
        this.chunks = medium instanceof BlockMedium block ? new ChunkReader(block, ring, capacity, nonce) : null;
        this.peerSlot = peerSlot;
        this.head = initialPosition();
        this.tailCache = head;
        this.publishedHead = head;
        this.releaseEvery = medium.kind() == Medium.Kind.BLOCK ? capacity / 4 : 0;
    }

    /** Bytes readable now; reads the peer's tail only when the cached one shows none. */
    long available() throws SocketException {
        if (chunks != null) {
            return current || nextChunk(false) ? currentLeft : 0;
        }
        long avail = tailCache - head;
        if (avail > 0) {
            return avail;
        }
        return readTail() - head;
    }

    /** Reads the producer's tail and checks it: not backwards, at most a ring ahead of our head. */
    private long readTail() throws SocketException {
        long tail = medium.getLongAcquire(peerPositionWord);
        if (tail < tailCache || tail - head > capacity) {
            throw new SocketException("Connection reset: the peer's write position " + tail
                    + " is outside " + tailCache + ".." + (head + capacity) + " (damaged control block)");
        }
        tailCache = tail;
        return tail;
    }

    /**
     * Whether the peer ended its stream; bytes before the end may still be unread. On the
     * block medium this reads the final tail too, so what follows knows every chunk before
     * it must be there.
     */
    boolean peerEnded() throws SocketException {
        boolean ended = peerHasFlag(TX_FLAG_END);
        if (ended && chunks != null) {
            readTail();
        }
        return ended;
    }

    /**
     * Block medium: takes the chunk at the head if it is there (skipping a pad), and
     * returns whether one is current. {@code inBufferOnly}: only if the last read brought it
     * (no I/O), to go on delivering what is at hand.
     *
     * @throws SocketException "payload checksum mismatch" when the producer's tail covers a
     *     chunk that is not valid
     */
    private boolean nextChunk(boolean inBufferOnly) throws SocketException {
        for (int pads = 0; pads < 2; pads++) {
            int verdict = chunks.check(head, false);
            if (verdict != ChunkCodec.VALID) {
                if (inBufferOnly) {
                    return false;
                }
                if (tailCache <= head && ++emptyLooks % TAIL_LOOK_EVERY != 0) {
                    return false;
                }
                if (tailCache <= head && readTail() <= head) {
                    return false; // not written yet
                }
                // the producer published a tail past this chunk after writing it whole: look
                // once more (our read may have come before the tail), then it is damage
                verdict = chunks.check(head, true);
                if (verdict != ChunkCodec.VALID) {
                    throw new SocketException("Connection reset: payload checksum mismatch at stream position " + delivered
                            + " (node " + peerSlot + "): " + ChunkCodec.describe(verdict) + ", at ring position " + head
                            + " below the published tail " + tailCache);
                }
            }
            emptyLooks = 0;
            if (chunks.kind() == ChunkDescriptor.KIND_PAD) {
                releaseChunk(capacity - (head & mask));
                continue;
            }
            current = true;
            currentIndex = chunks.payloadIndex();
            currentLeft = chunks.length();
            currentExtent = chunks.extent();
            return true;
        }
        return false;
    }

    /** Block medium: the current chunk is consumed; the head moves past it. */
    private void releaseChunk(long extent) {
        current = false;
        release(head + extent);
    }

    /** Block medium: copies payload of the chunks at hand, taking new ones while dst has room. */
    private int pollChunks(ByteBuffer dst) throws SocketException {
        int total = 0;
        while (dst.hasRemaining() && (current || nextChunk(total > 0))) {
            int n = Math.min(currentLeft, dst.remaining());
            int at = dst.position();
            dst.put(at, chunks.buffer(), currentIndex, n);
            dst.position(at + n);
            currentIndex += n;
            currentLeft -= n;
            delivered += n;
            total += n;
            if (currentLeft == 0) {
                releaseChunk(currentExtent);
            }
        }
        return total;
    }

    /**
     * Block medium: {@link #pollMessage} over chunks, each a run of whole messages (a u32
     * length, then the bytes). A length that overruns its chunk or the largest message is
     * damage the CRC could not see (the producer sealed it so): a reset.
     */
    private long pollChunkMessage(ByteBuffer dst, int maxMessage, boolean truncate) throws SocketException {
        if (!current && !nextChunk(false)) {
            return EMPTY;
        }
        ByteBuffer chunk = chunks.buffer();
        long length = currentLeft < ChunkDescriptor.MESSAGE_LENGTH_SIZE ? -1
                : Integer.toUnsignedLong(chunk.getInt(currentIndex));
        if (length < 0 || length > maxMessage || ChunkDescriptor.MESSAGE_LENGTH_SIZE + length > currentLeft) {
            throw new SocketException("Connection reset: the peer wrote a message length of " + length + " bytes with "
                    + currentLeft + " left in its chunk (max " + maxMessage + "; damaged ring)");
        }
        int room = dst.remaining();
        if (length > room && !truncate) {
            return length;
        }
        int n = (int) Math.min(length, room);
        int at = dst.position();
        dst.put(at, chunk, currentIndex + ChunkDescriptor.MESSAGE_LENGTH_SIZE, n);
        dst.position(at + n);
        int frame = ChunkDescriptor.MESSAGE_LENGTH_SIZE + (int) length;
        currentIndex += frame;
        currentLeft -= frame;
        delivered += length;
        if (currentLeft == 0) {
            releaseChunk(currentExtent);
        }
        return length;
    }

    /** Copies up to {@code dst.remaining()} available bytes; returns the count (0 if none). */
    int poll(ByteBuffer dst) throws SocketException {
        int wanted = dst.remaining();
        if (wanted == 0) {
            return 0;
        }
        if (chunks != null) {
            return pollChunks(dst);
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
        if (chunks != null) {
            return pollChunkMessage(dst, maxMessage, truncate);
        }
        long avail = available();
        if (avail < RingProducer.FRAME_HEADER) {
            if (avail != 0) {
                throw new SocketException("Connection reset: the peer published " + avail + " bytes, less than a frame header");
            }
            return EMPTY;
        }
        frameHeader.clear();
        copy(head, frameHeader, RingProducer.FRAME_HEADER, false);
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
        copy(head + RingProducer.FRAME_HEADER, dst, n, false);
        release(head + frame);
        return length;
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
        return peerHasFlag(TX_FLAG_END);
    }
}
