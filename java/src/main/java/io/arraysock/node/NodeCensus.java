package io.arraysock.node;

import io.arraysock.api.CorruptMediumException;
import io.arraysock.api.NodeState;
import io.arraysock.format.NodeRecord;
import io.arraysock.format.Superblock;
import io.arraysock.medium.Medium;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Which node slots of an array hold live nodes, judged from outside, without a slot of our
 * own: holders on this host by their OFD lock at once, others by whether their heartbeat
 * moves within the array's liveness timeout (so a census with remote holders takes up to
 * that long). What {@code format --force} consults before it overwrites an array.
 */
public final class NodeCensus {
    /** One held slot and the verdict on its holder. */
    public record Holder(int slot, NodeState state, int pid, String host, Verdict verdict) {
        /** "pid@host (slot N)", as people name a process. */
        @Override
        public String toString() {
            return pid + "@" + host + " (slot " + slot + ")";
        }
    }

    private NodeCensus() {
    }

    /** Every slot not FREE, each judged ALIVE or DEAD (a holder never settled in time is DEAD). */
    public static List<Holder> take(Medium medium, Superblock sb) throws IOException {
        NodeTable table = new NodeTable(medium, sb.geometry());
        long timeoutNanos = TimeUnit.MILLISECONDS.toNanos(sb.livenessTimeoutMs());
        long intervalNanos = TimeUnit.MILLISECONDS.toNanos(sb.heartbeatIntervalMs());
        Liveness liveness = new Liveness(medium, NodeIdentity.local(medium, null), timeoutNanos);
        long deadline = System.nanoTime() + timeoutNanos + intervalNanos;
        while (true) {
            List<Holder> holders = judgeAll(table, liveness);
            boolean settled = holders.stream().noneMatch(h -> h.verdict() == Verdict.UNKNOWN);
            if (settled || System.nanoTime() - deadline > 0) {
                return holders.stream().map(h -> h.verdict() == Verdict.UNKNOWN
                        ? new Holder(h.slot(), h.state(), h.pid(), h.host(), Verdict.DEAD) : h).toList();
            }
            LockSupport.parkNanos(intervalNanos);
        }
    }

    /** Only the holders judged alive. */
    public static List<Holder> alive(Medium medium, Superblock sb) throws IOException {
        return take(medium, sb).stream().filter(h -> h.verdict() == Verdict.ALIVE).toList();
    }

    private static List<Holder> judgeAll(NodeTable table, Liveness liveness) throws IOException {
        List<Holder> out = new ArrayList<>();
        for (int s = 0; s < table.geometry().nodeSlots(); s++) {
            NodeRecord r;
            try {
                r = table.read(s);
            } catch (CorruptMediumException torn) {
                continue; // no valid record: no node we could tell about (a torn one is read again next round)
            }
            Verdict v = liveness.judge(s, r, table.heartbeat(s), System.nanoTime());
            if (v != Verdict.FREE) {
                out.add(new Holder(s, r.state(), r.pid(), r.hostName(), v));
            }
        }
        return out;
    }
}
