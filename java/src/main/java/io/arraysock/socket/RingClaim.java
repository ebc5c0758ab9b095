package io.arraysock.socket;

import java.net.SocketException;
import java.nio.ByteBuffer;

import static io.arraysock.format.ChunkDescriptor.MESSAGE_LENGTH_SIZE;

/**
 * The zero-copy claim of one connection's sending direction ({@link SendPath#claim}): where
 * a claim goes, which one is open, how long it is, and the buffers it hands out
 * ({@link RingViews}). A claim lies in place in the ring at the tail (its commit publishes
 * it there, one tail store) or in the socket's staging buffer (its commit sends it by the
 * copy path). An open claim holds the tail: no send may run until it is committed or
 * aborted. Made by the first claim; the sender's alone.
 */
final class RingClaim {
    private static final int NO_CLAIM = 0;
    /** The claim is a view of the ring at the tail: its commit publishes it in place. */
    private static final int IN_RING = 1;
    /** The claim is the staging buffer: its commit sends it by the copy path. */
    private static final int STAGED = 2;

    private final RingProducer producer;
    private final RingViews views;
    /** A chunked ring: every claim is staged (its pipeline stages the commit as a send). */
    private final boolean chunked;
    /** A seqpacket socket: a claim is one message, a frame in the ring. */
    private final boolean message;
    /** The open claim: {@link #NO_CLAIM}, {@link #IN_RING} or {@link #STAGED}. */
    private int kind = NO_CLAIM;
    private int length;

    RingClaim(RingProducer producer, boolean chunked, boolean message) {
        this.producer = producer;
        this.views = new RingViews(chunked ? null : producer.ringView(), false);
        this.chunked = chunked;
        this.message = message;
    }

    /** Whether a claim is open (committed or aborted not yet). */
    boolean isOpen() {
        return kind != NO_CLAIM;
    }

    /**
     * Refuses a claim no ring could hold: a stream claim longer than the ring (or negative),
     * and on a chunked ring a non-blocking stream claim longer than its staging. (A message's
     * length is the send path's to check, as for a send.)
     *
     * @throws IllegalArgumentException then
     */
    void checkLength(int length, boolean blocking) {
        if (length < 0 || !message && length > producer.capacity()) {
            throw new IllegalArgumentException("a stream claim is 0.." + producer.capacity()
                    + " bytes (the send buffer), not " + length);
        }
        if (chunked && !blocking && !message && length > producer.stagingCapacity()) {
            throw new IllegalArgumentException("a non-blocking stream claim on a chunked ring is 0.."
                    + producer.stagingCapacity() + " bytes (its staging), not " + length + "; claim() waits for room");
        }
    }

    /**
     * Opens a claim of {@code length} bytes where it goes now, or returns null when there is
     * no room for it yet (the caller waits, or gives up): in place in the ring on shm when
     * it lies there in one piece; else (it would wrap, the ring is chunked, the peer shut
     * its input) in the staging buffer.
     */
    ByteBuffer open(int length, boolean blocking) throws SocketException {
        if (chunked) {
            // the commit stages the bytes as a send does: a non-blocking claim is refused unless
            // that finds the room now (only this thread stages, so the room can only grow)
            long needed = message ? MESSAGE_LENGTH_SIZE + (long) length : length;
            return !blocking && producer.room() < needed && !producer.peerShut() ? null : staged(length);
        }
        long extent = message ? RingProducer.frameLength(length) : length;
        if (!producer.hasRoom(extent)) {
            return producer.peerShut() ? staged(length) : null; // staged: the commit drops it, or finds the pipe broken
        }
        int index = views.inPlace() ? producer.claimIndex(extent) : -1;
        if (index < 0) {
            return staged(length); // room, but in two pieces (or unmapped): the commit copies it
        }
        open(IN_RING, length);
        return views.ring(index + (message ? RingProducer.FRAME_HEADER : 0), length);
    }

    private ByteBuffer staged(int length) {
        open(STAGED, length);
        return views.staging(length);
    }

    private void open(int kind, int length) {
        this.kind = kind;
        this.length = length;
    }

    /**
     * Ends the open claim (for its commit or abort): whether it lay in the ring. What it
     * handed out stays set until {@link #retire}.
     */
    boolean end() {
        boolean inRing = kind == IN_RING;
        kind = NO_CLAIM;
        return inRing;
    }

    /** A staged claim just ended: its bytes, to send by the copy path. */
    ByteBuffer stagedBytes() {
        ByteBuffer staged = views.staging(length);
        staged.limit(length);
        return staged;
    }

    /**
     * An in-ring claim just ended: publishes it in place, one tail store (a message's length
     * first), and counts it. The claim found room, so it is published as an offer with room
     * is, the peer's shut or not.
     */
    void publishInRing() {
        if (message) {
            producer.commitFrame(length);
            producer.counters.message(length);
        } else {
            producer.commitBytes(length);
            producer.counters.moved(length);
        }
    }

    /** Empties what the claim handed out: the call is over. */
    void retire() {
        views.retire();
    }
}
