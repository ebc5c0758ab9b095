package io.arraysock.socket;

import io.arraysock.api.IdleStrategy;
import io.arraysock.format.ChunkDescriptor;
import io.arraysock.format.FrameDescriptor;
import io.arraysock.medium.Medium;
import io.arraysock.medium.RingPolicy;

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
 * <p>Message framing (seqpacket, {@link FrameDescriptor}): a {@value #FRAME_HEADER}-byte
 * little-endian length, then the payload padded to {@value #FRAME_ALIGNMENT} bytes; a frame
 * is published whole.
 *
 * <p>On the block medium the ring holds chunk records instead, which the consumer finds
 * without our tail: an offer stages the bytes or the message ({@link StagedOffers}) and returns, and the ring's
 * {@link ChunkPipeline} writes what is staged as chunks from a thread of its own (many
 * messages to a chunk, the next bytes staged while a chunk is written). The tail is a
 * backstop, published ({@link #publishTail}) once the writer has waited a while for room
 * or idled, and at the end of the stream.
 */
final class RingProducer extends RingEnd {
    static final int FRAME_HEADER = FrameDescriptor.HEADER_LENGTH;
    static final int FRAME_ALIGNMENT = FrameDescriptor.ALIGNMENT;

    private final ByteBuffer frameHeader = ByteBuffer.allocateDirect(FRAME_HEADER).order(ByteOrder.LITTLE_ENDIAN);
    private long tail;
    private long headCache;
    /** Block medium only: writes the chunks; null on shm. */
    private final ChunkWriter chunks;
    /** Block medium only: stages the offers for the writer thread; null on shm. */
    private final StagedOffers staged;
    /** Block medium: the ring is no longer ours (released, fenced): no tail is published any more. */
    private boolean stopped;
    /** Block medium only: the tail after the last chunk written, for {@link #publishTail} from any thread. */
    private volatile long writtenTail;
    private long publishedTail;

    /**
     * @param ring      absolute offset of the ring's bytes (validated by the caller)
     * @param ownBlock  offset of our control block
     * @param peerBlock offset of the consumer's control block
     */
    RingProducer(Medium medium, long ring, long capacity, long ownBlock, long peerBlock, long nonce, String name) {
        this(medium, medium.ringPolicy(), ring, capacity, ownBlock, peerBlock, nonce, null, 0, name);
    }

    /**
     * @param policy    the connection's: chunked on the block medium, and on shm when it asked for checksums
     * @param chunkKey  encrypted connection: the connection's chunk key, else null
     * @param direction with a key: this ring's nonce prefix ({@link ChunkCipher})
     */
    RingProducer(Medium medium, RingPolicy policy, long ring, long capacity, long ownBlock, long peerBlock, long nonce,
                 byte[] chunkKey, int direction, String name) {
        super(medium, ring, capacity, txGroup(ownBlock), rxGroup(peerBlock));
        this.chunks = policy.chunked() ? new ChunkWriter(medium, policy.chunkUnit(medium.sectorSize()), ring, capacity, nonce, chunkKey, direction) : null;
        this.staged = chunks == null ? null : new StagedOffers(this, chunks, "arraysock-writer " + name);
        this.tail = initialPosition();
        this.headCache = tail;
        this.writtenTail = tail;
        this.publishedTail = tail;
    }

    /**
     * Largest message a ring of {@code capacity} bytes carries: a frame's worth; in a
     * {@linkplain RingPolicy#chunked() chunked} ring (block medium) one chunk's
     * ({@link ChunkDescriptor#MAX_EXTENT} at most, so the reader checks it whole), less the
     * tag if the connection is {@code encrypted}.
     */
    static int maxMessage(long capacity, RingPolicy policy, boolean encrypted) {
        if (policy.chunked()) {
            return (int) (Math.min(capacity, ChunkDescriptor.MAX_EXTENT) - ChunkDescriptor.HEADER_LENGTH
                    - (encrypted ? ChunkDescriptor.TAG_LENGTH : 0) - ChunkDescriptor.MESSAGE_LENGTH_SIZE);
        }
        return (int) Math.min(Integer.MAX_VALUE - FRAME_ALIGNMENT, capacity - FRAME_HEADER);
    }

    static long frameLength(long payload) {
        return FrameDescriptor.frameLength(payload);
    }

    /**
     * Free bytes, reading the peer's head only when the cached value is not enough for
     * {@code wanted}. On the block medium, the writer thread's alone.
     */
    long free(long wanted) throws SocketException {
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

    /**
     * Bytes a stream offer would take now, maybe 0 (for a selector's look; the sender's):
     * on shm the ring's room, on the block medium the staging room of its pipeline.
     */
    long room() throws SocketException {
        return staged == null ? free(1) : staged.room();
    }

    /** Chunked ring: the most its pipeline stages at once (one chunk's extent). */
    long stagingCapacity() {
        return staged.capacity();
    }

    /** Block medium: free bytes as last known, without a look at the peer's head (the chunk writer's). */
    long cachedFree() {
        return capacity - (tail - headCache);
    }

    /** Copies as many bytes of {@code src} as fit, publishes them, and returns the count (may be 0). */
    int offer(ByteBuffer src) throws SocketException {
        int remaining = src.remaining();
        if (remaining == 0) {
            return 0;
        }
        if (staged != null) {
            return staged.offer(src);
        }
        int n = (int) Math.min(remaining, free(remaining));
        if (n == 0) {
            return 0;
        }
        copy(tail, src, n, true);
        publish(tail + n);
        return n;
    }

    /**
     * Copies as much of {@code srcs[offset .. offset + length)} as fits, in order, and publishes
     * it once (one tail store, one look at the peer's waiting word); the count (may be 0). The
     * block medium's pipeline packs the buffers into its own extents.
     */
    long offer(ByteBuffer[] srcs, int offset, int length) throws SocketException {
        if (staged != null) {
            return staged.offer(srcs, offset, length);
        }
        int end = offset + length;
        long wanted = 0;
        for (int i = offset; i < end; i++) {
            wanted += srcs[i].remaining();
        }
        if (wanted == 0) {
            return 0;
        }
        long room = Math.min(wanted, free(wanted));
        long at = tail;
        for (int i = offset; i < end && room > 0; i++) {
            ByteBuffer b = srcs[i];
            int n = (int) Math.min(b.remaining(), room);
            if (n > 0) {
                copy(at, b, n, true);
                at += n;
                room -= n;
            }
        }
        long n = at - tail;
        if (n > 0) {
            publish(at);
        }
        return n;
    }

    /** Publishes {@code src} as one frame if the ring has room for it; returns false otherwise. */
    boolean offerMessage(ByteBuffer src) throws SocketException {
        int length = src.remaining();
        long frame = frameLength(length);
        if (staged != null) {
            return staged.offerMessage(src);
        }
        if (free(frame) < frame) {
            return false;
        }
        writeFrameHeader(length);
        copy(tail + FRAME_HEADER, src, length, true);
        publish(tail + frame);
        return true;
    }

    private void writeFrameHeader(int length) {
        frameHeader.clear();
        frameHeader.putLong(FrameDescriptor.LENGTH_OFFSET, length);
        medium.writeRelease(ring + (tail & mask), frameHeader);
    }

    // ---- zero-copy claims (a ring that is not chunked) ------------------------------------

    /** Whether {@code extent} bytes fit the ring now (reads the peer's head only when the cached one says no). */
    boolean hasRoom(long extent) throws SocketException {
        return free(extent) >= extent;
    }

    /**
     * The ring index of the tail when {@code extent} bytes from it lie in one piece, else -1
     * (they would wrap at the ring's end). For a claim the caller found room for.
     */
    int claimIndex(long extent) {
        int index = (int) (tail & mask);
        return index + extent <= capacity ? index : -1;
    }

    /** Publishes {@code n} claimed stream bytes, written in place at the tail: one release store of the tail. */
    void commitBytes(int n) {
        publish(tail + n);
    }

    /** Publishes a claimed frame whose {@code length} payload bytes were written in place: its length, then the tail. */
    void commitFrame(int length) {
        writeFrameHeader(length);
        publish(tail + frameLength(length));
    }

    /**
     * Publishes whole frames of {@code srcs[offset .. offset + length)}, in order, as many as
     * fit, with one tail store (one look at the peer's waiting word); counts each message sent.
     * The count (may be 0). Lengths are the caller's to check against the largest message.
     */
    int offerMessages(ByteBuffer[] srcs, int offset, int length) throws SocketException {
        if (staged != null) {
            return staged.offerMessages(srcs, offset, length);
        }
        int end = offset + length;
        int n = 0;
        long wanted = 0;
        for (int i = offset; i < end; i++) {
            wanted += frameLength(srcs[i].remaining());
        }
        long room = free(wanted);
        long at = tail;
        for (int i = offset; i < end; i++, n++) {
            ByteBuffer src = srcs[i];
            int bytes = src.remaining();
            long frame = frameLength(bytes);
            if (at - tail + frame > room) {
                break;
            }
            frameHeader.clear();
            frameHeader.putLong(FrameDescriptor.LENGTH_OFFSET, bytes);
            medium.writeRelease(ring + (at & mask), frameHeader);
            copy(at + FRAME_HEADER, src, bytes, true);
            at += frame;
            counters.message(bytes);
        }
        if (n > 0) {
            publish(at);
        }
        return n;
    }

    private void publish(long newTail) {
        tail = newTail;
        advance(newTail);
    }

    /** Block medium: the writer's pipeline, null until the first offer started it (and always on shm). */
    private ChunkPipeline pipeline() {
        return staged == null ? null : staged.pipeline();
    }

    /** Block medium, writer thread: where the next chunk goes. */
    long tail() {
        return tail;
    }

    /**
     * Chunked ring, writer thread: a chunk (or pad) of {@code extent} bytes was written at
     * the tail. On a medium with wake-ups (a checksummed ring on shm) the tail is published
     * at once, a store, and a consumer asleep on it woken; on the block medium it is a
     * backstop ({@link #publishTail}).
     */
    void chunkWritten(long extent) {
        tail += extent;
        writtenTail = tail;
        if (wakeups) {
            publishTail();
        }
    }

    /**
     * Block medium: publishes the tail of the chunks written so far, if it is behind: the
     * writer once it has waited a while for room or idled, and at the end of the stream. The
     * consumer needs it only to tell a damaged chunk from one not yet written, and for the
     * end of the stream. Nothing to do on shm, where every offer publishes.
     */
    synchronized void publishTail() {
        long t = writtenTail;
        if (chunks != null && !stopped && t != publishedTail) {
            publishedTail = t;
            advance(t);
        }
    }

    /**
     * Ends the stream: publishes the last tail, then the end flag, and wakes the consumer.
     * On the block medium with bytes still staged, the writer does it once it wrote them.
     */
    void end() {
        ChunkPipeline p = pipeline();
        if (p != null) {
            p.requestEnd();
        } else {
            if (chunks != null) {
                endRecord(); // nothing was sent: no writer thread; the ring is empty, so it has room
            }
            endNow();
        }
    }

    /** Block medium: writes the END record at the tail, where the consumer's next look finds it. */
    void endRecord() {
        synchronized (this) {
            if (stopped) {
                return;
            }
        }
        chunks.writeEnd(tail);
    }

    /** {@link #end} now: everything offered is in the ring. */
    synchronized void endNow() {
        if (!stopped) {
            publishTail();
            raise(TX_FLAG_END);
        }
    }

    /**
     * The ring is no longer ours to write (the socket is released or fenced): a writer
     * thread stops, and with {@code wait} its last write is done when this returns; no tail
     * or flag is published any more.
     */
    void stop(boolean wait) {
        ChunkPipeline p = pipeline();
        if (p != null) {
            if (wait) {
                p.stopAndWait();
            } else {
                p.stop();
            }
        }
        synchronized (this) {
            stopped = true;
        }
    }

    /**
     * Whether the consumer said it reads no more. On the block medium the writer thread
     * looks (while it waits for room), so the sender's look costs no I/O.
     */
    boolean peerShut() {
        ChunkPipeline p = pipeline();
        return p != null ? p.peerShut() : peerHasShut();
    }

    /** The consumer's flag, as the medium shows it now. */
    boolean peerHasShut() {
        return peerHasFlag(RX_FLAG_SHUT);
    }

    /**
     * What a sender waiting for room sleeps on: on the block medium its pipeline (the writer
     * wakes it when it took staged bytes), else this ring end (a futex on shm).
     */
    IdleStrategy.Sleeper sleeper() {
        ChunkPipeline p = pipeline();
        return p != null ? p : this;
    }

    @Override
    long seenPeerPosition() {
        return headCache;
    }

    @Override
    boolean peerFinished() {
        return peerHasShut();
    }
}
