package io.arraysock.socket;

import io.arraysock.format.Geometry;
import io.arraysock.medium.Medium;

import java.io.IOException;

/**
 * What the socket layer needs of the attached node beneath it: the medium, its geometry,
 * our slot and incarnation, and this observer's judgement of other nodes' liveness.
 * {@code StorageArray} provides it; tests may provide a bare one.
 */
public interface NodeContext {
    Medium medium();

    Geometry geometry();

    /** Our node slot. */
    int slot();

    /** Our incarnation: new for every attach, written into every control block we own. */
    long incarnation();

    /**
     * The incarnation of the live node in {@code slot}, or 0 when the slot is free or its
     * node is judged dead. Cheap: answered from the node layer's latest observation.
     */
    long liveIncarnation(int slot);

    /** Throws if this node is no longer attached (closed, or its slot was lost). */
    void checkAttached() throws IOException;

    /**
     * An I/O to the medium failed under the socket layer: what this node last wrote is
     * unknown, so it stops writing (its slot is lost, its sockets fenced) and its peers see
     * it dead within the liveness timeout. {@link #checkAttached()} then throws, with
     * {@code cause} as the cause.
     */
    void ioFailed(IOException cause);

    /** What this node counts of its connections (published to its node record). */
    NodeCounters counters();
}
