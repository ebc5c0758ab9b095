package io.arraysock.bench.netty;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The echo benchmark's figures by transport, metric and size, and the markdown page that puts
 * them beside issue 13's targets: throughput at least 3x epoll TCP, 64 B round-trip p50 at most
 * 1/10 of epoll TCP's, {@value NettyEchoBench#MANY} active connections within 20 % of one.
 */
final class Results {
    private final Map<String, List<Double>> values = new HashMap<>();

    void add(EchoTransport t, String metric, int size, double value) {
        values.computeIfAbsent(key(t, metric, size), k -> new ArrayList<>()).add(value);
    }

    private static String key(EchoTransport t, String metric, int size) {
        return t.label + '/' + metric + '/' + size;
    }

    double median(EchoTransport t, String metric, int size) {
        double[] v = sorted(t, metric, size);
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private double[] sorted(EchoTransport t, String metric, int size) {
        return values.getOrDefault(key(t, metric, size), List.of()).stream().mapToDouble(Double::doubleValue).sorted().toArray();
    }

    private String cell(EchoTransport t, String metric, int size) {
        double[] v = sorted(t, metric, size);
        if (v.length == 0) {
            return "–";
        }
        var f = NettyEchoBench.fmt();
        return f.apply(median(t, metric, size)) + " <sub>" + f.apply(v[0]) + "–" + f.apply(v[v.length - 1]) + "</sub>";
    }

    String markdown(int iterations, long millis) {
        int many = NettyEchoBench.MANY;
        int small = NettyEchoBench.SMALL;
        int large = NettyEchoBench.LARGE;
        StringBuilder md = new StringBuilder();
        md.append("## Netty echo: the array transport vs Netty's epoll (TCP loopback, Unix socket)\n\n")
                .append(String.format("Two JVMs (server: one loop thread; client: one loop thread); medians of %d windows of %d ms "
                        + "<sub>min–max</sub>. Echo MB/s = bytes echoed back per second (10^6 B/s).%n%n", iterations, millis))
                .append("| transport | 64 B MB/s | 64 KiB MB/s | 64 B MB/s, ").append(many).append(" conns | 64 KiB MB/s, ")
                .append(many).append(" conns | 64 B RTT p50 µs | 64 B RTT p99 µs |\n|---|---:|---:|---:|---:|---:|---:|\n");
        for (EchoTransport t : EchoTransport.values()) {
            md.append("| ").append(t.label).append(" | ").append(cell(t, "echo-MBps", small)).append(" | ")
                    .append(cell(t, "echo-MBps", large)).append(" | ").append(cell(t, "echo-MBps-" + many, small)).append(" | ")
                    .append(cell(t, "echo-MBps-" + many, large)).append(" | ").append(cell(t, "rtt-p50-us", small)).append(" | ")
                    .append(cell(t, "rtt-p99-us", small)).append(" |\n");
        }
        EchoTransport a = EchoTransport.ARRAY;
        md.append("\n| target (issue 13) | measured | met |\n|---|---:|---|\n");
        for (int size : new int[] {small, large}) {
            String label = size == small ? "64 B" : "64 KiB";
            target(md, "echo " + label + ": at least 3x epoll TCP", ratio(a, EchoTransport.EPOLL_TCP, "echo-MBps", size), 3, true);
            target(md, "echo " + label + ": vs epoll Unix socket (no target)", ratio(a, EchoTransport.EPOLL_UNIX, "echo-MBps", size),
                    Double.NaN, true);
            target(md, "echo " + label + ", " + many + " active: within 20 % of one connection",
                    median(a, "echo-MBps-" + many, size) / median(a, "echo-MBps", size), 0.8, true);
        }
        target(md, "64 B RTT p50: at most 1/10 of epoll TCP", ratio(a, EchoTransport.EPOLL_TCP, "rtt-p50-us", small), 0.1, false);
        target(md, "64 B RTT p50: vs epoll Unix socket (no target)", ratio(a, EchoTransport.EPOLL_UNIX, "rtt-p50-us", small),
                Double.NaN, false);
        return md.toString();
    }

    private double ratio(EchoTransport a, EchoTransport b, String metric, int size) {
        return median(a, metric, size) / median(b, metric, size);
    }

    private static void target(StringBuilder md, String what, double measured, double bound, boolean atLeast) {
        String met = Double.isNaN(bound) || Double.isNaN(measured) ? "–"
                : (atLeast ? measured >= bound : measured <= bound) ? "yes" : "**no**";
        md.append("| ").append(what).append(" | ").append(String.format("%.2fx", measured)).append(" | ").append(met).append(" |\n");
    }
}
