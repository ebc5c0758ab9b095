package io.arraysock.node;

import io.arraysock.api.CorruptMediumException;
import io.arraysock.api.NodeInfo;
import io.arraysock.format.NodeRecord;
import io.arraysock.format.Superblock;
import io.arraysock.medium.Medium;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The node table judged from outside, without a slot of our own and without writing a
 * byte: holders on this host by their OFD lock at once, others by whether their heartbeat
 * moves within the array's liveness timeout. Evidence accumulates across calls (a status
 * that refreshes sees remote holders settle). What {@code status} shows and what
 * {@code format --force} consults before it overwrites an array. Thread-safe.
 */
public final class NodeCensus {
    private final NodeTable table;
    private final Liveness liveness;
    private final long timeoutNanos;
    private final long intervalNanos;

    public NodeCensus(Medium medium, Superblock sb) {
        this.table = new NodeTable(medium, sb.geometry());
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(sb.livenessTimeoutMs());
        this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(sb.heartbeatIntervalMs());
        this.liveness = new Liveness(medium, NodeIdentity.local(medium, null), timeoutNanos);
    }

    /** Every slot not FREE, as judged now: remote holders not watched long enough are UNKNOWN. */
    public List<NodeInfo> now() throws IOException {
        List<NodeInfo> out = new ArrayList<>();
        for (int s = 0; s < table.geometry().nodeSlots(); s++) {
            NodeRecord r;
            try {
                r = table.read(s);
            } catch (CorruptMediumException torn) {
                continue; // no valid record: no node we could tell about (a torn one is read again next round)
            }
            long at = System.nanoTime();
            Verdict v = liveness.judge(s, r, table.heartbeat(s), at);
            if (v == Verdict.FREE) {
                continue;
            }
            long age = liveness.heartbeatAgeNanos(s, at);
            out.add(new NodeInfo(s, r.state(), r.hostName(), r.pid(), r.incarnation(), NodeInfo.Liveness.valueOf(v.name()),
                    age < 0 ? null : Duration.ofNanos(age)));
        }
        return out;
    }

    /**
     * Every slot not FREE, each ALIVE or DEAD: watches remote holders for up to one liveness
     * timeout (a holder not settled by then is reported DEAD).
     */
    public List<NodeInfo> settled() throws IOException {
        long deadline = System.nanoTime() + timeoutNanos + intervalNanos;
        while (true) {
            List<NodeInfo> nodes = now();
            boolean unknown = nodes.stream().anyMatch(n -> n.liveness() == NodeInfo.Liveness.UNKNOWN);
            if (!unknown || System.nanoTime() - deadline > 0) {
                return nodes.stream().map(n -> n.liveness() != NodeInfo.Liveness.UNKNOWN ? n
                        : new NodeInfo(n.slot(), n.state(), n.host(), n.pid(), n.incarnation(), NodeInfo.Liveness.DEAD,
                        n.heartbeatAge())).toList();
            }
            LockSupport.parkNanos(intervalNanos);
        }
    }

    /** The holders judged alive, settled. */
    public static List<NodeInfo> alive(Medium medium, Superblock sb) throws IOException {
        return new NodeCensus(medium, sb).settled().stream().filter(NodeInfo::alive).toList();
    }

    /** "pid@host (slot N)", as people name a process. */
    public static String describe(NodeInfo n) {
        return n.pid() + "@" + n.host() + " (slot " + n.slot() + ")";
    }
}
