package io.arraysock.socket;

import io.arraysock.format.FrameDescriptor;
import io.arraysock.medium.Medium;
import io.arraysock.medium.RingPolicy;

import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static io.arraysock.format.ControlBlockDescriptor.RX_FLAG_SHUT;
import static io.arraysock.format.ControlBlockDescriptor.TX_FLAG_END;

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
 * its CRC matched, and on an encrypted connection before its AES-GCM tag did too (a chunk
 * whose CRC matches and whose tag does not is a forgery: "payload authentication failed").
 *
 * <p>The ring is memory of the peer's arena, and its tail and flags are words of the peer's
 * block: both are given to another connection once the peer releases the block (or its
 * node's slot is claimed again), possibly while we still hold a tail we read before. So on
 * shm nothing copied out is delivered, and on both media no end of stream believed, before
 * the peer's block is confirmed unchanged <em>after</em> the copy (docs/PROTOCOL.md,
 * "Data"): its sequence and owner incarnation, two loads on shm, still those of the header
 * last judged ours ({@link PeerBlockCheck}). A changed header is judged again, strictly; a
 * block that is no longer our peer's resets the connection and the copied bytes are
 * dropped. (A chunk carries the connection's nonce and its position: a reused ring's
 * chunks are never this connection's, so block data needs no confirmation.)
 */
final class RingConsumer extends RingEnd {
    /** Returned by {@link #pollMessage} when the ring holds no complete frame. */
    static final long EMPTY = -2;

    /** After each copy: whether the peer's block is still the one last confirmed ours. */
    private final PeerBlockCheck peer;

    private final ByteBuffer frameHeader = ByteBuffer.allocateDirect(RingProducer.FRAME_HEADER).order(ByteOrder.LITTLE_ENDIAN);
    private long head;
    private long tailCache;
    /**
     * Block medium only: the head is published once this many bytes (half a ring) were consumed since it
     * last was, and when a wait goes on ({@link #publishHead}, see ReceivePath). A head
     * write is a sector write, as costly as a 64 KiB payload transfer on a loop device;
     * holding it back costs the producer nothing while the ring has room, and never strands
     * it, since a wait publishes it within 1 ms.
     */
    private final long releaseEvery;
    private long publishedHead;
    /** Block medium only: takes the chunk records at our head; null on shm. */
    private final ChunkIntake chunks;

    /**
     * @param peerSequence    the sequence of the peer header the connection was made from
     * @param peerIncarnation its owner incarnation
     * @param peerConfirm     judges the peer's block again when its header changed
     */
    RingConsumer(Medium medium, long ring, long capacity, long ownBlock, long peerBlock, long nonce, int peerSlot,
                 long peerSequence, long peerIncarnation, PeerBlockCheck.StrictCheck peerConfirm) {
        this(medium, medium.ringPolicy(), ring, capacity, ownBlock, peerBlock, nonce, null, 0, peerSlot, peerSequence,
                peerIncarnation, peerConfirm);
    }

    /**
     * @param policy    the connection's: chunked on the block medium, and on shm when it asked for checksums
     * @param chunkKey  encrypted connection: the connection's chunk key, else null
     * @param direction with a key: the producer's nonce prefix ({@link ChunkCipher})
     */
    RingConsumer(Medium medium, RingPolicy policy, long ring, long capacity, long ownBlock, long peerBlock, long nonce,
                 byte[] chunkKey, int direction, int peerSlot, long peerSequence, long peerIncarnation,
                 PeerBlockCheck.StrictCheck peerConfirm) {
        super(medium, ring, capacity, rxGroup(ownBlock), txGroup(peerBlock));
        this.peer = new PeerBlockCheck(medium, peerBlock, peerSequence, peerIncarnation, peerConfirm);
        this.head = initialPosition();
        this.tailCache = head;
        this.publishedHead = head;
        this.releaseEvery = policy.headPublishEvery(capacity);
        this.chunks = policy.chunked() ? new ChunkIntake(this, new ChunkReader(medium,
                policy.chunkUnit(medium.sectorSize()), ring, capacity, nonce, chunkKey, direction), peerSlot) : null;
    }

    /** Bytes readable now; reads the peer's tail only when the cached one shows none. */
    long available() throws SocketException {
        if (chunks != null) {
            return chunks.available();
        }
        long avail = tailCache - head;
        if (avail > 0) {
            return avail;
        }
        return readTail() - head;
    }

    /**
     * Reads the producer's tail and checks it: not backwards, at most a ring ahead of our
     * head. A tail out of range from a block whose header changed is no news (or a reset,
     * if the block is another's now).
     */
    long readTail() throws SocketException {
        long tail = medium.getLongAcquire(peerPositionWord);
        if (tail < tailCache || tail - head > capacity) {
            if (!peer.unchanged()) {
                return tailCache; // a reset was thrown if the block is another's; unreadable: look again later
            }
            throw new SocketException("Connection reset: the peer's write position " + tail
                    + " is outside " + tailCache + ".." + (head + capacity) + " (damaged control block)");
        }
        tailCache = tail;
        return tail;
    }

    /**
     * Whether the peer ended its stream; bytes before the end may still be unread. On the
     * block medium the end record found at our head says so with no read; else
     * ({@code readFlag}) the end flag is read, and with it the final tail, so what follows
     * knows every chunk before it must be there.
     */
    boolean peerEnded(boolean readFlag) throws SocketException {
        if (chunks != null && chunks.endSeen()) {
            return true;
        }
        if (!readFlag) {
            return false;
        }
        boolean ended = peerHasFlag(TX_FLAG_END);
        if (ended && chunks != null) {
            readTail();
        }
        return ended;
    }

    /** Where each buffer of a scattering poll began, to put them back if the bytes were not our peer's. */
    private int[] scatterStarts = new int[16];

    /** Copies up to {@code dst.remaining()} available bytes; returns the count (0 if none). */
    int poll(ByteBuffer dst) throws SocketException {
        int wanted = dst.remaining();
        if (wanted == 0) {
            return 0;
        }
        if (chunks != null) {
            return chunks.poll(dst);
        }
        int n = (int) Math.min(wanted, available());
        if (n == 0) {
            return 0;
        }
        int at = dst.position();
        copy(head, dst, n, false);
        if (!peer.unchanged()) {
            dst.position(at); // not known to be our peer's bytes: not delivered
            return 0;
        }
        release(head + n);
        return n;
    }

    /**
     * Scattering {@link #poll(ByteBuffer)}: copies available bytes into
     * {@code dsts[offset .. offset + length)} in order and releases them once; the count (0 if none).
     */
    long poll(ByteBuffer[] dsts, int offset, int length) throws SocketException {
        if (chunks != null) {
            return chunks.poll(dsts, offset, length);
        }
        int end = offset + length;
        long wanted = 0;
        for (int i = offset; i < end; i++) {
            wanted += dsts[i].remaining();
        }
        long n = Math.min(wanted, available());
        if (n == 0) {
            return 0;
        }
        if (scatterStarts.length < length) {
            scatterStarts = new int[Math.max(length, 2 * scatterStarts.length)]; // grows once, then reused
        }
        long at = head;
        int last = offset;
        for (int i = offset; i < end && at - head < n; i++) {
            ByteBuffer b = dsts[i];
            scatterStarts[i - offset] = b.position();
            int k = (int) Math.min(b.remaining(), n - (at - head));
            if (k > 0) {
                copy(at, b, k, false);
                at += k;
                last = i;
            }
        }
        if (!peer.unchanged()) {
            for (int i = offset; i <= last; i++) {
                dsts[i].position(scatterStarts[i - offset]); // not known to be our peer's bytes: not delivered
            }
            return 0;
        }
        release(at);
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
            return chunks.pollMessage(dst, maxMessage, truncate);
        }
        long length = frameAt(head, available(), maxMessage);
        if (length == EMPTY) {
            return EMPTY;
        }
        long frame = RingProducer.frameLength(length);
        int room = dst.remaining();
        if (length > room && !truncate) {
            return peer.unchanged() ? length : EMPTY;
        }
        int n = (int) Math.min(length, room);
        int at = dst.position();
        copy(head + RingProducer.FRAME_HEADER, dst, n, false);
        if (!peer.unchanged()) {
            dst.position(at);
            return EMPTY;
        }
        release(head + frame);
        return length;
    }

    /**
     * The length of the frame at {@code position}, {@code avail} bytes published from it, all
     * of it checked: at least a header published, the length within 0..{@code maxMessage},
     * and the whole frame published.
     *
     * @return the payload length, or {@link #EMPTY} when nothing is published (or a length
     *     out of range came from a block whose header did not read consistently)
     * @throws SocketException "Connection reset" when the peer wrote a bad length
     */
    long frameAt(long position, long avail, int maxMessage) throws SocketException {
        if (avail < RingProducer.FRAME_HEADER) {
            if (avail != 0) {
                throw new SocketException("Connection reset: the peer published " + avail + " bytes, less than a frame header");
            }
            return EMPTY;
        }
        frameHeader.clear();
        copy(position, frameHeader, RingProducer.FRAME_HEADER, false);
        long length = frameHeader.getLong(FrameDescriptor.LENGTH_OFFSET);
        long frame = RingProducer.frameLength(length);
        if (length < 0 || length > maxMessage || frame > avail) {
            if (!peer.unchanged()) {
                return EMPTY;
            }
            throw new SocketException("Connection reset: the peer wrote a message length of " + length
                    + " bytes with " + avail + " bytes published (max " + maxMessage + "; damaged ring)");
        }
        return length;
    }

    /**
     * Bytes published from {@code position} (at or past our head, not past the tail seen):
     * reads the peer's tail, checked, only when the cached one shows none.
     */
    long availableFrom(long position) throws SocketException {
        long avail = tailCache - position;
        return avail > 0 ? avail : readTail() - position;
    }

    /** {@link PeerBlockCheck#unchanged}, for the zero-copy poll: before a handler sees the ring, and after. */
    boolean confirmPeer() throws SocketException {
        return peer.unchanged();
    }

    /**
     * Takes whole frames into {@code dsts[offset .. offset + length)}, one per buffer, in
     * order, and releases them once; counts each message delivered. Stops before a frame that
     * is not there whole, does not fit its buffer, or has a length out of bounds: the
     * one-message {@link #pollMessage} judges that one (too large, or a damaged ring). The
     * count (0 if none).
     */
    int pollMessages(ByteBuffer[] dsts, int offset, int length, int maxMessage) throws SocketException {
        if (chunks != null) {
            return chunks.pollMessages(dsts, offset, length, maxMessage);
        }
        int end = offset + length;
        int n = 0;
        long avail = available();
        if (scatterStarts.length < length) {
            scatterStarts = new int[Math.max(length, 2 * scatterStarts.length)]; // grows once, then reused
        }
        long at = head;
        for (int i = offset; i < end; i++, n++) {
            long left = avail - (at - head);
            if (left < RingProducer.FRAME_HEADER) {
                break;
            }
            frameHeader.clear();
            copy(at, frameHeader, RingProducer.FRAME_HEADER, false);
            long len = frameHeader.getLong(FrameDescriptor.LENGTH_OFFSET);
            long frame = RingProducer.frameLength(len);
            ByteBuffer b = dsts[i];
            if (len < 0 || len > maxMessage || frame > left || len > b.remaining()) {
                break;
            }
            scatterStarts[n] = b.position();
            copy(at + RingProducer.FRAME_HEADER, b, (int) len, false);
            at += frame;
        }
        if (n == 0) {
            return 0;
        }
        if (!peer.unchanged()) {
            for (int k = 0; k < n; k++) {
                dsts[offset + k].position(scatterStarts[k]); // not known to be our peer's bytes: not delivered
            }
            return 0;
        }
        for (int k = 0; k < n; k++) {
            counters.message(dsts[offset + k].position() - scatterStarts[k]);
        }
        release(at);
        return n;
    }

    /**
     * Before end of stream is reported (the end flag was seen, and a poll after it returned
     * nothing): whether the ring really is empty, and the flag and the tail came from our
     * peer's block. False: bytes are still unread (a poll returns nothing, too, when it could
     * not confirm what it copied), or the header was being rewritten; look again later.
     *
     * @throws SocketException "Connection reset" when the block is no longer our peer's
     */
    boolean endConfirmed() throws SocketException {
        // an end record is this connection's by its nonce and position: no confirmation needed
        return available() == 0 && ((chunks != null && chunks.endSeen()) || peer.unchanged());
    }

    /**
     * Block medium: nanoseconds until the next look at the ring is worth making (0: now);
     * a blocking wait sleeps that long instead of idling.
     */
    long lookPause() {
        return chunks == null ? 0 : chunks.lookPause();
    }

    /** Our read position: every byte before it was consumed. */
    long head() {
        return head;
    }

    /** The producer's tail as last read (and checked). */
    long tailCache() {
        return tailCache;
    }

    void release(long newHead) {
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
