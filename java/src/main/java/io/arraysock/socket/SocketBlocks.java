package io.arraysock.socket;

import io.arraysock.format.ControlBlockHeader;

import java.io.IOException;
import java.net.SocketException;
import java.util.BitSet;

/**
 * The control blocks of our partition and the ring memory of our arena, handed out to
 * the sockets of one node and taken back. When either runs out, {@code reclaim} runs once
 * (closed sockets whose peers let go meanwhile return theirs now, not at the next
 * heartbeat) before the allocation fails.
 */
final class SocketBlocks {
    private final ControlBlockTable table;
    private final NodeContext node;
    private final int slot;
    private final int socketsPerNode;
    final ArenaAllocator arena;
    /** Publishes the node's error log into the arena (set by the counter publisher); yields its granule to rings. */
    volatile ErrorLogWriter errorLogWriter;
    private final Runnable reclaim;
    private final BitSet used = new BitSet();

    SocketBlocks(NodeContext node, ControlBlockTable table, Runnable reclaim) {
        this.table = table;
        this.node = node;
        this.slot = node.slot();
        this.socketsPerNode = node.geometry().socketsPerNode();
        this.arena = new ArenaAllocator(node.geometry().arenaOffset(slot), node.geometry().arenaSize());
        this.reclaim = reclaim;
    }

    /** A free index of our partition, or an exception saying all are in use. */
    int allocateIndex() throws IOException {
        int index = tryAllocateIndex();
        if (index < 0) {
            reclaim.run();
            index = tryAllocateIndex();
        }
        if (index < 0) {
            throw new SocketException("too many open sockets: all " + socketsPerNode
                    + " control blocks of node " + slot + " are in use");
        }
        return index;
    }

    private synchronized int tryAllocateIndex() {
        int index = used.nextClearBit(0);
        if (index >= socketsPerNode) {
            return -1;
        }
        used.set(index);
        return index;
    }

    private synchronized void releaseIndex(int index) {
        used.clear(index);
    }

    /** Writes a fresh header for our block {@code index}: next generation, zeroed live words. */
    ControlBlockHeader newHeader(int index, int type, int state) {
        // every live word (positions, flags, events) starts at zero: a recycled block must not
        // carry its previous socket's end-of-stream or shut flags into the new connection
        return table.writeFresh(index, freshHeader(index, type, state));
    }

    /**
     * The header {@link #newHeader} writes, not written: for a caller that fills it in and
     * writes it with {@link ControlBlockTable#writeFresh} itself (an answer to a connect
     * request: one sector write instead of two), or gives the index back unwritten with
     * {@link #releaseUnwritten}.
     */
    ControlBlockHeader freshHeader(int index, int type, int state) {
        ControlBlockHeader old = table.read(slot, index);
        int gen = old == null ? 1 : old.generation() + 1;
        long seq = old == null ? 0 : old.sequence();
        return new ControlBlockHeader(seq, state, gen, node.incarnation(), type, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                0, ControlBlockHeader.NO_TAG);
    }

    /** Returns an index from {@link #allocateIndex} whose block was never written (still FREE on the medium). */
    void releaseUnwritten(int index) {
        releaseIndex(index);
    }

    /** Marks our block {@code index} FREE (keeping its generation), and returns its ring and index. */
    void release(int index, ControlBlockHeader h) {
        table.write(index, ControlBlockHeader.FREE.withSequence(h.sequence()).withGeneration(h.generation()));
        if (h.txRingCapacity() != 0) {
            arena.release(h.txRingOffset(), h.txRingCapacity());
        }
        releaseIndex(index);
    }

    /** The ring size for {@code wanted} bytes ({@link ArenaAllocator#ringCapacity}). */
    long ringCapacity(long wanted) {
        return arena.ringCapacity(wanted);
    }

    /** Ring memory of {@code capacity} bytes in our arena, or an exception saying the arena is full. */
    long allocateRing(long capacity) throws IOException {
        long at = arena.allocate(capacity);
        if (at < 0) {
            reclaim.run();
            at = arena.allocate(capacity);
        }
        ErrorLogWriter log = errorLogWriter;
        if (at < 0 && log != null) {
            node.checkAttached(); // a fenced node writes nothing, not even the log's header
            if (log.yieldRoom()) { // rings win: the log is placed again where there is room
                at = arena.allocate(capacity);
            }
        }
        if (at < 0) {
            throw new SocketException("no buffer space: node " + slot + "'s arena has "
                    + arena.freeBytes() + " bytes free, a " + capacity + "-byte ring does not fit");
        }
        return at;
    }

    /** Returns a ring that no block references (a connect attempt taken back). */
    void releaseRing(long at, long capacity) {
        arena.release(at, capacity);
    }
}
