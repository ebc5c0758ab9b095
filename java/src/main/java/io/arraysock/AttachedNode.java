package io.arraysock;

import io.arraysock.format.Geometry;
import io.arraysock.format.NodeRecord;
import io.arraysock.format.NodeRecordCodec;
import io.arraysock.medium.Medium;
import io.arraysock.node.Heartbeat;
import io.arraysock.node.Liveness;
import io.arraysock.node.NodeTable;
import io.arraysock.node.Verdict;
import io.arraysock.socket.NodeContext;
import io.arraysock.socket.NodeCounters;

import java.io.IOException;
import java.net.SocketException;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The attached node as the socket layer sees it. Keeps the latest liveness verdict of every
 * slot, refreshed on each heartbeat tick and on demand when older than
 * {@link #REJUDGE_NANOS}, so a node that attached or died a moment ago is seen without
 * waiting for the next tick.
 */
final class AttachedNode implements NodeContext {
    /**
     * A slot's verdict is reused for this long, then judged again on demand: a waiting
     * socket asks every millisecond, and a local death (the OFD lock) must surface within
     * 100 ms.
     */
    private static final long REJUDGE_NANOS = 10_000_000;

    private final Medium medium;
    private final Geometry geometry;
    private final NodeTable table;
    private final Liveness liveness;
    private final Heartbeat heartbeat;
    private final int slot;
    private final long incarnation;
    /** Per slot: the live incarnation, 0 when free or dead. */
    private final AtomicLongArray live;
    private final AtomicLongArray judgedAt;
    private volatile boolean detached;
    private final NodeCounters counters = new NodeCounters();

    AttachedNode(Medium medium, Geometry geometry, NodeTable table, Liveness liveness, Heartbeat heartbeat, int slot,
                 long incarnation) {
        this.medium = medium;
        this.geometry = geometry;
        this.table = table;
        this.liveness = liveness;
        this.heartbeat = heartbeat;
        this.slot = slot;
        this.incarnation = incarnation;
        this.live = new AtomicLongArray(geometry.nodeSlots());
        this.judgedAt = new AtomicLongArray(geometry.nodeSlots());
        live.set(slot, incarnation);
    }

    /** Judges every slot; called on each heartbeat tick. */
    void judgeAll() {
        for (int s = 0; s < geometry.nodeSlots(); s++) {
            judge(s, System.nanoTime());
        }
    }

    private long judge(int s, long now) {
        if (s == slot) {
            return incarnation;
        }
        long inc = 0;
        boolean dead = false;
        NodeRecord r = null;
        try {
            NodeRecordCodec.Look look = table.readWithHeartbeat(s); // one sector read on the block medium
            r = look.record();
            long heartbeat = look.heartbeat();
            // evidence is as new as the read's end: a read held up by a latency spike of our
            // path must not date a heartbeat it saw move to before the spike
            Verdict v = liveness.judge(s, r, heartbeat, Math.max(now, System.nanoTime()));
            // UNKNOWN (a remote node not yet watched for a whole timeout) counts as alive
            inc = v == Verdict.ALIVE || v == Verdict.UNKNOWN ? r.incarnation() : 0;
            dead = v == Verdict.DEAD;
        } catch (IOException e) {
            inc = 0; // a damaged record is no live node
        }
        if (live.getAndSet(s, inc) != 0 && dead) {
            // judged alive before, dead now (a node that detached is FREE); named only then: an idle loop judges every 10 ms
            counters.nodeSeenDead("node " + s + " (pid " + r.pid() + "@" + r.hostName() + ")");
        }
        judgedAt.set(s, now);
        return inc;
    }

    void detach() {
        detached = true;
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
        long now = System.nanoTime();
        if (s != slot && now - judgedAt.get(s) >= REJUDGE_NANOS) {
            return judge(s, now);
        }
        return live.get(s);
    }

    @Override
    public void checkAttached() throws IOException {
        if (detached) {
            throw new SocketException("the array " + medium.path() + " is closed");
        }
        heartbeat.checkNotLost();
    }

    @Override
    public NodeCounters counters() {
        return counters;
    }

    @Override
    public void ioFailed(IOException cause) {
        heartbeat.declareLost(cause);
    }
}
