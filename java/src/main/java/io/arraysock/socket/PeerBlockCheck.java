package io.arraysock.socket;

import io.arraysock.medium.Medium;

import java.net.SocketException;

import static io.arraysock.format.ControlBlockDescriptor.OWNER_INCARNATION_OFFSET;
import static io.arraysock.format.ControlBlockDescriptor.SEQUENCE_OFFSET;

/**
 * The check a {@link RingConsumer} makes after each copy out of the peer's ring (or read of
 * its flags): whether the peer's block is still the one last confirmed ours, so that bytes
 * copied from memory given to another connection meanwhile are never delivered
 * (docs/PROTOCOL.md, "Data"). Its sequence and owner incarnation, two loads on shm, are
 * compared with those of the header last judged ours; a changed header is judged again,
 * strictly, by the connection ({@link StrictCheck}). The consumer's thread's alone.
 */
final class PeerBlockCheck {
    /** Returned by {@link StrictCheck#confirm} when the peer's header did not read consistently. */
    static final long UNREADABLE = -1;

    /** The strict judgment of the peer's block, for when its header changed. */
    @FunctionalInterface
    interface StrictCheck {
        /**
         * @return the header's sequence if the block is still our peer's, or {@link #UNREADABLE}
         * @throws SocketException "Connection reset" when it is not
         */
        long confirm() throws SocketException;
    }

    private final Medium medium;
    private final long sequenceWord;
    private final long incarnationWord;
    private final long peerIncarnation;
    private final StrictCheck strict;
    /** The peer header's sequence when it was last confirmed ours. */
    private long confirmedSequence;

    /**
     * @param peerBlock       offset of the peer's control block
     * @param peerSequence    the sequence of the peer header the connection was made from
     * @param peerIncarnation its owner incarnation
     * @param strict          judges the peer's block again when its header changed
     */
    PeerBlockCheck(Medium medium, long peerBlock, long peerSequence, long peerIncarnation, StrictCheck strict) {
        this.medium = medium;
        this.sequenceWord = peerBlock + SEQUENCE_OFFSET;
        this.incarnationWord = peerBlock + OWNER_INCARNATION_OFFSET;
        this.peerIncarnation = peerIncarnation;
        this.confirmedSequence = peerSequence;
        this.strict = strict;
    }

    /**
     * Whether the peer's block is still the one last confirmed ours. Its sequence and owner
     * incarnation are re-read after the copy (whose acquire keeps these loads after it); the
     * peer's node makes every reuse of the ring, and of the block's live words, follow a
     * rewrite of the block's header (release FREE, or a claim's zeroing of the partition),
     * and the sequence of one incarnation's block only grows. Unchanged: the bytes are ours.
     * Changed: judged again, strictly.
     *
     * @return false when the header could not be read consistently: deliver nothing now
     * @throws SocketException "Connection reset" when the block is no longer our peer's
     */
    boolean unchanged() throws SocketException {
        long sequence = medium.getLongAcquire(sequenceWord);
        long incarnation = medium.getLongAcquire(incarnationWord);
        if (sequence == confirmedSequence && incarnation == peerIncarnation) {
            return true;
        }
        // garbage read from a truncated segment looks like a changed header too: fail typed
        // now (one load when nothing faulted) rather than fault through a strict re-read
        medium.surfaceLateFault();
        long confirmed = strict.confirm();
        if (confirmed == UNREADABLE) {
            return false;
        }
        confirmedSequence = confirmed;
        return true;
    }
}
