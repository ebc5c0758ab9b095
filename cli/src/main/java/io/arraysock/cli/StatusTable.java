package io.arraysock.cli;

import io.arraysock.api.NodeInfo;
import io.arraysock.api.SocketInfo;
import io.arraysock.ArrayInspector;
import io.arraysock.ArrayInspector.Inspection;
import io.arraysock.format.Geometry;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.time.Duration;

/**
 * An array's nodes, sockets and free capacity, like {@code ss}: as tables for people and
 * as JSON for programs. One snapshot is read once and printed, so the two views agree.
 */
public final class StatusTable {
    private StatusTable() {
    }

    /** One reading of the array, taken by {@link ArrayInspector#inspect}, and what it means for capacity. */
    record Snapshot(Inspection look, long takenNanos, Inspection before, double seconds) {
        Snapshot(Inspection look) {
            this(look, System.nanoTime(), null, 0);
        }

        /** A look taken after {@code previous}: rates are per second over the time between them. */
        Snapshot after(Inspection next) {
            long now = System.nanoTime();
            return new Snapshot(next, now, look, (now - takenNanos) / 1e9);
        }

        /** Slots held by live (or not yet judged) nodes; a dead node's slot is free to claim. */
        int usedNodes() {
            return (int) look.nodes().stream().filter(n -> !reclaimable(n)).count();
        }

        int deadNodes() {
            return (int) look.nodes().stream().filter(StatusTable::reclaimable).count();
        }

        int freeNodes() {
            return look.geometry().nodeSlots() - usedNodes();
        }

        long freeSockets() {
            return (long) look.geometry().nodeSlots() * look.geometry().socketsPerNode() - look.sockets().size();
        }
    }

    /** A slot held by a dead node: the next attach may claim it. */
    static boolean reclaimable(NodeInfo n) {
        return n.liveness() == NodeInfo.Liveness.DEAD;
    }

    private static String age(NodeInfo n) {
        if (reclaimable(n)) {
            return "- (dead: slot reclaimable)";
        }
        Duration age = n.heartbeatAge();
        return age == null ? "-" : age.toMillis() + " ms";
    }

    /** Prints the array on {@code path} as {@code status} does (settled: remote nodes judged). */
    public static void print(String path, PrintStream out) throws IOException {
        try (ArrayInspector inspector = ArrayInspector.open(path)) {
            PrintWriter w = new PrintWriter(out, false);
            print(new Snapshot(inspector.inspect(true)), w);
            w.flush();
        }
    }

    static void print(Snapshot s, PrintWriter out) {
        Inspection look = s.look();
        Geometry g = look.geometry();
        out.printf("array %s  uuid %s  %d node slots x %d sockets, %d MiB arena per node%n", look.path(), look.uuid(),
                g.nodeSlots(), g.socketsPerNode(), g.arenaSize() >> 20);
        out.printf("%-5s %-8s %-8s %-8s %-20s %s%n", "NODE", "STATE", "LIVENESS", "PID", "HOST", "HEARTBEAT AGE");
        for (NodeInfo n : look.nodes()) {
            out.printf("%-5d %-8s %-8s %-8d %-20s %s%n", n.slot(), n.state(), n.liveness(), n.pid(), n.host(), age(n));
        }
        out.printf("%-5s %-6s %-10s %-12s %-6s %-10s %s%n", "NODE", "INDEX", "TYPE", "STATE", "PORT", "PEER", "RING");
        for (SocketInfo k : look.sockets()) {
            out.printf("%-5d %-6d %-10s %-12s %-6d %-10s %s%n", k.node(), k.index(), k.type(), k.state(), k.localPort(),
                    peer(k), k.ringBytes() == 0 ? "-" : (k.ringBytes() >> 10) + " KiB");
        }
        StatusCounters.print(look, s.before(), s.seconds(), out);
        int dead = s.deadNodes();
        out.printf("free: %d of %d node slots%s, %d of %d sockets%n", s.freeNodes(), g.nodeSlots(),
                dead == 0 ? "" : " (" + dead + " of them held by dead nodes, reclaimable)", s.freeSockets(),
                (long) g.nodeSlots() * g.socketsPerNode());
    }

    private static boolean hasPeer(SocketInfo s) {
        return s.state().equals("ESTABLISHED") || s.state().equals("CLOSED") || s.state().equals("CONNECTING");
    }

    private static String peer(SocketInfo s) {
        return hasPeer(s) ? s.peerNode() + ":" + s.remotePort() : "-";
    }

    /** The same snapshot as one JSON object (no library: the shape is small and fixed). */
    static String json(Snapshot s) {
        return json(s, null);
    }

    /** {@link #json(Snapshot)} with an {@code "errors"} member holding {@code errors} (a JSON array) unless null. */
    static String json(Snapshot s, String errors) {
        Inspection look = s.look();
        Geometry g = look.geometry();
        StringBuilder b = new StringBuilder(256);
        b.append("{\"path\":").append(str(look.path())).append(",\"uuid\":").append(str(look.uuid().toString()))
                .append(",\"nodeSlots\":").append(g.nodeSlots()).append(",\"socketsPerNode\":").append(g.socketsPerNode())
                .append(",\"arenaSize\":").append(g.arenaSize())
                .append(",\"nodes\":[");
        String sep = "";
        for (NodeInfo n : look.nodes()) {
            b.append(sep).append("{\"slot\":").append(n.slot()).append(",\"state\":").append(str(n.state().name()))
                    .append(",\"liveness\":").append(str(n.liveness().name())).append(",\"alive\":").append(n.alive())
                    .append(",\"reclaimable\":").append(reclaimable(n))
                    .append(",\"pid\":").append(n.pid()).append(",\"host\":").append(str(n.host()))
                    .append(",\"heartbeatAgeMs\":").append(n.heartbeatAge() == null || reclaimable(n) ? "null"
                            : n.heartbeatAge().toMillis());
            String counters = StatusCounters.json(look.nodeStats(n.slot()),
                    s.before() == null ? null : s.before().nodeStats(n.slot()), s.seconds());
            if (counters != null) {
                b.append(",\"counters\":").append(counters);
            }
            b.append('}');
            sep = ",";
        }
        b.append("],\"sockets\":[");
        sep = "";
        for (SocketInfo k : look.sockets()) {
            b.append(sep).append("{\"node\":").append(k.node()).append(",\"index\":").append(k.index())
                    .append(",\"type\":").append(str(k.type().name())).append(",\"state\":").append(str(k.state()))
                    .append(",\"localPort\":").append(k.localPort());
            if (hasPeer(k)) {
                b.append(",\"peerNode\":").append(k.peerNode()).append(",\"remotePort\":").append(k.remotePort());
            }
            b.append(",\"ringBytes\":").append(k.ringBytes());
            String counters = StatusCounters.json(look.socketStats(k.node(), k.index()),
                    s.before() == null ? null : s.before().socketStats(k.node(), k.index()), s.seconds());
            if (counters != null) {
                b.append(",\"counters\":").append(counters);
            }
            b.append('}');
            sep = ",";
        }
        b.append("],\"free\":{\"nodeSlots\":").append(s.freeNodes()).append(",\"deadNodeSlots\":").append(s.deadNodes()).append(",\"sockets\":").append(s.freeSockets())
                .append('}');
        if (errors != null) {
            b.append(",\"errors\":").append(errors);
        }
        return b.append('}').toString();
    }

    static String str(String v) {
        StringBuilder b = new StringBuilder(v.length() + 2).append('"');
        for (char c : v.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029') {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
