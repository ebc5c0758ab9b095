package io.arraysock.cli;

import io.arraysock.api.ErrorEntry;
import io.arraysock.api.NodeErrors;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;

/**
 * The {@code status --errors} part: each node slot's distinct-error log as its writer
 * published it on the medium. Times are the writer's clock (never compared with ours or
 * another host's), and everything is untrusted: a message is shown with control characters
 * replaced, so a hostile writer cannot drive the terminal.
 */
final class StatusErrors {
    private static final int MESSAGE_COLUMNS = 200;

    private StatusErrors() {
    }

    static void print(List<NodeErrors> logs, PrintWriter out) {
        out.println("errors (each node's distinct-error log on the medium; times on the writer's clock; untrusted):");
        if (logs.isEmpty()) {
            out.println("  none logged");
            return;
        }
        for (NodeErrors n : logs) {
            out.printf("node %d, %s (incarnation %016x): %d distinct, %s errors logged, %s evicted%n", n.slot(),
                    n.currentHolder() ? "current holder" : "an earlier holder", n.incarnation(), n.entries().size(),
                    StatusCounters.u(n.occurrences()), StatusCounters.u(n.evicted()));
            for (String p : n.problems()) {
                out.println("  unreadable: " + printable(p));
            }
            if (n.entries().isEmpty()) {
                continue;
            }
            out.printf("  %-14s %8s %-24s %-24s %s%n", "KIND", "COUNT", "FIRST (writer's clock)", "LAST (writer's clock)",
                    "MESSAGE");
            for (ErrorEntry e : n.entries()) {
                String m = printable(e.message());
                out.printf("  %-14s %8s %-24s %-24s %s%s%n", e.kind(), StatusCounters.u(e.count()), time(e.firstMillis()),
                        time(e.lastMillis()), m.length() > MESSAGE_COLUMNS ? m.substring(0, MESSAGE_COLUMNS) + "..." : m,
                        e.currentHolder() ? "" : " [earlier holder " + String.format("%016x", e.incarnation()) + "]");
            }
        }
    }

    /** A writer's time as an ISO instant, or the raw number when out of range (hostile). */
    static String time(long millis) {
        if (millis < 0 || millis > 253402300799999L) { // after 9999-12-31
            return Long.toUnsignedString(millis) + " ms";
        }
        return Instant.ofEpochMilli(millis).toString();
    }

    /** {@code s} with every control character (C0, DEL, C1, line and paragraph separators) as '?'. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append(Character.isISOControl(c) || c == '\u2028' || c == '\u2029' ? '?' : c);
        }
        return b.toString();
    }

    static String json(List<NodeErrors> logs) {
        StringBuilder b = new StringBuilder(512).append('[');
        String sep = "";
        for (NodeErrors n : logs) {
            b.append(sep).append("{\"slot\":").append(n.slot())
                    .append(",\"incarnation\":\"").append(String.format("%016x", n.incarnation())).append('"')
                    .append(",\"currentHolder\":").append(n.currentHolder())
                    .append(",\"publishes\":").append(StatusCounters.u(n.publishes()))
                    .append(",\"occurrences\":").append(StatusCounters.u(n.occurrences()))
                    .append(",\"evicted\":").append(StatusCounters.u(n.evicted()))
                    .append(",\"clock\":\"writer\",\"entries\":[");
            String es = "";
            for (ErrorEntry e : n.entries()) {
                b.append(es).append("{\"kind\":").append(StatusTable.str(e.kind()))
                        .append(",\"key\":\"").append(String.format("%016x", e.key())).append('"')
                        .append(",\"count\":").append(StatusCounters.u(e.count()))
                        .append(",\"firstMillis\":").append(e.firstMillis())
                        .append(",\"lastMillis\":").append(e.lastMillis())
                        .append(",\"incarnation\":\"").append(String.format("%016x", e.incarnation())).append('"')
                        .append(",\"currentHolder\":").append(e.currentHolder())
                        .append(",\"message\":").append(StatusTable.str(e.message())).append('}');
                es = ",";
            }
            b.append("],\"problems\":[");
            String ps = "";
            for (String p : n.problems()) {
                b.append(ps).append(StatusTable.str(p));
                ps = ",";
            }
            b.append("]}");
            sep = ",";
        }
        return b.append(']').toString();
    }
}
