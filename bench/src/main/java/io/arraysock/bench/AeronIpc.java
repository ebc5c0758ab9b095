package io.arraysock.bench;

import io.aeron.Aeron;
import io.aeron.ConcurrentPublication;
import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.logbuffer.FragmentHandler;
import org.HdrHistogram.Histogram;
import org.agrona.BufferUtil;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Aeron IPC as a peer: an embedded media driver in this JVM (shared threading, backing off:
 * IPC data does not pass through it), the other side in a second JVM; publications and
 * subscriptions busy-spin, as arraysock's busySpin does. Same rows as {@link CrossProcess}.
 *
 * <p>Arguments: out.tsv sizes(csv) iterations millis phases(csv of stream,pingpong)
 * <br>Peer: {@code peer aeronDir sizes iterations millis phases}
 */
public final class AeronIpc {
    /**
     * A 64 KiB MTU (64 KiB messages in 2 fragments, not 47) and 64 MiB terms: the publisher
     * may run half a term ahead of the subscriber before the media driver, which backs off
     * between duty cycles, raises its limit; with 8 MiB terms that cadence held 64 KiB
     * streaming to ~1.1 GB/s, with 64 MiB it streams 5.6–7 GB/s here.
     */
    private static final String CHANNEL = "aeron:ipc?term-length=64m|mtu=65504";
    private static final int FORTH = 1001;
    private static final int BACK = 1002;
    /** The marker that ends a streaming burst: a message of this length. */
    private static final int END_LENGTH = 4;

    private AeronIpc() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("peer")) {
            peer(args[1], CrossProcess.parseSizes(args[2]), Integer.parseInt(args[3]), Long.parseLong(args[4]), args[5]);
            System.exit(0);
        }
        Path outFile = Path.of(args[0]);
        int[] sizes = CrossProcess.parseSizes(args[1]);
        int iterations = Integer.parseInt(args[2]);
        long millis = Long.parseLong(args[3]);
        String phases = args[4];
        String dir = "/dev/shm/aeron-bench-" + ProcessHandle.current().pid();
        MediaDriver.Context ctx = new MediaDriver.Context().aeronDirectoryName(dir).threadingMode(ThreadingMode.SHARED)
                .sharedIdleStrategy(new BackoffIdleStrategy()).dirDeleteOnStart(true).dirDeleteOnShutdown(true);
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(outFile, StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND), true);
             MediaDriver driver = MediaDriver.launchEmbedded(ctx);
             Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName()));
             Subscription in = aeron.addSubscription(CHANNEL, BACK);
             Publication forth = aeron.addPublication(CHANNEL, FORTH)) {
            List<String> cmd = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                    "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens", "java.base/java.nio=ALL-UNNAMED",
                    "-cp", System.getProperty("java.class.path"), AeronIpc.class.getName(), "peer",
                    driver.aeronDirectoryName(), args[1], args[2], args[3], phases));
            Process peer = new ProcessBuilder(cmd).inheritIO().start();
            while (!in.isConnected() || !forth.isConnected()) {
                Thread.onSpinWait();
            }
            for (int size : sizes) {
                if (phases.contains("stream")) {
                    for (int i = 0; i <= iterations; i++) {
                        double mbps = receiveStream(in);
                        if (i > 0) {
                            row(out, "stream_MBps", size, i, mbps);
                        }
                    }
                }
                if (phases.contains("pingpong")) {
                    pingPong(out, forth, in, size, iterations, millis);
                }
            }
            if (!peer.waitFor(5, TimeUnit.MINUTES) || peer.exitValue() != 0) {
                peer.destroyForcibly();
                throw new IllegalStateException("Aeron peer failed");
            }
        }
        System.exit(0);
    }

    private static void row(PrintWriter out, String metric, int size, int iteration, double value) {
        out.printf("aeron-ipc\t%s\t%d\t%d\t%.3f%n", metric, size, iteration, value);
        System.err.printf("  %-10s %-16s %7d #%d %12.3f%n", "aeron-ipc", metric, size, iteration, value);
    }

    private static double receiveStream(Subscription in) {
        long[] state = new long[3]; // bytes, first byte time, done
        FragmentHandler h = (buffer, offset, length, header) -> {
            if (length == END_LENGTH) {
                state[2] = 1;
                return;
            }
            if (state[0] == 0) {
                state[1] = System.nanoTime();
            }
            state[0] += length;
        };
        FragmentAssembler assembler = new FragmentAssembler(h);
        while (state[2] == 0) {
            if (in.poll(assembler, 64) == 0) {
                Thread.onSpinWait();
            }
        }
        return state[0] / ((System.nanoTime() - state[1]) / 1e9) / 1e6;
    }

    private static void pingPong(PrintWriter out, Publication forth, Subscription in, int size, int iterations, long millis) {
        UnsafeBuffer msg = new UnsafeBuffer(BufferUtil.allocateDirectAligned(Math.max(size, 64), 64));
        Histogram hist = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        boolean[] got = {false};
        FragmentAssembler assembler = new FragmentAssembler((buffer, offset, length, header) -> got[0] = true);
        for (int i = 0; i <= iterations; i++) {
            hist.reset();
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            long t;
            do {
                long t0 = System.nanoTime();
                offer(forth, msg, size);
                got[0] = false;
                while (!got[0]) {
                    if (in.poll(assembler, 1) == 0) {
                        Thread.onSpinWait();
                    }
                }
                t = System.nanoTime();
                hist.recordValue(Math.min(t - t0, hist.getHighestTrackableValue()));
            } while (t < end);
            if (i > 0) {
                row(out, "rtt_p50_us", size, i, hist.getValueAtPercentile(50) / 1e3);
                row(out, "rtt_p99_us", size, i, hist.getValueAtPercentile(99) / 1e3);
                row(out, "rtt_p999_us", size, i, hist.getValueAtPercentile(99.9) / 1e3);
                row(out, "rtt_count", size, i, hist.getTotalCount());
            }
        }
        offer(forth, msg, END_LENGTH); // tells the echoing peer this size is done
    }

    private static void offer(Publication p, UnsafeBuffer b, int length) {
        while (p.offer(b, 0, length) < 0) {
            Thread.onSpinWait();
        }
    }

    private static void peer(String dir, int[] sizes, int iterations, long millis, String phases) {
        try (Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(dir));
             Subscription in = aeron.addSubscription(CHANNEL, FORTH);
             ConcurrentPublication back = aeron.addPublication(CHANNEL, BACK)) {
            while (!in.isConnected() || !back.isConnected()) {
                Thread.onSpinWait();
            }
            for (int size : sizes) {
                UnsafeBuffer msg = new UnsafeBuffer(BufferUtil.allocateDirectAligned(Math.max(size, 64), 64));
                if (phases.contains("stream")) {
                    for (int i = 0; i <= iterations; i++) {
                        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
                        int n = 0;
                        do {
                            offer(back, msg, size);
                        } while ((++n & 15) != 0 || System.nanoTime() < end);
                        offer(back, msg, END_LENGTH);
                    }
                }
                if (phases.contains("pingpong")) {
                    boolean[] done = {false};
                    FragmentAssembler echo = new FragmentAssembler((buffer, offset, length, header) -> {
                        if (length == END_LENGTH) {
                            done[0] = true;
                        } else {
                            while (back.offer(buffer, offset, length) < 0) {
                                Thread.onSpinWait();
                            }
                        }
                    });
                    while (!done[0]) {
                        if (in.poll(echo, 1) == 0) {
                            Thread.onSpinWait();
                        }
                    }
                }
            }
        }
    }
}
