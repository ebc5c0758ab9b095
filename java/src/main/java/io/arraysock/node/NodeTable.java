package io.arraysock.node;

import io.arraysock.api.CorruptMediumException;
import io.arraysock.format.Geometry;
import io.arraysock.format.NodeRecord;
import io.arraysock.format.NodeRecordCodec;
import io.arraysock.format.NodeRecordDescriptor;
import io.arraysock.medium.Medium;

import java.nio.ByteBuffer;

/** The node table of one medium: reads records and heartbeats, writes the headers of owned slots. */
public record NodeTable(Medium medium, Geometry geometry) {

    /** The slot's sealed header, through the medium (never a cache). */
    public NodeRecord read(int slot) throws CorruptMediumException {
        return NodeRecordCodec.read(medium, geometry, slot);
    }

    /** {@link #read} and {@link #heartbeat} of one look: on the block medium one sector read, not two. */
    public NodeRecordCodec.Look readWithHeartbeat(int slot) throws CorruptMediumException {
        return NodeRecordCodec.readWithHeartbeat(medium, geometry, slot);
    }

    public long heartbeat(int slot) {
        return NodeRecordCodec.readHeartbeat(medium, geometry, slot);
    }

    /** Rewrites the slot's sealed header; the slot's sector must be owned. The heartbeat is not touched. */
    public void write(int slot, NodeRecord record) {
        ByteBuffer b = NodeRecordCodec.encode(record);
        medium.writeRelease(geometry.nodeRecordOffset(slot), b);
    }

    /** Release-stores the slot's heartbeat; the slot's sector must be owned. */
    public void putHeartbeat(int slot, long value) {
        medium.putLongRelease(geometry.nodeRecordOffset(slot) + NodeRecordDescriptor.HEARTBEAT_OFFSET, value);
    }

    public long recordOffset(int slot) {
        return geometry.nodeRecordOffset(slot);
    }
}
