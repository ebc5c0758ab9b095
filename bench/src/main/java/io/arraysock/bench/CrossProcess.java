package io.arraysock.bench;

import org.HdrHistogram.Histogram;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Cross-process driver: this JVM is the server (it receives the streams, times the round
 * trips, accepts the connections); {@link Peer}, spawned on the same classpath, is the
 * client. Appends tab-separated rows {@code transport metric size iteration value} to a
 * results file; iteration 0 of every series is warm-up and is not written.
 *
 * <p>Arguments: out.tsv transport where sizes(csv) iterations millis phases(csv of stream,pingpong,idle,connect)
 * <br>or: out.tsv memcpy - sizes iterations millis
 *
 * <p>{@code -Dbench.pingpongWarmupMillis=N}: the round trips' warm-up iteration lasts N ms
 * instead of {@code millis}. On two cores the C2 compiles of both JVMs take the cores for
 * their first seconds and make the round trips' tail (bench/results/session15.md).
 * {@code -Dbench.connectWarmupMillis=N}: the connect phase's warm-up lasts at least N ms.
 */
public final class CrossProcess {
    /** Highest round trip the histograms track (ns); longer ones are clamped, and counted. */
    private static final long MAX_RTT_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** The connect phase's warm-up (ms), passed on to the peer, which connects ({@code Peer.CONNECT_WARMUP_MILLIS}). */
    static final String CONNECT_WARMUP_PROPERTY = "bench.connectWarmupMillis";
    /** Length of the round trips' warm-up iteration (ms); 0: as long as a measured one. */
    private static final long PINGPONG_WARMUP_MILLIS = Long.getLong("bench.pingpongWarmupMillis", 0);

    private final PrintWriter out;
    private final String transport;

    private CrossProcess(PrintWriter out, String transport) {
        this.out = out;
        this.transport = transport;
    }

    public static void main(String[] args) throws Exception {
        Path outFile = Path.of(args[0]);
        String transport = args[1];
        String where = args[2];
        int[] sizes = parseSizes(args[3]);
        int iterations = Integer.parseInt(args[4]);
        long millis = Long.parseLong(args[5]);
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(outFile, StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND), true)) {
            CrossProcess run = new CrossProcess(out, transport);
            if (transport.equals("memcpy")) {
                run.memcpy(sizes, iterations, millis);
            } else {
                run.crossProcess(where, sizes, iterations, millis, args[6]);
            }
        }
        System.exit(0);
    }

    static int[] parseSizes(String csv) {
        return Arrays.stream(csv.split(",")).mapToInt(Integer::parseInt).toArray();
    }

    private void row(String metric, int size, int iteration, double value) {
        out.printf("%s\t%s\t%d\t%d\t%.3f%n", transport, metric, size, iteration, value);
        System.err.printf("  %-10s %-16s %7d #%d %12.3f%n", transport, metric, size, iteration, value);
    }

    /** In-process copy between two direct buffers: the speed of the copy the ring does twice. */
    private void memcpy(int[] sizes, int iterations, long millis) {
        for (int size : sizes) {
            ByteBuffer src = ByteBuffer.allocateDirect(size);
            ByteBuffer dst = ByteBuffer.allocateDirect(size);
            for (int i = 0; i <= iterations; i++) {
                long n = 0;
                long start = System.nanoTime();
                long end = start + TimeUnit.MILLISECONDS.toNanos(millis);
                long now;
                do {
                    for (int k = 0; k < 64; k++) {
                        dst.put(0, src, 0, size);
                    }
                    n += 64;
                    now = System.nanoTime();
                } while (now < end);
                if (i > 0) {
                    row("stream_MBps", size, i, (double) n * size / ((now - start) / 1e9) / 1e6);
                }
            }
        }
    }

    /**
     * @param where the transport's address; {@code parentPath::peerPath} when the two sides
     *              reach one array by different paths (the two devices of a loop pair)
     */
    private void crossProcess(String where, int[] sizes, int iterations, long millis, String phases) throws Exception {
        String peerWhere = where;
        int split = where.indexOf("::");
        if (split >= 0) {
            peerWhere = where.substring(split + 2);
            where = where.substring(0, split);
        }
        try (Net net = Net.open(transport, where); Net.Listener listener = net.listen()) {
            List<String> cmd = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-XX:+UseParallelGC", "-cp", System.getProperty("java.class.path"),
                    Peer.class.getName(), transport, peerWhere, join(sizes),
                    Integer.toString(iterations), Long.toString(millis), phases));
            String logging = System.getProperty("java.util.logging.config.file");
            if (logging != null) {
                cmd.add(1, "-Djava.util.logging.config.file=" + logging);
            }
            String connectWarmup = System.getProperty(CONNECT_WARMUP_PROPERTY);
            if (connectWarmup != null) { // the connect client is the peer
                cmd.add(1, "-D" + CONNECT_WARMUP_PROPERTY + "=" + connectWarmup);
            }
            // e.g. -Dbench.peer.jvmArgs=-XX:StartFlightRecording=filename=peer.jfr to profile the peer
            String extra = System.getProperty("bench.peer.jvmArgs", "").strip();
            if (!extra.isEmpty()) {
                cmd.addAll(1, List.of(extra.split("\\s+")));
            }
            Process peer = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            List<String> peerOut = new ArrayList<>();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(peer.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        synchronized (peerOut) {
                            peerOut.add(line);
                        }
                    }
                } catch (IOException ignored) {
                    // the peer went away; its exit code tells
                }
            });
            reader.start();
            for (int size : sizes) {
                if (phases.contains("stream")) {
                    for (int i = 0; i <= iterations; i++) {
                        double mbps = receiveStream(listener, size);
                        if (i > 0) {
                            row("stream_MBps", size, i, mbps);
                        }
                    }
                }
                if (phases.contains("pingpong")) {
                    pingPong(listener, size, iterations, millis);
                }
            }
            if (phases.contains("idle")) {
                idle(listener, iterations, millis);
            }
            if (phases.contains("connect")) {
                // Each cycle is a whole exchange: accept, send one byte, wait for the client's
                // close, close. Without the byte a TCP client outruns the accepting thread (its
                // connect completes in the kernel), overflows the listen backlog and waits 1 s
                // for a SYN retransmission: that measured the backlog, not connection setup.
                // The client closes first, so TIME_WAIT stays on its side, where connect()'s
                // choice of port accounts for it. The accepting thread hands each connection to
                // a worker, as servers do, so it is back in accept when the next request comes
                // and the client's connect time is the handshake's, not the previous close's.
                ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
                    Thread t = new Thread(r, "bench-connect-worker");
                    t.setDaemon(true);
                    return t;
                });
                Thread acceptor = new Thread(() -> {
                    try {
                        while (true) {
                            Net.Conn accepted = listener.accept();
                            worker.execute(() -> {
                                ByteBuffer one = ByteBuffer.allocateDirect(1);
                                try (Net.Conn c = accepted) {
                                    c.write(one.clear());
                                    c.read(one.clear());
                                } catch (IOException e) {
                                    if (peer.isAlive()) {
                                        System.err.println("bench: a connection of " + transport + " failed: " + e);
                                        peer.destroyForcibly();
                                    }
                                }
                            });
                        }
                    } catch (IOException | RuntimeException e) {
                        if (peer.isAlive()) { // not the listener closing at the end: fail the series, do not hang
                            System.err.println("bench: the accept loop of " + transport + " failed: " + e);
                            e.printStackTrace();
                            peer.destroyForcibly();
                        }
                    }
                });
                acceptor.setDaemon(true);
                acceptor.start();
            }
            if (!peer.waitFor(10, TimeUnit.MINUTES) || peer.exitValue() != 0) {
                peer.destroyForcibly();
                throw new IllegalStateException("peer failed for " + transport);
            }
            reader.join();
            for (String line : peerOut) {
                String[] f = line.split(" ");
                if (f[0].equals("CONNECTS") && !f[1].equals("0")) {
                    row("connects_per_s", 0, Integer.parseInt(f[1]), Double.parseDouble(f[2]));
                }
                if (f[0].equals("CONNECT_P50") && !f[1].equals("0")) {
                    row("connect_p50_us", 0, Integer.parseInt(f[1]), Double.parseDouble(f[2]));
                }
            }
        }
    }

    private static String join(int[] sizes) {
        StringBuilder b = new StringBuilder();
        for (int s : sizes) {
            b.append(b.length() == 0 ? "" : ",").append(s);
        }
        return b.toString();
    }

    /** MB/s (10^6) from the first byte to the end of the stream. */
    private static double receiveStream(Net.Listener listener, int size) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect(size);
        try (Net.Conn c = listener.accept()) {
            ByteBuffer[] bufs = new ByteBuffer[c.batch()];
            for (int i = 0; i < bufs.length; i++) {
                bufs[i] = ByteBuffer.allocateDirect(size);
            }
            long bytes = 0;
            long first = 0;
            while (true) {
                long n;
                if (bufs.length > 1) {
                    for (ByteBuffer b : bufs) {
                        b.clear();
                    }
                    n = c.read(bufs); // one scattering receive
                } else {
                    buf.clear();
                    n = c.read(buf);
                }
                if (n < 0) {
                    break;
                }
                if (bytes == 0) {
                    first = System.nanoTime();
                }
                bytes += n;
            }
            long elapsed = System.nanoTime() - first;
            return bytes / (elapsed / 1e9) / 1e6;
        }
    }

    /**
     * The CPU an idle connection costs its receiver: a thread blocks in a read the peer
     * answers only after all iterations (see {@link Peer#IDLE_SETTLE_MILLIS}); each iteration
     * is that thread's CPU time over {@code millis}, as a percentage of one core.
     */
    private void idle(Net.Listener listener, int iterations, long millis) throws Exception {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        try (Net.Conn c = listener.accept()) {
            Thread reader = new Thread(() -> {
                try {
                    c.readFully(ByteBuffer.allocateDirect(1));
                } catch (IOException e) {
                    System.err.println("bench: the idle read of " + transport + " failed: " + e);
                }
            }, "bench-idle-reader");
            reader.start();
            Thread.sleep(Peer.IDLE_SETTLE_MILLIS);
            long cpu = threads.getThreadCpuTime(reader.getId());
            for (int i = 0; i <= iterations; i++) {
                long start = System.nanoTime();
                Thread.sleep(millis);
                long now = threads.getThreadCpuTime(reader.getId());
                if (i > 0) {
                    row("idle_cpu_pct", 0, i, 100.0 * (now - cpu) / (System.nanoTime() - start));
                }
                cpu = now;
            }
            reader.join();
        }
    }

    private void pingPong(Net.Listener listener, int size, int iterations, long millis) throws IOException {
        ByteBuffer msg = ByteBuffer.allocateDirect(size);
        Histogram h = new Histogram(MAX_RTT_NANOS, 3);
        try (Net.Conn c = listener.accept()) {
            for (int i = 0; i <= iterations; i++) {
                h.reset();
                long length = i == 0 && PINGPONG_WARMUP_MILLIS > 0 ? PINGPONG_WARMUP_MILLIS : millis;
                long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(length);
                long t;
                do {
                    long t0 = System.nanoTime();
                    msg.clear();
                    c.write(msg);
                    msg.clear();
                    c.readFully(msg);
                    t = System.nanoTime();
                    h.recordValue(Math.min(t - t0, MAX_RTT_NANOS));
                } while (t < end);
                if (i > 0) {
                    row("rtt_p50_us", size, i, h.getValueAtPercentile(50) / 1e3);
                    row("rtt_p99_us", size, i, h.getValueAtPercentile(99) / 1e3);
                    row("rtt_p999_us", size, i, h.getValueAtPercentile(99.9) / 1e3);
                    row("rtt_count", size, i, h.getTotalCount());
                }
            }
        }
    }
}
