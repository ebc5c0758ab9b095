package io.arraysock.cli;

import io.arraysock.ArrayInspector.Inspection;
import io.arraysock.api.NodeErrors;
import io.arraysock.api.NodeInfo;
import io.arraysock.api.NodeStats;
import io.arraysock.api.SocketInfo;
import io.arraysock.api.SocketStats;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * {@code status --prometheus}: the counters in Prometheus' text exposition format (version
 * 0.0.4), for a node exporter's textfile collector. Every metric is named
 * {@code arraysock_...} and labelled with the array's path and the node slot, sockets also
 * with their index and local port. Counters end in {@code _total}; values are the raw
 * unsigned numbers each node published (untrusted, shown as read).
 */
final class StatusPrometheus {
    private static final String[] REFUSAL_REASONS = {"backlog_full", "authentication", "socket_type", "malformed",
            "no_resources", "encryption"};

    /** Samples by metric family, in the order first added; each family printed once with its HELP and TYPE. */
    private final Map<String, Family> families = new LinkedHashMap<>();

    private record Family(String help, String type, List<String> samples) {
    }

    private StatusPrometheus() {
    }

    static String render(Inspection look, StatusTable.Snapshot s, List<NodeErrors> errors) {
        StatusPrometheus p = new StatusPrometheus();
        String array = "array=\"" + label(look.path()) + "\"";
        for (NodeInfo n : look.nodes()) {
            String node = array + ",node=\"" + n.slot() + "\"";
            p.add("arraysock_node_info", "gauge", "a held node slot (1), labelled with its holder", "{" + node + ",pid=\""
                    + n.pid() + "\",host=\"" + label(n.host()) + "\",liveness=\"" + n.liveness() + "\"}", "1");
            NodeStats st = look.nodeStats(n.slot());
            if (st == null) {
                continue;
            }
            p.counter("arraysock_node_connects_total", "connects answered ESTABLISHED", node, st.connects());
            p.counter("arraysock_node_connect_failures_total", "connects refused, unanswered or timed out", node,
                    st.connectFailures());
            p.counter("arraysock_node_accepts_total", "connections taken by accept", node, st.accepts());
            for (int r = 0; r < st.refusals().size() && r < REFUSAL_REASONS.length; r++) {
                p.counter("arraysock_node_refusals_total", "connect requests this node's listeners refused, by reason",
                        node + ",reason=\"" + REFUSAL_REASONS[r] + "\"", st.refusals().get(r));
            }
            p.counter("arraysock_node_resets_total", "connections that were reset", node, st.resets());
            p.counter("arraysock_node_damaged_chunks_total", "resets for a chunk that failed its checksum", node,
                    st.damagedChunks());
            p.counter("arraysock_node_authentication_failures_total", "wrong keys and failed AES-GCM tags", node,
                    st.authenticationFailures());
            p.counter("arraysock_node_nodes_seen_dead_total", "other nodes this node judged dead", node, st.nodesSeenDead());
        }
        for (SocketInfo k : look.sockets()) {
            SocketStats st = look.socketStats(k.node(), k.index());
            if (st == null) {
                continue;
            }
            String sock = array + ",node=\"" + k.node() + "\",socket=\"" + k.index() + "\",port=\"" + k.localPort() + "\"";
            p.socket("tx_bytes", "payload bytes sent", sock, st, SocketStats::txBytes);
            p.socket("tx_messages", "messages (stream: send calls) sent", sock, st, SocketStats::txMessages);
            p.socket("tx_waits", "sends that found the ring full", sock, st, SocketStats::txWaits);
            p.socket("rx_bytes", "payload bytes received", sock, st, SocketStats::rxBytes);
            p.socket("rx_messages", "messages (stream: receive calls) received", sock, st, SocketStats::rxMessages);
            p.socket("rx_waits", "receives that found the ring empty", sock, st, SocketStats::rxWaits);
            p.socket("tx_wakeups", "wake-ups the sending side gave (shm)", sock, st, SocketStats::txWakeups);
            p.socket("rx_wakeups", "wake-ups the receiving side gave (shm)", sock, st, SocketStats::rxWakeups);
            p.socket("tx_wakeups_received", "sleeps for room that the peer's wake ended (shm)", sock, st,
                    SocketStats::txWakeupsReceived);
            p.socket("rx_wakeups_received", "sleeps for data that the peer's wake ended (shm)", sock, st,
                    SocketStats::rxWakeupsReceived);
        }
        for (NodeErrors e : errors) {
            String node = array + ",node=\"" + e.slot() + "\",holder=\"" + (e.currentHolder() ? "current" : "earlier") + "\"";
            p.counter("arraysock_node_errors_total", "errors in the node's distinct-error log, every occurrence", node,
                    e.occurrences());
            p.counter("arraysock_node_errors_evicted_total", "distinct errors the full log replaced", node, e.evicted());
            p.add("arraysock_node_errors_distinct", "gauge", "distinct errors readable in the node's log", "{" + node + "}",
                    String.valueOf(e.entries().size()));
        }
        p.add("arraysock_free_node_slots", "gauge", "node slots free or held by dead nodes", "{" + array + "}",
                String.valueOf(s.freeNodes()));
        p.add("arraysock_free_sockets", "gauge", "control blocks free", "{" + array + "}", String.valueOf(s.freeSockets()));
        return p.text();
    }

    private void socket(String name, String help, String labels, SocketStats st, ToLongFunction<SocketStats> value) {
        counter("arraysock_socket_" + name + "_total", help, labels, value.applyAsLong(st));
    }

    private void counter(String name, String help, String labels, long value) {
        add(name, "counter", help, "{" + labels + "}", Long.toUnsignedString(value));
    }

    private void add(String name, String type, String help, String labels, String value) {
        families.computeIfAbsent(name, n -> new Family(help, type, new ArrayList<>())).samples().add(name + labels + " " + value);
    }

    private String text() {
        StringBuilder b = new StringBuilder(4096);
        for (Map.Entry<String, Family> f : families.entrySet()) {
            b.append("# HELP ").append(f.getKey()).append(' ').append(f.getValue().help()).append('\n');
            b.append("# TYPE ").append(f.getKey()).append(' ').append(f.getValue().type()).append('\n');
            for (String sample : f.getValue().samples()) {
                b.append(sample).append('\n');
            }
        }
        return b.toString();
    }

    /** A label value escaped as the format says: backslash, double quote and line feed. */
    static String label(String v) {
        StringBuilder b = new StringBuilder(v.length());
        for (char c : v.toCharArray()) {
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '"' -> b.append("\\\"");
                case '\n' -> b.append("\\n");
                default -> b.append(Character.isISOControl(c) ? '?' : c); // a hostile host name: no \r
            }
        }
        return b.toString();
    }
}
