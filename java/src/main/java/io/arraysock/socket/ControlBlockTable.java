package io.arraysock.socket;

import io.arraysock.format.ControlBlockCodec;
import io.arraysock.format.ControlBlockHeader;
import io.arraysock.format.Geometry;

/**
 * The control-block table as one node sees it: the {@link ControlBlockCodec} bound to the
 * node's slot (the only partition it writes) and its liveness judgement (a scan reads the
 * partitions of live nodes only).
 */
final class ControlBlockTable {
    /** Receives each readable block of a scan. */
    @FunctionalInterface
    interface Visitor extends ControlBlockCodec.Visitor {
    }

    private final NodeContext node;
    private final ControlBlockCodec codec;

    ControlBlockTable(NodeContext node) {
        this.node = node;
        this.codec = new ControlBlockCodec(node.medium(), node.geometry());
    }

    Geometry geometry() {
        return codec.geometry();
    }

    long offset(int slot, int index) {
        return codec.offset(slot, index);
    }

    /** @return null when it never read consistently, or a sealed header has bad fields (logged) */
    ControlBlockHeader read(int slot, int index) {
        return codec.read(slot, index);
    }

    /** Orders our last write before the next scan's reads (the write-then-read of intent-then-scan). */
    void fullFence() {
        codec.fullFence();
    }

    /** Writes our own block {@code index}, sealed, with the next sequence number. */
    ControlBlockHeader write(int index, ControlBlockHeader header) {
        return codec.write(node.slot(), index, header);
    }

    /** {@link #write}, with every live word zeroed in the same store ({@link ControlBlockCodec#writeFresh}). */
    ControlBlockHeader writeFresh(int index, ControlBlockHeader header) {
        return codec.writeFresh(node.slot(), index, header);
    }

    /** Visits every block of every live node's partition (ours included). */
    void scan(Visitor visitor) {
        for (int slot = 0; slot < codec.geometry().nodeSlots(); slot++) {
            if (slot == node.slot() || node.liveIncarnation(slot) != 0) {
                codec.scanPartition(slot, visitor);
            }
        }
    }

    /** Visits the blocks of one node's partition. */
    void scanPartition(int slot, Visitor visitor) {
        codec.scanPartition(slot, visitor);
    }
}
