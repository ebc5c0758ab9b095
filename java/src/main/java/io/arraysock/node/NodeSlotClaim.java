package io.arraysock.node;

import io.arraysock.api.NoFreeNodeSlotException;
import io.arraysock.format.Geometry;
import io.arraysock.format.NodeRecord;
import io.arraysock.api.NodeState;
import io.arraysock.format.Zeroing;
import io.arraysock.medium.Medium;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Claims a node slot: intent, settle, read back.
 *
 * <p>Slots are tried from a random start, so that many processes attaching at once mostly
 * try different slots. A slot is claimable when FREE or when its holder is {@linkplain
 * Liveness DEAD}. Slots whose holders live on another host are not knowable at once: if no
 * slot is claimable, those are watched together for one liveness timeout and any that stood
 * still is claimed.
 *
 * <p>One claim: take the OFD lock on the slot's byte (a local claimer or holder keeps us out
 * at once), own the sector, re-read the record (it must still be what we judged), write
 * CLAIMING with our incarnation, wait the settle time, and read it back through the medium.
 * Still ours: own the node's control-block partition and arena, zero the partition (a new
 * incarnation has no sockets; a dead holder's are gone), and write ACTIVE. Not ours: release and go
 * on. The settle time must exceed the time between a claimer's check and its write; a claim
 * that slips past it anyway is caught by the loser's heartbeat, which re-reads the slot.
 */
public final class NodeSlotClaim {
    private static final Logger LOG = System.getLogger(NodeSlotClaim.class.getName());

    private final NodeTable table;
    private final Liveness liveness;
    private final NodeIdentity self;
    private final long settleNanos;
    private final long pollNanos;

    /** The slot won, and the ACTIVE record now on it. */
    public record Claimed(int slot, NodeRecord record, long heartbeat, boolean tookOverDeadNode) {
    }

    public NodeSlotClaim(NodeTable table, Liveness liveness, NodeIdentity self, long settleNanos, long pollNanos) {
        this.table = table;
        this.liveness = liveness;
        this.self = self;
        this.settleNanos = settleNanos;
        this.pollNanos = pollNanos;
    }

    public Claimed claim() throws IOException {
        Geometry g = table.geometry();
        int n = g.nodeSlots();
        int start = ThreadLocalRandom.current().nextInt(n);
        List<Integer> unknown = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int slot = (start + i) % n;
            NodeRecord seen = table.read(slot);
            Verdict v = liveness.judge(slot, seen, table.heartbeat(slot), System.nanoTime());
            if (v == Verdict.FREE || v == Verdict.DEAD) {
                Claimed c = tryClaim(slot, seen);
                if (c != null) {
                    return c;
                }
            } else if (v == Verdict.UNKNOWN) {
                unknown.add(slot);
            }
        }
        if (!unknown.isEmpty()) {
            Claimed c = watchAndClaim(unknown);
            if (c != null) {
                return c;
            }
        }
        throw new NoFreeNodeSlotException(table.medium().path(), "all " + n + " node slots are held by live nodes");
    }

    /** Watches slots of remote holders for one liveness timeout (plus a poll) and claims the first dead one. */
    private Claimed watchAndClaim(List<Integer> slots) throws IOException {
        LOG.log(Level.DEBUG, "{0}: no free node slot; watching {1} remote holders for {2} ms",
                table.medium().path(), slots.size(), TimeUnit.NANOSECONDS.toMillis(liveness.timeoutNanos()));
        long deadline = System.nanoTime() + liveness.timeoutNanos() + 2 * pollNanos;
        while (!slots.isEmpty() && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(pollNanos);
            for (var it = slots.iterator(); it.hasNext(); ) {
                int slot = it.next();
                NodeRecord seen = table.read(slot);
                Verdict v = liveness.judge(slot, seen, table.heartbeat(slot), System.nanoTime());
                if (v == Verdict.ALIVE || v == Verdict.SELF) {
                    it.remove();
                } else if (v == Verdict.FREE || v == Verdict.DEAD) {
                    it.remove();
                    Claimed c = tryClaim(slot, seen);
                    if (c != null) {
                        return c;
                    }
                }
            }
        }
        return null;
    }

    private Claimed tryClaim(int slot, NodeRecord seen) throws IOException {
        Medium m = table.medium();
        Geometry g = table.geometry();
        if (!m.tryLock(slot)) {
            return null;
        }
        long recordOffset = g.nodeRecordOffset(slot);
        boolean won = false;
        try {
            m.own(recordOffset, g.sectorSize());
            NodeRecord now = table.read(slot);
            if (now.sequence() != seen.sequence() || now.incarnation() != seen.incarnation() || now.state() != seen.state()) {
                return null; // someone wrote it since we judged it: judge again another time
            }
            NodeRecord claim = new NodeRecord(now.sequence() + 1, NodeState.CLAIMING, self.incarnation(), self.pid(),
                    self.hostId(), self.lockIdentity(), self.hostName(), now.attachCount() + 1);
            table.write(slot, claim);
            LockSupport.parkNanos(settleNanos);
            NodeRecord back = table.read(slot);
            if (back.incarnation() != self.incarnation() || back.state() != NodeState.CLAIMING
                    || back.sequence() != claim.sequence()) {
                LOG.log(Level.DEBUG, "{0}: lost the race for node slot {1}", m.path(), slot);
                return null;
            }
            boolean tookOver = seen.state() != NodeState.FREE;
            m.own(g.partitionOffset(slot), g.partitionLength());
            m.own(g.arenaOffset(slot), g.arenaSize());
            if (tookOver) {
                LOG.log(Level.INFO, "{0}: taking over node slot {1} of dead node {2} (pid {3} on {4})",
                        m.path(), slot, Long.toHexString(seen.incarnation()), seen.pid(), seen.hostName());
            }
            // a new incarnation starts with no sockets: whatever an earlier holder left
            // (a dead node's sockets, or anything a clean detach missed) is not ours
            Zeroing.zero(m, g.partitionOffset(slot), g.partitionLength());
            NodeRecord active = claim.withState(NodeState.ACTIVE);
            table.write(slot, active);
            won = true;
            return new Claimed(slot, active, table.heartbeat(slot), tookOver);
        } finally {
            if (!won) {
                m.disown(recordOffset, g.sectorSize());
                m.unlock(slot);
            }
        }
    }
}
