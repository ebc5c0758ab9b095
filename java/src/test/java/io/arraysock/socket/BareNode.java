package io.arraysock.socket;

import io.arraysock.format.Geometry;
import io.arraysock.medium.Medium;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/** A node without a node table: for in-process tests of the socket layer on one medium. */
final class BareNode implements NodeContext {
    private final Medium medium;
    private final Geometry geometry;
    private final int slot;
    private final long incarnation = ThreadLocalRandom.current().nextLong() | 1;
    private final Map<Integer, Long> live;
    private volatile java.io.IOException failed;

    BareNode(Medium medium, Geometry geometry, int slot, Map<Integer, Long> live) throws java.io.IOException {
        this.medium = medium;
        this.geometry = geometry;
        this.slot = slot;
        this.live = live;
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
    public Medium medium() {
        return medium;
    }

    @Override
    public Geometry geometry() {
        return geometry;
    }

    @Override
    public int slot() {
        return slot;
    }

    @Override
    public long incarnation() {
        return incarnation;
    }

    @Override
    public long liveIncarnation(int s) {
        return live.getOrDefault(s, 0L);
    }

    @Override
    public void checkAttached() throws java.io.IOException {
        java.io.IOException cause = failed;
        if (cause != null) {
            throw new java.io.IOException("node " + slot + " stopped after a failed I/O", cause);
        }
    }

    @Override
    public void ioFailed(java.io.IOException cause) {
        failed = cause;
    }

    private final NodeCounters counters = new NodeCounters();

    @Override
    public NodeCounters counters() {
        return counters;
    }
}
