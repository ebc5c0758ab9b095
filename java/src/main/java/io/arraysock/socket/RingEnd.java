package io.arraysock.socket;

import io.arraysock.api.IdleStrategy;
import io.arraysock.medium.Medium;

import java.nio.ByteBuffer;

import static io.arraysock.format.ControlBlockDescriptor.RX_HEAD_OFFSET;
import static io.arraysock.format.ControlBlockDescriptor.TX_EVENTS_OFFSET;
import static io.arraysock.format.ControlBlockDescriptor.TX_FLAGS_OFFSET;
import static io.arraysock.format.ControlBlockDescriptor.TX_TAIL_OFFSET;
import static io.arraysock.format.ControlBlockDescriptor.TX_WAITING_OFFSET;

/**
 * What both ends of a ring share: the ring's bytes, and two groups of live words, ours
 * (we alone write them) and the peer's. Each group is a position, a "waiting" word, a
 * flags word and an "events" word, laid out alike for the tx and rx groups (see
 * {@code ControlBlockDescriptor}). The wake-up handshake (docs/PROTOCOL.md): the side that
 * moves its position looks at the other's waiting word and, if set, bumps its own events
 * word and futex-wakes it; a sleeper reads that events word before re-checking, so no wake
 * is lost.
 */
abstract class RingEnd extends RingEndPadding implements IdleStrategy.Sleeper {
    /** A waiting word's value: a thread sleeps on the other side's events word. */
    static final int WAITING_THREAD = 1;
    /** A waiting word's value: an event loop sleeps on its node's loop bell ({@link LoopBell}). */
    static final int WAITING_LOOP = 2;
    private static final int WAITING = TX_WAITING_OFFSET - TX_TAIL_OFFSET;
    private static final int FLAGS = TX_FLAGS_OFFSET - TX_TAIL_OFFSET;
    private static final int EVENTS = TX_EVENTS_OFFSET - TX_TAIL_OFFSET;

    final Medium medium;
    final long ring;
    final long capacity;
    final long mask;
    final boolean wakeups;
    private final long positionWord;
    private final long waitingWord;
    private final long flagsWord;
    private final long eventsWord;
    final long peerPositionWord;
    private final long peerWaitingWord;
    private final long peerFlagsWord;
    private final long peerEventsWord;
    private int events;
    private int flags;
    /**
     * What this direction counted; its data path ({@link SendPath}, {@link ReceivePath})
     * adds to it, and {@link #sleep} counts the wake-ups received.
     */
    final DirectionCounters counters = new DirectionCounters();
    /** The peer node's loop bell word, rung when the peer's waiting word says {@link #WAITING_LOOP}; -1: none known. */
    private long peerLoopBell = -1;

    /**
     * @param ownGroup  offset of our live-word group (our block + TX_TAIL or RX_HEAD offset)
     * @param peerGroup offset of the peer's matching group
     */
    RingEnd(Medium medium, long ring, long capacity, long ownGroup, long peerGroup) {
        this.medium = medium;
        this.ring = ring;
        this.capacity = capacity;
        this.mask = capacity - 1;
        this.wakeups = medium.supportsWakeups();
        this.positionWord = ownGroup;
        this.waitingWord = ownGroup + WAITING;
        this.flagsWord = ownGroup + FLAGS;
        this.eventsWord = ownGroup + EVENTS;
        this.peerPositionWord = peerGroup;
        this.peerWaitingWord = peerGroup + WAITING;
        this.peerFlagsWord = peerGroup + FLAGS;
        this.peerEventsWord = peerGroup + EVENTS;
        this.events = medium.getIntAcquire(eventsWord);
        this.flags = medium.getIntAcquire(flagsWord);
    }

    /** The tx group of a block (producer side) or its rx group (consumer side). */
    static long txGroup(long block) {
        return block + TX_TAIL_OFFSET;
    }

    static long rxGroup(long block) {
        return block + RX_HEAD_OFFSET;
    }

    long capacity() {
        return capacity;
    }

    /** Our position as last published (read once, at the start). */
    final long initialPosition() {
        return medium.getLongAcquire(positionWord);
    }

    /** Where the peer node's loop bell is (shm), for a peer whose event loop sleeps. */
    final void peerLoopBell(long word) {
        this.peerLoopBell = word;
    }

    /**
     * Publishes our new position and wakes the peer if it sleeps: its thread (events word)
     * or its event loop (its node's loop bell). The look at the waiting word was there
     * before the loop bell; a loop's mark costs only a compare on this path.
     */
    final void advance(long position) {
        medium.putLongRelease(positionWord, position);
        if (wakeups) {
            medium.fullFence();
            int waiting = medium.getIntAcquire(peerWaitingWord);
            if (waiting != 0) {
                if (waiting == WAITING_LOOP && peerLoopBell >= 0) {
                    signal(); // the word the loop sleeps on beside its bell: never lost
                    medium.wake(peerLoopBell);
                } else {
                    signal();
                }
            }
        }
    }

    /**
     * Marks our waiting word for an event loop that is about to sleep on our node's loop
     * bell ({@code on}), or clears it. The loop then fences and looks at the ring once more
     * before it sleeps. Shm only (elsewhere nobody wakes a loop, and a mark would be a
     * sector write); the caller is the thread of this direction (the loop).
     */
    final void loopWaiting(boolean on) {
        if (wakeups) {
            medium.putIntRelease(waitingWord, on ? WAITING_LOOP : 0);
            if (on) {
                LoopBell.watch(peerEventsWord);
            }
        }
    }

    /** Tells a sleeping peer to look again: bumps our events word and wakes it (shm only). */
    private void signal() {
        medium.putIntRelease(eventsWord, ++events);
        medium.wake(eventsWord);
    }

    /**
     * Sets one of our flags (after everything published before it) and wakes the peer. On
     * a medium without wake-ups nobody sleeps on the events word, and bumping it would be a
     * second sector write for one flag.
     */
    final void raise(int flag) {
        flags |= flag;
        medium.putIntRelease(flagsWord, flags);
        if (wakeups) {
            medium.fullFence();
            signal();
            if (peerLoopBell >= 0 && medium.getIntAcquire(peerWaitingWord) == WAITING_LOOP) {
                medium.wake(peerLoopBell);
            }
        }
    }

    final boolean peerHasFlag(int flag) {
        return (medium.getIntAcquire(peerFlagsWord) & flag) != 0;
    }

    /** A view of the ring's memory, for the zero-copy calls (made once); null where the medium maps none. */
    final ByteBuffer ringView() {
        return capacity > Integer.MAX_VALUE ? null : medium.view(ring, (int) capacity);
    }

    /** Copies {@code n} bytes between the ring at {@code position} and {@code buf}, wrapping at the end. */
    final void copy(long position, ByteBuffer buf, int n, boolean intoRing) {
        int index = (int) (position & mask);
        int first = (int) Math.min(n, capacity - index);
        int limit = buf.limit();
        buf.limit(buf.position() + first);
        transfer(ring + index, buf, intoRing);
        buf.limit(limit);
        if (first < n) {
            buf.limit(buf.position() + n - first);
            transfer(ring, buf, intoRing);
            buf.limit(limit);
        }
    }

    private void transfer(long at, ByteBuffer buf, boolean intoRing) {
        if (intoRing) {
            medium.writeRelease(at, buf);
        } else {
            medium.readAcquire(at, buf);
        }
    }

    @Override
    public final boolean canSleep() {
        return wakeups;
    }

    /**
     * Sleeps until the peer signals, unless it already moved past {@code seenPeerPosition()}
     * or ended. A sleep that ends with the peer's events word moved was ended by the peer's
     * signal: a wake-up received (a timeout or a spurious return leaves the word as seen).
     */
    @Override
    public final void sleep(long maxNanos) {
        medium.putIntRelease(waitingWord, WAITING_THREAD);
        medium.fullFence();
        int seen = medium.getIntAcquire(peerEventsWord);
        if (medium.getLongAcquire(peerPositionWord) == seenPeerPosition() && !peerFinished()) {
            medium.awaitChange(peerEventsWord, seen, maxNanos);
            if (medium.getIntAcquire(peerEventsWord) != seen) {
                counters.woken();
            }
        }
        medium.putIntRelease(waitingWord, 0);
    }

    /** The peer's position as we last saw it: a different one means news, no sleep. */
    abstract long seenPeerPosition();

    /** Whether the peer raised the flag that ends our waiting (end of stream, input shut). */
    abstract boolean peerFinished();
}
