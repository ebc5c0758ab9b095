package io.arraysock.socket;

import io.arraysock.format.ChunkCodec;
import io.arraysock.format.ChunkDescriptor;

import java.net.SocketException;
import java.nio.ByteBuffer;

/**
 * The chunked side of {@link RingConsumer} (the block medium, and checksummed rings on shm): the ring holds chunk records
 * ({@link ChunkReader}); this takes the one at the consumer's head when its record says it
 * is the one expected, whole and undamaged, and delivers its payload (stream bytes, or a
 * run of whole messages). A record not (yet) there is no data; the producer's tail, read
 * every {@value #TAIL_LOOK_EVERY}th empty look, tells it apart from damage. After a chunk
 * of a stream's size, empty looks are paced ({@link #lookPause}). The consumer keeps the
 * head and the tail; this keeps what it knows of the chunk at hand. One reader at a time.
 */
final class ChunkIntake {
    /**
     * After a chunk of at least this extent (a stream), looks that find
     * nothing are paced: each is an I/O on the device the writer needs, and the writer's
     * next chunk takes about as long to write as ours took to read. The next look is worth
     * making half that time later ({@link #lookPause}); a blocking wait sleeps until then,
     * giving the cores to the storage stack (a spinning reader halved the writer's rate on
     * NBD). Smaller chunks (requests, answers) are looked for as the idle strategy says.
     */
    static final int PACED_EXTENT = 64 * 1024;
    /** Empty looks between two reads of the producer's tail. */
    static final int TAIL_LOOK_EVERY = 16;
    /** The consumer whose head and tail this reads and moves. */
    private final RingConsumer ring;
    /** Reads the chunk records. */
    private final ChunkReader chunks;
    private final long capacity;
    private final long mask;
    /** The producer's node, for the reset message. */
    private final int peerSlot;
    /**
     * Empty looks between two reads of the producer's tail: {@value #TAIL_LOOK_EVERY} on the
     * block medium; every look on a medium with wake-ups (a checksummed ring on shm), where
     * the read is one load, the producer publishes its tail with every chunk, and a
     * consumer may sleep only on the tail it last read.
     */
    private final int tailLookEvery;
    /** Whether empty looks after a stream's chunk are paced (block medium: each is an I/O); not on shm. */
    private final boolean pacing;
    /** Whether a chunk is taken and not yet wholly consumed (its payload is in {@link #chunks}' buffer). */
    private boolean current;
    private int currentIndex;
    /** Payload bytes of the current chunk not yet delivered. */
    private int currentLeft;
    private int currentExtent;
    /** Payload bytes consumed before the head's chunk, for the reset message. */
    private long delivered;
    /** Looks in a row that found no chunk: the tail is read every {@value #TAIL_LOOK_EVERY}th. */
    private int emptyLooks;
    /** The producer's end-of-stream record was found at our head. */
    private boolean endChunkSeen;
    /** When an empty look may next read the device (see {@link #nextChunk}). */
    private long nextLookAt;
    /** The extent of the last chunk taken: at least {@link #PACED_EXTENT}, empty looks are paced. */
    private int lastExtent;
    /** How long the look that found the last paced-size chunk took. */
    private long lastChunkLookNanos;

    ChunkIntake(RingConsumer ring, ChunkReader chunks, int peerSlot) {
        this.ring = ring;
        this.chunks = chunks;
        this.peerSlot = peerSlot;
        this.capacity = ring.capacity;
        this.mask = ring.mask;
        this.tailLookEvery = ring.wakeups ? 1 : TAIL_LOOK_EVERY;
        this.pacing = !ring.wakeups;
    }

    /** Bytes of the chunk at hand, taking the next one if it is there. */
    long available() throws SocketException {
        return current || nextChunk(false) ? currentLeft : 0;
    }

    /** Whether the producer's end-of-stream record was found at our head. */
    boolean endSeen() {
        return endChunkSeen;
    }

    /**
     * Takes the chunk at the head if it is there (skipping a pad), and
     * returns whether one is current. {@code inBufferOnly}: only if the last read brought it
     * (no I/O), to go on delivering what is at hand.
     *
     * @throws SocketException "payload checksum mismatch" when the producer's tail covers a
     *     chunk that is not valid
     */
    private boolean nextChunk(boolean inBufferOnly) throws SocketException {
        for (int pads = 0; pads < 2; pads++) {
            boolean io = !chunks.inBuffer(ring.head());
            long lookStart = io ? System.nanoTime() : 0;
            boolean paced = pacing && io && lastExtent >= PACED_EXTENT;
            if (paced && lookStart - nextLookAt < 0) {
                return false; // streaming: the writer's next chunk is not due yet
            }
            int verdict = chunks.check(ring.head(), false);
            if (verdict != ChunkCodec.VALID) {
                if (inBufferOnly) {
                    return false;
                }
                if (paced) {
                    nextLookAt = System.nanoTime() + lastChunkLookNanos / 2;
                }
                if (ring.tailCache() <= ring.head() && ++emptyLooks % tailLookEvery != 0) {
                    return false;
                }
                if (ring.tailCache() <= ring.head() && ring.readTail() <= ring.head()) {
                    return false; // not written yet
                }
                // the producer published a tail past this chunk after writing it whole: look
                // once more (our read may have come before the tail), then it is damage
                verdict = chunks.check(ring.head(), true);
                if (verdict != ChunkCodec.VALID) {
                    throw new SocketException("Connection reset: payload checksum mismatch at stream position " + delivered
                            + " (node " + peerSlot + "): " + ChunkCodec.describe(verdict) + ", at ring position " + ring.head()
                            + " below the published tail " + ring.tailCache());
                }
            }
            emptyLooks = 0;
            if (!chunks.authentic()) {
                // the CRC matched, so not torn nor stale: written by someone without the key
                throw new SocketException("Connection reset: payload authentication failed at stream position " + delivered
                        + " (node " + peerSlot + "): the chunk at ring position " + ring.head()
                        + " was not written by the peer (its AES-GCM tag does not match)");
            }
            if (chunks.kind() == ChunkDescriptor.KIND_END) {
                endChunkSeen = true; // the final tail: every chunk before it was delivered
                return false;
            }
            if (chunks.kind() == ChunkDescriptor.KIND_PAD) {
                releaseChunk(capacity - (ring.head() & mask));
                continue;
            }
            current = true;
            lastExtent = chunks.extent();
            if (io) {
                lastChunkLookNanos = System.nanoTime() - lookStart;
            }
            currentIndex = chunks.payloadIndex();
            currentLeft = chunks.length();
            currentExtent = chunks.extent();
            return true;
        }
        return false;
    }

    /**
     * Nanoseconds until the next look at the ring is worth making (0: now);
     * a blocking wait sleeps that long instead of idling.
     */
    long lookPause() {
        return pacing && lastExtent >= PACED_EXTENT && !current ? Math.max(0, nextLookAt - System.nanoTime()) : 0;
    }

    /** The current chunk is consumed; the head moves past it. */
    private void releaseChunk(long extent) {
        current = false;
        ring.release(ring.head() + extent);
    }

    /** Copies payload of the chunks at hand, taking new ones while dst has room. */
    int poll(ByteBuffer dst) throws SocketException {
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

    /** {@link RingConsumer#poll(ByteBuffer[], int, int)} over chunks: fills the buffers in order; the count. */
    long poll(ByteBuffer[] dsts, int offset, int length) throws SocketException {
        long total = 0;
        for (int i = offset; i < offset + length; i++) {
            ByteBuffer b = dsts[i];
            total += poll(b);
            if (b.hasRemaining()) {
                break;
            }
        }
        return total;
    }

    /**
     * {@link RingConsumer#pollMessage} over chunks, each a run of whole messages (a u32
     * length, then the bytes). A length that overruns its chunk or the largest message is
     * damage the CRC could not see (the producer sealed it so): a reset.
     */
    long pollMessage(ByteBuffer dst, int maxMessage, boolean truncate) throws SocketException {
        if (!current && !nextChunk(false)) {
            return RingConsumer.EMPTY;
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

    /**
     * {@link RingConsumer#pollMessages} over chunks: one message per buffer, in order, each
     * counted; stops before one that is not there or does not fit (it is not taken). The count.
     */
    int pollMessages(ByteBuffer[] dsts, int offset, int length, int maxMessage) throws SocketException {
        int n = 0;
        for (int i = offset; i < offset + length; i++, n++) {
            ByteBuffer b = dsts[i];
            int room = b.remaining();
            long len = pollMessage(b, maxMessage, false);
            if (len == RingConsumer.EMPTY || len > room) {
                break; // a message too large is not taken
            }
            ring.counters.message(len);
        }
        return n;
    }
}
