package io.arraysock.node;

import io.arraysock.format.NodeRecord;
import io.arraysock.api.NodeState;
import io.arraysock.medium.Medium;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Judges whether the holder of a node slot is alive, as this process sees it.
 *
 * <p>A holder that opened the same file as we did on the same host (equal lock identity and
 * host id) holds the OFD lock on its slot's byte while it lives, and the kernel drops that
 * lock when it dies: its liveness is known at once. Any other holder is judged by its
 * heartbeat counter: alive once we saw it move, dead once it stood still for the liveness
 * timeout measured on our own clock (clocks of different hosts are never compared), unknown
 * in between. Observations are remembered per slot and incarnation, so repeated calls
 * (every heartbeat tick) accumulate evidence. Thread-safe.
 */
public final class Liveness {
    private final Medium medium;
    private final NodeIdentity self;
    private final long timeoutNanos;
    private final Map<Integer, Observation> observations = new HashMap<>();
    private volatile int selfSlot = -1;

    /** The last heartbeat value seen for one incarnation, and since when (our clock). */
    private record Observation(long incarnation, long heartbeat, long sinceNanos, boolean moved) {
    }

    public Liveness(Medium medium, NodeIdentity self, long timeoutNanos) {
        this.medium = medium;
        this.self = self;
        this.timeoutNanos = timeoutNanos;
    }

    public long timeoutNanos() {
        return timeoutNanos;
    }

    public void setSelfSlot(int slot) {
        selfSlot = slot;
    }

    /** Whether the holder's liveness can be read from the OFD lock (same file, same host). */
    public boolean isLocallyKnowable(NodeRecord record) {
        return record.lockIdentity().equals(self.lockIdentity()) && record.hostId().equals(self.hostId())
                && (record.hostId().getMostSignificantBits() != 0 || record.hostId().getLeastSignificantBits() != 0);
    }

    /** Judges {@code slot}, whose header is {@code record} and heartbeat {@code heartbeat}, at {@code nowNanos}. */
    public Verdict judge(int slot, NodeRecord record, long heartbeat, long nowNanos) throws IOException {
        if (record.state() == NodeState.FREE) {
            forget(slot);
            return Verdict.FREE;
        }
        if (slot == selfSlot && record.incarnation() == self.incarnation()) {
            return Verdict.SELF;
        }
        if (isLocallyKnowable(record)) {
            observe(slot, record.incarnation(), heartbeat, nowNanos); // for the heartbeat age only
            return medium.isLockedElsewhere(slot) ? Verdict.ALIVE : Verdict.DEAD;
        }
        Observation o = observe(slot, record.incarnation(), heartbeat, nowNanos);
        if (nowNanos - o.sinceNanos >= timeoutNanos) {
            return Verdict.DEAD;
        }
        return o.moved ? Verdict.ALIVE : Verdict.UNKNOWN;
    }

    /** Nanoseconds since the slot's heartbeat was last seen to change (or first seen), or -1 if never observed. */
    public synchronized long heartbeatAgeNanos(int slot, long nowNanos) {
        Observation o = observations.get(slot);
        return o == null ? -1 : nowNanos - o.sinceNanos;
    }

    private synchronized Observation observe(int slot, long incarnation, long heartbeat, long nowNanos) {
        Observation o = observations.get(slot);
        if (o == null || o.incarnation != incarnation) {
            o = new Observation(incarnation, heartbeat, nowNanos, false);
            observations.put(slot, o);
        } else if (o.heartbeat != heartbeat) {
            o = new Observation(incarnation, heartbeat, nowNanos, true);
            observations.put(slot, o);
        }
        return o;
    }

    private synchronized void forget(int slot) {
        observations.remove(slot);
    }
}
