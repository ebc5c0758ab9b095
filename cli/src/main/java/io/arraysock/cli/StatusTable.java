package io.arraysock.cli;

import io.arraysock.api.NodeInfo;
import io.arraysock.api.SocketInfo;
import io.arraysock.StorageArray;
import io.arraysock.format.Geometry;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;

/**
 * An array's nodes, sockets and free capacity, like {@code ss}: as tables for people and
 * as JSON for programs. One snapshot is read once and printed, so the two views agree.
 */
public final class StatusTable {
    private StatusTable() {
    }

    /** One reading of the array, taken by {@link #snapshot}. */
    public record Snapshot(StorageArray array, List<NodeInfo> nodes, List<SocketInfo> sockets) {
        int usedNodes() {
            return (int) nodes.stream().filter(n -> !n.state().name().equals("FREE")).count();
        }

        int freeNodes() {
            return array.geometry().nodeSlots() - usedNodes();
        }

        long freeSockets() {
            return (long) array.geometry().nodeSlots() * array.geometry().socketsPerNode() - sockets.size();
        }
    }

    public static Snapshot snapshot(StorageArray array) throws IOException {
        return new Snapshot(array, array.nodes(), array.sockets());
    }

    public static void print(StorageArray array, PrintStream out) throws IOException {
        PrintWriter w = new PrintWriter(out, false);
        print(snapshot(array), w);
        w.flush();
    }

    public static void print(Snapshot s, PrintWriter out) {
        StorageArray array = s.array();
        Geometry g = array.geometry();
        out.printf("array %s  uuid %s  %d node slots x %d sockets, %d MiB arena per node%n", array.path(), array.uuid(),
                g.nodeSlots(), g.socketsPerNode(), g.arenaSize() >> 20);
        out.printf("%-5s %-8s %-8s %-8s %-20s %s%n", "NODE", "STATE", "LIVENESS", "PID", "HOST", "HEARTBEAT AGE");
        for (NodeInfo n : s.nodes()) {
            if (n.state().name().equals("FREE")) {
                continue;
            }
            Duration age = n.heartbeatAge();
            out.printf("%-5d %-8s %-8s %-8d %-20s %s%n", n.slot(), n.state(), n.liveness(), n.pid(), n.host(),
                    n.liveness() == NodeInfo.Liveness.SELF ? "- (this status command)" : age == null ? "-" : age.toMillis() + " ms");
        }
        out.printf("%-5s %-6s %-10s %-12s %-6s %-10s %s%n", "NODE", "INDEX", "TYPE", "STATE", "PORT", "PEER", "RING");
        for (SocketInfo k : s.sockets()) {
            out.printf("%-5d %-6d %-10s %-12s %-6d %-10s %s%n", k.node(), k.index(), k.type(), k.state(), k.localPort(),
                    peer(k), k.ringBytes() == 0 ? "-" : (k.ringBytes() >> 10) + " KiB");
        }
        out.printf("free: %d of %d node slots, %d of %d sockets%n", s.freeNodes(), g.nodeSlots(), s.freeSockets(),
                (long) g.nodeSlots() * g.socketsPerNode());
    }

    private static boolean hasPeer(SocketInfo s) {
        return s.state().equals("ESTABLISHED") || s.state().equals("CLOSED") || s.state().equals("CONNECTING");
    }

    private static String peer(SocketInfo s) {
        return hasPeer(s) ? s.peerNode() + ":" + s.remotePort() : "-";
    }

    /** The same snapshot as one JSON object (no library: the shape is small and fixed). */
    public static String json(Snapshot s) {
        StorageArray array = s.array();
        Geometry g = array.geometry();
        StringBuilder b = new StringBuilder(256);
        b.append("{\"path\":").append(str(array.path())).append(",\"uuid\":").append(str(array.uuid().toString()))
                .append(",\"nodeSlots\":").append(g.nodeSlots()).append(",\"socketsPerNode\":").append(g.socketsPerNode())
                .append(",\"arenaSize\":").append(g.arenaSize()).append(",\"self\":").append(array.nodeSlot())
                .append(",\"nodes\":[");
        String sep = "";
        for (NodeInfo n : s.nodes()) {
            if (n.state().name().equals("FREE")) {
                continue;
            }
            b.append(sep).append("{\"slot\":").append(n.slot()).append(",\"state\":").append(str(n.state().name()))
                    .append(",\"liveness\":").append(str(n.liveness().name())).append(",\"alive\":").append(n.alive())
                    .append(",\"pid\":").append(n.pid()).append(",\"host\":").append(str(n.host()))
                    .append(",\"heartbeatAgeMs\":").append(n.heartbeatAge() == null ? "null" : n.heartbeatAge().toMillis())
                    .append('}');
            sep = ",";
        }
        b.append("],\"sockets\":[");
        sep = "";
        for (SocketInfo k : s.sockets()) {
            b.append(sep).append("{\"node\":").append(k.node()).append(",\"index\":").append(k.index())
                    .append(",\"type\":").append(str(k.type().name())).append(",\"state\":").append(str(k.state()))
                    .append(",\"localPort\":").append(k.localPort());
            if (hasPeer(k)) {
                b.append(",\"peerNode\":").append(k.peerNode()).append(",\"remotePort\":").append(k.remotePort());
            }
            b.append(",\"ringBytes\":").append(k.ringBytes()).append('}');
            sep = ",";
        }
        b.append("],\"free\":{\"nodeSlots\":").append(s.freeNodes()).append(",\"sockets\":").append(s.freeSockets())
                .append("}}");
        return b.toString();
    }

    private static String str(String v) {
        StringBuilder b = new StringBuilder(v.length() + 2).append('"');
        for (char c : v.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20) {
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
