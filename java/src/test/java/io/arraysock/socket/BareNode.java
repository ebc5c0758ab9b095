package io.arraysock.socket;

import io.arraysock.format.Geometry;
import io.arraysock.medium.Medium;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A node without a node table: for in-process tests of the socket layer on one medium. A
 * record, whose accessors are {@link NodeContext}'s medium, geometry, slot, incarnation and
 * counters; {@code live} is the registry of the nodes that count as alive, {@code failed}
 * the failed I/O that stopped it.
 */
record BareNode(Medium medium, Geometry geometry, int slot, long incarnation, Map<Integer, Long> live,
                AtomicReference<IOException> failed, NodeCounters counters) implements NodeContext {

    BareNode(Medium medium, Geometry geometry, int slot, Map<Integer, Long> live) throws IOException {
        this(medium, geometry, slot, ThreadLocalRandom.current().nextLong() | 1, live, new AtomicReference<>(),
                new NodeCounters());
        medium.own(geometry.nodeRecordOffset(slot), geometry.sectorSize()); // its connect-request and answer words
        medium.own(geometry.partitionOffset(slot), geometry.partitionLength());
        medium.own(geometry.arenaOffset(slot), geometry.arenaSize());
        live.put(slot, incarnation);
    }

    static Map<Integer, Long> registry() {
        return new ConcurrentHashMap<>();
    }

    void die() {
        live.remove(slot);
    }

    @Override
    public long liveIncarnation(int s) {
        return live.getOrDefault(s, 0L);
    }

    @Override
    public void checkAttached() throws IOException {
        IOException cause = failed.get();
        if (cause != null) {
            throw new IOException("node " + slot + " stopped after a failed I/O", cause);
        }
    }

    @Override
    public void ioFailed(IOException cause) {
        failed.set(cause);
    }
}
