package io.arraysock.cli;

import io.arraysock.ArrayInspector.Inspection;
import io.arraysock.api.NodeInfo;
import io.arraysock.api.NodeStats;
import io.arraysock.api.SocketInfo;
import io.arraysock.api.SocketStats;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The counters part of {@code status}: each socket's and node's counters as published on the
 * medium, and with a previous look ({@code --watch}) their rates per second. Counters are
 * untrusted (anyone able to write the medium may have written them): shown as read, as
 * unsigned numbers, never used for anything else; a counter that went backwards (a hostile
 * or restarted writer) has rate "?".
 */
final class StatusCounters {
    private static final double MB = 1e6;

    private StatusCounters() {
    }

    /** An unsigned counter as text. */
    static String u(long v) {
        return Long.toUnsignedString(v);
    }

    /** {@code now - then} per second, scaled by {@code unit}; "?" when it went backwards, "-" without a previous value. */
    static String rate(long now, Long then, double seconds, double unit) {
        if (then == null || seconds <= 0) {
            return "-";
        }
        if (Long.compareUnsigned(now, then) < 0) {
            return "?";
        }
        long diff = now - then;
        double d = diff >= 0 ? diff : (double) (diff >>> 1) * 2.0; // past 2^63: hostile, but shown
        double r = d / seconds / unit;
        return r >= 100 ? String.format(Locale.ROOT, "%.0f", r) : String.format(Locale.ROOT, "%.2f", r);
    }

    /** Prints the counters of {@code look}; with {@code before} (taken {@code seconds} earlier), rates too. */
    static void print(Inspection look, Inspection before, double seconds, PrintWriter out) {
        boolean rates = before != null;
        out.println("counters (as each node published them on the medium; untrusted, shown only):");
        out.printf("%-9s %14s %10s %8s %14s %10s %8s %13s %13s%s%n", "SOCKET", "TX BYTES", "TX MSGS", "TX WAITS",
                "RX BYTES", "RX MSGS", "RX WAITS", "WAKEUPS TX/RX", "WOKEN TX/RX",
                rates ? String.format(" %9s %9s %9s %9s %9s %9s", "TX MB/s", "TX msg/s", "RX MB/s", "RX msg/s", "wakeups/s",
                        "woken/s") : "");
        for (SocketInfo k : look.sockets()) {
            SocketStats s = look.socketStats(k.node(), k.index());
            if (s == null) {
                continue;
            }
            SocketStats p = rates ? before.socketStats(k.node(), k.index()) : null;
            out.printf("%-9s %14s %10s %8s %14s %10s %8s %13s %13s%s%n", k.node() + "/" + k.index(), u(s.txBytes()),
                    u(s.txMessages()), u(s.txWaits()), u(s.rxBytes()), u(s.rxMessages()), u(s.rxWaits()),
                    u(s.txWakeups()) + "/" + u(s.rxWakeups()), u(s.txWakeupsReceived()) + "/" + u(s.rxWakeupsReceived()),
                    rates ? String.format(" %9s %9s %9s %9s %9s %9s",
                            rate(s.txBytes(), p == null ? null : p.txBytes(), seconds, MB),
                            rate(s.txMessages(), p == null ? null : p.txMessages(), seconds, 1),
                            rate(s.rxBytes(), p == null ? null : p.rxBytes(), seconds, MB),
                            rate(s.rxMessages(), p == null ? null : p.rxMessages(), seconds, 1),
                            sum(s.txWakeups(), s.rxWakeups(), p == null ? null : new long[] {p.txWakeups(), p.rxWakeups()},
                                    seconds),
                            sum(s.txWakeupsReceived(), s.rxWakeupsReceived(),
                                    p == null ? null : new long[] {p.txWakeupsReceived(), p.rxWakeupsReceived()}, seconds))
                            : "");
        }
        out.printf("%-5s %9s %8s %9s %-34s %7s %8s %6s %10s%s%n", "NODE", "CONNECTS", "FAILED", "ACCEPTS",
                "REFUSED bklg/auth/type/bad/res/enc", "RESETS", "DAMAGED", "AUTH", "SEEN DEAD",
                rates ? String.format(" %10s %10s", "connects/s", "accepts/s") : "");
        for (NodeInfo n : look.nodes()) {
            NodeStats s = look.nodeStats(n.slot());
            if (s == null) {
                continue;
            }
            NodeStats p = rates ? before.nodeStats(n.slot()) : null;
            out.printf("%-5d %9s %8s %9s %-34s %7s %8s %6s %10s%s%n", n.slot(), u(s.connects()), u(s.connectFailures()),
                    u(s.accepts()), s.refusals().stream().map(StatusCounters::u).collect(Collectors.joining("/")),
                    u(s.resets()), u(s.damagedChunks()), u(s.authenticationFailures()), u(s.nodesSeenDead()),
                    rates ? String.format(" %10s %10s", rate(s.connects(), p == null ? null : p.connects(), seconds, 1),
                            rate(s.accepts(), p == null ? null : p.accepts(), seconds, 1)) : "");
        }
    }

    /** The rate of {@code tx + rx} against {@code before} ({tx, rx}, or null): "?" when either went backwards. */
    private static String sum(long tx, long rx, long[] before, double seconds) {
        if (before == null) {
            return "-";
        }
        if (rate(tx, before[0], seconds, 1).equals("?") || rate(rx, before[1], seconds, 1).equals("?")) {
            return "?";
        }
        return rate(tx + rx, before[0] + before[1], seconds, 1);
    }

    /** A socket's counters as a JSON object (unsigned numbers), or null when it published none. */
    static String json(SocketStats s, SocketStats p, double seconds) {
        if (s == null) {
            return null;
        }
        StringBuilder b = new StringBuilder(256).append("{\"txBytes\":").append(u(s.txBytes()))
                .append(",\"txMessages\":").append(u(s.txMessages())).append(",\"txWaits\":").append(u(s.txWaits()))
                .append(",\"rxBytes\":").append(u(s.rxBytes())).append(",\"rxMessages\":").append(u(s.rxMessages()))
                .append(",\"rxWaits\":").append(u(s.rxWaits())).append(",\"txWakeups\":").append(u(s.txWakeups()))
                .append(",\"rxWakeups\":").append(u(s.rxWakeups()))
                .append(",\"txWakeupsReceived\":").append(u(s.txWakeupsReceived()))
                .append(",\"rxWakeupsReceived\":").append(u(s.rxWakeupsReceived()))
                .append(",\"publishes\":").append(u(s.publishes()));
        if (p != null) {
            b.append(",\"rates\":{\"txBytesPerSecond\":").append(jsonRate(s.txBytes(), p.txBytes(), seconds))
                    .append(",\"txMessagesPerSecond\":").append(jsonRate(s.txMessages(), p.txMessages(), seconds))
                    .append(",\"rxBytesPerSecond\":").append(jsonRate(s.rxBytes(), p.rxBytes(), seconds))
                    .append(",\"rxMessagesPerSecond\":").append(jsonRate(s.rxMessages(), p.rxMessages(), seconds))
                    .append(",\"wakeupsReceivedPerSecond\":").append(jsonRate(
                            s.txWakeupsReceived() + s.rxWakeupsReceived(), p.txWakeupsReceived() + p.rxWakeupsReceived(),
                            seconds))
                    .append('}');
        }
        return b.append('}').toString();
    }

    /** A node's counters as a JSON object, or null when it published none. */
    static String json(NodeStats s, NodeStats p, double seconds) {
        if (s == null) {
            return null;
        }
        StringBuilder b = new StringBuilder(256).append("{\"connects\":").append(u(s.connects()))
                .append(",\"connectFailures\":").append(u(s.connectFailures())).append(",\"accepts\":").append(u(s.accepts()))
                .append(",\"refusals\":[").append(s.refusals().stream().map(StatusCounters::u).collect(Collectors.joining(",")))
                .append("],\"resets\":").append(u(s.resets())).append(",\"damagedChunks\":").append(u(s.damagedChunks()))
                .append(",\"authenticationFailures\":").append(u(s.authenticationFailures()))
                .append(",\"nodesSeenDead\":").append(u(s.nodesSeenDead())).append(",\"publishes\":").append(u(s.publishes()));
        if (p != null) {
            b.append(",\"rates\":{\"connectsPerSecond\":").append(jsonRate(s.connects(), p.connects(), seconds))
                    .append(",\"acceptsPerSecond\":").append(jsonRate(s.accepts(), p.accepts(), seconds)).append('}');
        }
        return b.append('}').toString();
    }

    /** A rate as a JSON number, or null when unknown (went backwards). */
    private static String jsonRate(long now, long then, double seconds) {
        String r = rate(now, then, seconds, 1);
        return r.equals("?") || r.equals("-") ? "null" : r;
    }
}
