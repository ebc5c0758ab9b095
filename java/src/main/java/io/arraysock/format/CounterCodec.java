package io.arraysock.format;

import io.arraysock.api.NodeStats;
import io.arraysock.api.SocketStats;
import io.arraysock.medium.Medium;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import static io.arraysock.format.SocketCountersDescriptor.*;

/**
 * Reads the counters of docs/FORMAT.md ("Socket counters", "Node counters") without
 * trusting them: each value is returned as read, to be shown, and nothing is sized or
 * indexed by one. A socket's lines count only when their generation is the block's, a
 * node's area only when its incarnation is the record's: anything else is an earlier
 * holder's (or never written), and reads as absent (null).
 */
public final class CounterCodec {
    private CounterCodec() {
    }

    /**
     * The counters of block {@code index} of node {@code slot}, if both lines carry
     * {@code generation} (the block's, from its sealed header); else null.
     */
    public static SocketStats socket(Medium medium, Geometry geometry, int slot, int index, int generation) {
        long block = geometry.controlBlockOffset(slot, index);
        ByteBuffer b = ByteBuffer.allocate(AREA_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        medium.readAcquire(block + AREA_START, b);
        int rx = RX_BYTES_OFFSET - TX_BYTES_OFFSET;
        if (generation == 0 || b.getInt(LINE_GENERATION) != generation || b.getInt(rx + LINE_GENERATION) != generation) {
            return null;
        }
        long txEvents = Integer.toUnsignedLong(medium.getIntAcquire(block + ControlBlockDescriptor.TX_EVENTS_OFFSET));
        long rxEvents = Integer.toUnsignedLong(medium.getIntAcquire(block + ControlBlockDescriptor.RX_EVENTS_OFFSET));
        return new SocketStats(slot, index, b.getLong(LINE_BYTES), b.getLong(LINE_MESSAGES), b.getLong(LINE_WAITS),
                b.getLong(rx + LINE_BYTES), b.getLong(rx + LINE_MESSAGES), b.getLong(rx + LINE_WAITS),
                b.getLong(LINE_PUBLISHES), txEvents, rxEvents,
                b.getLong(LINE_WAKES), b.getLong(rx + LINE_WAKES));
    }

    /** Node {@code slot}'s counters, if they carry {@code incarnation} (the record's); else null. */
    public static NodeStats node(Medium medium, Geometry geometry, int slot, long incarnation) {
        ByteBuffer b = ByteBuffer.allocate(NodeCountersDescriptor.AREA_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        medium.readAcquire(geometry.nodeRecordOffset(slot) + NodeRecordDescriptor.COUNTERS_OFFSET, b);
        int base = NodeCountersDescriptor.CONNECTS_OFFSET;
        if (incarnation == 0 || b.getLong(NodeCountersDescriptor.INCARNATION_OFFSET - base) != incarnation) {
            return null;
        }
        List<Long> refusals = new ArrayList<>();
        for (int i = 0; i < NodeCountersDescriptor.REFUSAL_REASONS; i++) {
            refusals.add(b.getLong(NodeCountersDescriptor.REFUSALS_OFFSET - base + i * Long.BYTES));
        }
        return new NodeStats(slot, b.getLong(0), b.getLong(NodeCountersDescriptor.CONNECT_FAILURES_OFFSET - base),
                b.getLong(NodeCountersDescriptor.ACCEPTS_OFFSET - base), refusals,
                b.getLong(NodeCountersDescriptor.RESETS_OFFSET - base),
                b.getLong(NodeCountersDescriptor.DAMAGED_CHUNKS_OFFSET - base),
                b.getLong(NodeCountersDescriptor.AUTHENTICATION_FAILURES_OFFSET - base),
                b.getLong(NodeCountersDescriptor.NODES_SEEN_DEAD_OFFSET - base),
                b.getLong(NodeCountersDescriptor.PUBLISHES_OFFSET - base));
    }
}
