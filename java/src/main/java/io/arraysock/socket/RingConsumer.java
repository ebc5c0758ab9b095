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
 *
 * <p>The ring is memory of the peer's arena, and its tail and flags are words of the peer's
 * block: both are given to another connection once the peer releases the block (or its
 * node's slot is claimed again), possibly while we still hold a tail we read before. So
 * nothing copied out is delivered, and no end of stream believed, before the peer's block
 * is confirmed unchanged <em>after</em> the copy (docs/PROTOCOL.md, "Data"): its sequence
 * and owner incarnation, two loads on shm, still those of the header last judged ours. A
 * changed header is judged again, strictly ({@link PeerConfirm}); a block that is no
 * longer our peer's resets the connection and the copied bytes are dropped.
 */
final class RingConsumer extends RingEnd {
    /** Returned by {@link #pollMessage} when the ring holds no complete frame. */
    static final long EMPTY = -2;
    /** Returned by {@link PeerConfirm#confirm} when the peer's header did not read consistently. */
    static final long UNREADABLE = -1;
    private static final long READ_AHEAD_MAX = 1 << 20;
    /** Block medium: one read of the peer's block from its sequence to its tail. */
    private static final int WATCH_LENGTH = TX_TAIL_OFFSET + Long.BYTES;

    /** The strict judgment of the peer's block, for when its header changed. */
    @FunctionalInterface
    interface PeerConfirm {
        /**
         * @return the header's sequence if the block is still our peer's, or {@link #UNREADABLE}
         * @throws SocketException "Connection reset" when it is not
         */
        long confirm() throws SocketException;
    }

    private final PeerConfirm peerConfirm;
    private final long peerBlock;
    private final long peerIncarnation;
    /** The peer header's sequence when it was last confirmed ours. */
    private long confirmedSequence;
    /** Block medium only: the peer's block, sequence to tail, as the last confirmation read it. */
    private final ByteBuffer watch;

    private final ByteBuffer frameHeader = ByteBuffer.allocateDirect(RingProducer.FRAME_HEADER).order(ByteOrder.LITTLE_ENDIAN);
    /**
     * Block medium only: ring bytes read ahead in one transfer, so a run of small frames (or
     * of small stream receives) costs one read, and one confirmation, rather than one or two
     * each. Bytes in [head, tail) cannot change until
     * we release them, so what was read ahead (and confirmed ours when it was read) stays valid.
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

    /**
     * @param peerSequence    the sequence of the peer header the connection was made from
     * @param peerIncarnation its owner incarnation
     * @param peerConfirm     judges the peer's block again when its header changed
     */
    RingConsumer(Medium medium, long ring, long capacity, long ownBlock, long peerBlock, long peerSequence,
                 long peerIncarnation, PeerConfirm peerConfirm) {
        super(medium, ring, capacity, rxGroup(ownBlock), txGroup(peerBlock));
        boolean block = medium.kind() == Medium.Kind.BLOCK;
        this.readAhead = block ? ByteBuffer.allocateDirect((int) Math.min(capacity, READ_AHEAD_MAX)) : null;
        this.watch = block ? ByteBuffer.allocateDirect(WATCH_LENGTH).order(ByteOrder.LITTLE_ENDIAN) : null;
        this.peerBlock = peerBlock;
        this.peerIncarnation = peerIncarnation;
        this.confirmedSequence = peerSequence;
        this.peerConfirm = peerConfirm;
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
            if (!peerUnchanged()) {
                return 0; // a reset was thrown if the block is another's; unreadable: look again later
            }
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
        int at = dst.position();
        // on the block medium through the read-ahead too: one read (and one confirmation) for
        // all that is published, however small the caller's buffer
        boolean read = copyOut(head, dst, n);
        if (!confirmed(read)) {
            dst.position(at); // not known to be our peer's bytes: not delivered
            return 0;
        }
        release(head + n);
        if (read) {
            refreshTail();
        }
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
        boolean read = copyOut(head, frameHeader, RingProducer.FRAME_HEADER);
        long length = frameHeader.getLong(0);
        long frame = RingProducer.frameLength(length);
        if (length < 0 || length > maxMessage || frame > avail) {
            if (!confirmed(read)) {
                return EMPTY;
            }
            throw new SocketException("Connection reset: the peer wrote a message length of " + length
                    + " bytes with " + avail + " bytes published (max " + maxMessage + "; damaged ring)");
        }
        int room = dst.remaining();
        if (length > room && !truncate) {
            return confirmed(read) ? length : EMPTY;
        }
        int n = (int) Math.min(length, room);
        int at = dst.position();
        read |= copyOut(head + RingProducer.FRAME_HEADER, dst, n);
        if (!confirmed(read)) {
            dst.position(at);
            return EMPTY;
        }
        release(head + frame);
        if (read) {
            refreshTail();
        }
        return length;
    }

    /**
     * After bytes were read out of the ring ({@code read}; frames served from the block
     * medium's read-ahead were confirmed when it was filled): whether they are our peer's.
     * If not, the read-ahead is dropped too.
     */
    private boolean confirmed(boolean read) throws SocketException {
        if (!read || peerUnchanged()) {
            return true;
        }
        readAheadTo = readAheadFrom; // what it holds was not confirmed
        return false;
    }

    /**
     * Whether the peer's block is still the one last confirmed ours: called after a copy out
     * of its ring (or a read of its flags), so that bytes copied from memory given to another
     * connection meanwhile are never delivered. Its sequence and owner incarnation are
     * re-read after the copy (whose acquire keeps these loads after it); the peer's node makes every reuse
     * of the ring, and of the block's live words, follow a rewrite of the block's header
     * (release FREE, or a claim's zeroing of the partition), and the sequence of one
     * incarnation's block only grows. Unchanged: the bytes are ours. Changed: judged again,
     * strictly.
     *
     * @return false when the header could not be read consistently: deliver nothing now
     * @throws SocketException "Connection reset" when the block is no longer our peer's
     */
    private boolean peerUnchanged() throws SocketException {
        long sequence;
        long incarnation;
        if (watch == null) {
            sequence = medium.getLongAcquire(peerBlock + SEQUENCE_OFFSET);
            incarnation = medium.getLongAcquire(peerBlock + OWNER_INCARNATION_OFFSET);
        } else {
            // the block medium: one sector read, whose tail then spares the next read of it
            watch.clear();
            medium.readAcquire(peerBlock, watch);
            sequence = watch.getLong(SEQUENCE_OFFSET);
            incarnation = watch.getLong(OWNER_INCARNATION_OFFSET);
        }
        if (sequence == confirmedSequence && incarnation == peerIncarnation) {
            return true;
        }
        if (watch != null) {
            watch.putLong(TX_TAIL_OFFSET, 0); // no tail from a header not confirmed
        }
        // garbage read from a truncated segment looks like a changed header too: fail typed
        // now (one load when nothing faulted) rather than fault through a strict re-read
        medium.surfaceLateFault();
        long confirmed = peerConfirm.confirm();
        if (confirmed == UNREADABLE) {
            return false;
        }
        confirmedSequence = confirmed;
        return true;
    }

    /** Block medium: takes the tail the last confirmation read, if it shows more (checked like any tail). */
    private void refreshTail() {
        if (watch != null) {
            long tail = watch.getLong(TX_TAIL_OFFSET);
            if (tail > tailCache && tail - head <= capacity) {
                tailCache = tail;
            }
        }
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
        return available() == 0 && peerUnchanged();
    }

    /**
     * Copies ring bytes, through the read-ahead buffer where there is one and they fit it.
     *
     * @return whether it read the ring (false: served from the read-ahead)
     */
    private boolean copyOut(long position, ByteBuffer dst, int n) {
        if (readAhead == null || n > readAhead.capacity()) {
            copy(position, dst, n, false);
            return true;
        }
        boolean read = false;
        if (position < readAheadFrom || position + n > readAheadTo) {
            long to = Math.min(tailCache, position + readAhead.capacity());
            readAhead.clear().limit((int) (to - position));
            copy(position, readAhead, readAhead.limit(), false);
            readAheadFrom = position;
            readAheadTo = to;
            read = true;
        }
        int at = dst.position();
        dst.put(at, readAhead, (int) (position - readAheadFrom), n);
        dst.position(at + n);
        return read;
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
