package io.arraysock.grpc;

import io.arraysock.testkit.ChildJvm;
import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import org.HdrHistogram.Histogram;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * gRPC over the array against gRPC over TCP loopback, in one run, two JVMs each (a
 * {@link GrpcServerMain} child serves; this JVM is the client). Run by {@code scripts/bench},
 * never by the tests. Per transport, {@code iterations} measured iterations of {@code millis}
 * each, after a warm-up (unary calls, then a stream, {@code warm-up-millis} each, 8000 by
 * default) and one warm-up iteration:
 * <ul>
 * <li>unary 64 B, one call at a time: round-trip p50 and p99 (µs);
 * <li>unary 64 B, {@value #IN_FLIGHT} calls in flight: RPCs/s;
 * <li>server streaming of 4 MiB messages: MB/s (10^6 bytes/s).
 * </ul>
 * Appends rows {@code transport metric size iteration value} to {@code out.tsv}
 * ({@code grpc-array}, {@code grpc-tcp}) and writes a markdown table to {@code out.md}.
 *
 * <p>Arguments: out.tsv out.md array-path tcp-port iterations millis [warm-up-millis]
 */
public final class GrpcBench {
    static final int SMALL = 64;
    static final int LARGE = 4 << 20;
    static final int IN_FLIGHT = 32;
    private static final Duration WAIT = Duration.ofSeconds(60);
    /**
     * On 2 vCPUs, 2 s left both JVMs' C2 compiling for seconds of the first transport's series
     * (the array's): its p99 measured the JIT (bench/results/grpc-stalls.md).
     */
    private static final long DEFAULT_WARM_UP_MILLIS = 8000;
    private static final String[] TRANSPORTS = {"grpc-array", "grpc-tcp"};

    private final PrintWriter tsv;
    private final int iterations;
    private final long millis;
    private final long warmUpMillis;
    /** transport -> metric -> medians */
    private final Map<String, Map<String, Double>> medians = new LinkedHashMap<>();

    private GrpcBench(PrintWriter tsv, int iterations, long millis, long warmUpMillis) {
        this.tsv = tsv;
        this.iterations = iterations;
        this.millis = millis;
        this.warmUpMillis = warmUpMillis;
    }

    public static void main(String[] args) throws Exception {
        Path md = Path.of(args[1]);
        String arrayPath = args[2];
        String tcpPort = args[3];
        try (PrintWriter tsv = new PrintWriter(Files.newBufferedWriter(Path.of(args[0]), StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND), true)) {
            GrpcBench bench = new GrpcBench(tsv, Integer.parseInt(args[4]), Long.parseLong(args[5]),
                    args.length > 6 ? Long.parseLong(args[6]) : DEFAULT_WARM_UP_MILLIS);
            bench.run("grpc-array", new String[] {arrayPath}, port -> "array:" + arrayPath + "?port=" + port);
            bench.run("grpc-tcp", new String[] {"tcp", tcpPort}, port -> "dns:///127.0.0.1:" + port);
            Files.writeString(md, bench.markdown(), StandardCharsets.UTF_8);
        }
        System.exit(0);
    }

    private void run(String transport, String[] serverArgs, IntFunction<String> target) throws Exception {
        System.err.println("grpc bench: " + transport);
        try (ChildJvm server = ChildJvm.start(GrpcServerMain.class, serverArgs)) {
            int port = Integer.parseInt(server.expect("READY", WAIT).split(" ")[0]);
            ManagedChannel channel = Grpc.newChannelBuilder(target.apply(port), InsecureChannelCredentials.create())
                    .maxInboundMessageSize(GrpcServerMain.MAX_MESSAGE).build();
            try {
                warmUp(channel);
                series(transport, "rtt_p50_us", "rtt_p99_us", SMALL, () -> latency(channel));
                series(transport, "rpcs_per_s", null, SMALL, () -> new double[] {throughput(channel)});
                series(transport, "stream_MBps", null, LARGE, () -> new double[] {streaming(channel, millis)});
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
            server.send("STOP");
            server.expect("DONE", WAIT);
        }
    }

    /**
     * Both JVMs' JIT compiles gRPC's and Netty's paths before anything is measured: unary
     * calls and a stream for {@code warmUpMillis} each (a warm-up iteration of a
     * series alone, {@code millis} long, is too short for it).
     */
    private void warmUp(ManagedChannel channel) throws Exception {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(warmUpMillis);
        byte[] req = new byte[SMALL];
        while (System.nanoTime() < end) {
            ClientCalls.blockingUnaryCall(channel, BytesService.ECHO, CallOptions.DEFAULT, req);
        }
        streaming(channel, warmUpMillis);
    }

    private interface Iteration {
        double[] measure() throws Exception;
    }

    /** Iteration 0 is warm-up; the others are written, and their median kept for the table. */
    private void series(String transport, String metric, String metric2, int size, Iteration it) throws Exception {
        List<Double> first = new ArrayList<>();
        List<Double> second = new ArrayList<>();
        for (int i = 0; i <= iterations; i++) {
            double[] v = it.measure();
            if (i == 0) {
                continue;
            }
            tsv.printf(Locale.ROOT, "%s\t%s\t%d\t%d\t%.3f%n", transport, metric, size, i, v[0]);
            first.add(v[0]);
            if (metric2 != null) {
                tsv.printf(Locale.ROOT, "%s\t%s\t%d\t%d\t%.3f%n", transport, metric2, size, i, v[1]);
                second.add(v[1]);
            }
        }
        medians.computeIfAbsent(transport, t -> new LinkedHashMap<>()).put(metric, median(first));
        if (metric2 != null) {
            medians.get(transport).put(metric2, median(second));
        }
    }

    /** One 64 B unary call at a time for {@code millis}: p50 and p99 in µs. */
    private double[] latency(ManagedChannel channel) {
        Histogram h = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        byte[] req = new byte[SMALL];
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        for (long t = System.nanoTime(); t < end; ) {
            ClientCalls.blockingUnaryCall(channel, BytesService.ECHO, CallOptions.DEFAULT, req);
            long now = System.nanoTime();
            h.recordValue(Math.min(now - t, h.getHighestTrackableValue()));
            t = now;
        }
        long slow = h.getCountBetweenValues(TimeUnit.MILLISECONDS.toNanos(9), h.getHighestTrackableValue());
        System.err.printf(Locale.ROOT, "grpc bench latency: calls %d p50 %.1f p99 %.1f p99.9 %.1f us, > 9 ms %d%n",
                h.getTotalCount(), h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
                h.getValueAtPercentile(99.9) / 1000.0, slow);
        return new double[] {h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0};
    }

    /** 64 B unary calls, {@value #IN_FLIGHT} in flight, for {@code millis}: completed calls per second. */
    private double throughput(ManagedChannel channel) throws Exception {
        Semaphore slots = new Semaphore(IN_FLIGHT);
        AtomicLong done = new AtomicLong();
        CompletableFuture<Throwable> failed = new CompletableFuture<>();
        byte[] req = new byte[SMALL];
        long t0 = System.nanoTime();
        long end = t0 + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() < end && !failed.isDone()) {
            slots.acquire();
            ClientCalls.asyncUnaryCall(channel.newCall(BytesService.ECHO, CallOptions.DEFAULT), req, new StreamObserver<>() {
                @Override
                public void onNext(byte[] value) {
                    // counted at completion
                }

                @Override
                public void onError(Throwable t) {
                    failed.complete(t);
                    slots.release();
                }

                @Override
                public void onCompleted() {
                    done.incrementAndGet();
                    slots.release();
                }
            });
        }
        long elapsed = System.nanoTime() - t0;
        long n = done.get();
        slots.acquire(IN_FLIGHT); // let the last ones finish before the next series
        slots.release(IN_FLIGHT);
        if (failed.isDone()) {
            throw new IllegalStateException("a call failed", failed.get());
        }
        return n * 1e9 / elapsed;
    }

    /** An endless stream of 4 MiB messages, received for {@code ms}: MB/s. */
    private double streaming(ManagedChannel channel, long ms) throws Exception {
        AtomicLong bytes = new AtomicLong();
        ResponseObserver stream = new ResponseObserver(m -> bytes.addAndGet(m.length));
        ClientCalls.asyncServerStreamingCall(channel.newCall(BytesService.STREAM, CallOptions.DEFAULT),
                BytesService.streamRequest(-1, LARGE), stream);
        while (bytes.get() == 0 && !stream.end.isDone()) {
            Thread.sleep(1); // the first message: the stream runs
        }
        long b0 = bytes.get();
        long t0 = System.nanoTime();
        Thread.sleep(ms);
        long b1 = bytes.get();
        long elapsed = System.nanoTime() - t0;
        stream.cancel("measured");
        Status s = stream.awaitEnd(WAIT);
        if (s.getCode() != Status.Code.CANCELLED) {
            throw new IllegalStateException("the stream ended with " + s);
        }
        return (b1 - b0) * 1e3 / elapsed; // bytes/ns * 1e3 = MB/s
    }

    private static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        Collections.sort(s);
        int n = s.size();
        return n == 0 ? Double.NaN : n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    private String markdown() {
        StringBuilder b = new StringBuilder();
        b.append("## gRPC: over the array (shm) vs over TCP loopback (grpc-netty ").append(grpcVersion())
                .append(", NIO), two JVMs, medians of ").append(iterations).append(" x ").append(millis).append(" ms\n\n");
        b.append("| metric | grpc-array | grpc-tcp | array / tcp | target |\n|---|---|---|---|---|\n");
        row(b, "unary 64 B round trip p50 (µs)", "rtt_p50_us", "≤ 0.5");
        row(b, "unary 64 B round trip p99 (µs)", "rtt_p99_us", "");
        row(b, "unary 64 B, " + IN_FLIGHT + " in flight (RPCs/s)", "rpcs_per_s", "≥ 1.5");
        row(b, "server streaming 4 MiB messages (MB/s)", "stream_MBps", "≥ 2");
        return b.toString();
    }

    private void row(StringBuilder b, String label, String metric, String target) {
        double a = medians.getOrDefault(TRANSPORTS[0], Map.of()).getOrDefault(metric, Double.NaN);
        double t = medians.getOrDefault(TRANSPORTS[1], Map.of()).getOrDefault(metric, Double.NaN);
        b.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.2f | %s |%n", label, a, t, a / t, target));
    }

    private static String grpcVersion() {
        String v = Grpc.class.getPackage().getImplementationVersion();
        return v == null ? "?" : v;
    }
}
