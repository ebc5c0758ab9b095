package io.arraysock.socket;

import io.arraysock.format.Geometry;
import io.arraysock.format.NodeRecordDescriptor;
import io.arraysock.medium.Medium;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The words of the node records that the two halves of connect signal through
 * (docs/PROTOCOL.md, "Connecting"): each node's connect bell (a futex word: a bare wake),
 * its connect-request counter (a change means new requests in its partition) and its
 * connect-answer counter (new answers). Also what our clients remember between connects:
 * where a port's listener was last found, and the answer counter last read per node.
 * Our own words are written only here.
 */
final class ConnectWords {
    private final Medium medium;
    private final Geometry geometry;
    private final int slot;
    /** Values of our connect-request and connect-answer words; random start, so a re-attach never repeats an old value. */
    private final AtomicLong requestsPosted = new AtomicLong(ThreadLocalRandom.current().nextLong());
    private final AtomicLong answersPosted = new AtomicLong(ThreadLocalRandom.current().nextLong());
    /** Where a port's listener was last found, with its block as read then: checked after use. */
    private final Map<Integer, ClientHandshake.ListenerAt> listenersSeen = new ConcurrentHashMap<>();
    /** Per node slot: the last connect-answer word a client of ours read there (see {@link #answersSeen}). */
    private final AtomicReferenceArray<AnswersSeen> answersSeen;

    ConnectWords(Medium medium, Geometry geometry, int slot) {
        this.medium = medium;
        this.geometry = geometry;
        this.slot = slot;
        this.answersSeen = new AtomicReferenceArray<>(geometry.nodeSlots());
    }

    /** Wakes the acceptor of node {@code listenerSlot}, which may be asleep. */
    void ringConnectBell(int listenerSlot) {
        if (medium.supportsWakeups()) {
            medium.wake(geometry.nodeRecordOffset(listenerSlot) + NodeRecordDescriptor.CONNECT_BELL_OFFSET);
        }
    }

    long connectBell() {
        return geometry.nodeRecordOffset(slot) + NodeRecordDescriptor.CONNECT_BELL_OFFSET;
    }

    /** Says, in our node record, that we wrote a CONNECTING block, our block {@code index} (after writing it). */
    void announceConnectRequest(int index) {
        medium.putLongRelease(geometry.nodeRecordOffset(slot) + NodeRecordDescriptor.CONNECT_REQUESTS_OFFSET,
                word(requestsPosted.incrementAndGet(), index));
    }

    /**
     * Says, in our node record, that we wrote an answer to a connect request, our block
     * {@code index} (after writing it; -1: none could be written).
     */
    void announceAnswer(int index) {
        medium.putLongRelease(geometry.nodeRecordOffset(slot) + NodeRecordDescriptor.CONNECT_ANSWERS_OFFSET,
                word(answersPosted.incrementAndGet(), index));
    }

    /** A connect word (docs/FORMAT.md, "Node record"): the post count in the high half, the block it wrote in the low. */
    static long word(long count, int index) {
        return count << 32 | (index & 0xffffffffL);
    }

    /**
     * The block that connect word {@code word} names, if it is one of a partition's
     * {@code socketsPerNode} blocks; else -1. Read from the medium, so only a hint: the
     * caller reads that block and checks it like any other.
     */
    static int namedIndex(long word, int socketsPerNode) {
        int index = (int) word;
        return index >= 0 && index < socketsPerNode ? index : -1;
    }

    /**
     * Whether {@code word} is the post right after {@code seen} (its count one higher): then
     * the block it names is the only one posted since {@code seen} was read.
     */
    static boolean nextAfter(long seen, long word) {
        return (int) (word >>> 32) == (int) (seen >>> 32) + 1;
    }

    /** Node {@code nodeSlot}'s connect-request word: a change means new requests in its partition. */
    long connectRequests(int nodeSlot) {
        return medium.getLongAcquire(geometry.nodeRecordOffset(nodeSlot) + NodeRecordDescriptor.CONNECT_REQUESTS_OFFSET);
    }

    /** Node {@code nodeSlot}'s connect-answer word: a change means new answers in its partition. */
    long connectAnswers(int nodeSlot) {
        return medium.getLongAcquire(geometry.nodeRecordOffset(nodeSlot) + NodeRecordDescriptor.CONNECT_ANSWERS_OFFSET);
    }

    /** A connect-answer word as read, and the incarnation of the node that wrote it. */
    record AnswersSeen(long incarnation, long value) {
    }

    /**
     * The last value of node {@code nodeSlot}'s connect-answer word any client of ours read,
     * if that node is still incarnation {@code incarnation}; else null. A connect takes it
     * as its baseline instead of reading the word again before posting: the word is a
     * counter, so an answer to the new request (written after the post) changes it from
     * any value read before.
     */
    AnswersSeen answersSeen(int nodeSlot, long incarnation) {
        AnswersSeen seen = answersSeen.get(nodeSlot);
        return seen != null && seen.incarnation == incarnation ? seen : null;
    }

    void noteAnswersSeen(int nodeSlot, long incarnation, long value) {
        answersSeen.set(nodeSlot, new AnswersSeen(incarnation, value));
    }

    /** The listener on {@code port} as last found, or null; the caller checks it. */
    ClientHandshake.ListenerAt listenerSeen(int port) {
        return listenersSeen.get(port);
    }

    void rememberListener(int port, ClientHandshake.ListenerAt found) {
        listenersSeen.put(port, found);
    }

    /** Forgets the listener on {@code port}, if it is still {@code seen} (another connect may have found a newer one). */
    void forgetListener(int port, ClientHandshake.ListenerAt seen) {
        listenersSeen.remove(port, seen);
    }
}
