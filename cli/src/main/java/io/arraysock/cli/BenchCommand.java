package io.arraysock.cli;

import io.arraysock.ArraySocket;
import io.arraysock.api.IdleStrategy;
import io.arraysock.api.SocketType;
import io.arraysock.StorageArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.util.List;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code arraysock bench}: a quick look at one array: throughput of one stream and the
 * round-trip time of small messages, between this process and a second JVM it starts.
 * Each phase runs a warm-up (unrecorded: the JIT compiles the paths) and then a measured
 * window of fixed length, so a cold JVM's first second does not pass for the array's speed.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Streams from this process to a second JVM it starts for --warm-up then --seconds seconds, "
                + "then ping-pongs messages of --message-size bytes for as long; prints what it measured and how.",
                "A quick look, not the benchmark: scripts/bench runs every size, both media and the comparisons, "
                        + "with iterations and rounds (see README)."})
final class BenchCommand implements Callable<Integer> {
    private static final int CHUNK = 1 << 20;
    /** Rings are sized in int bytes; a 2 GiB one would overflow (and no arena holds one). */
    private static final long MAX_RING = 1L << 30;
    /** First byte of a ping: go on, or this is the last one. */
    private static final byte PING = 0;
    private static final byte LAST = 1;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PATH", description = "the array: a segment (/dev/shm/NAME) or a block device")
    String path;

    @Option(names = "--seconds", paramLabel = "SECONDS", converter = SecondsConverter.class,
            description = "length of each measured window: stream, then round trips (default ${DEFAULT-VALUE})")
    long seconds = 3;

    @Option(names = "--warm-up", paramLabel = "SECONDS", converter = SecondsConverter.class,
            description = "unrecorded run before each window (default ${DEFAULT-VALUE})")
    long warmUpSeconds = 1;

    @Option(names = "--message-size", paramLabel = "BYTES", description = "bytes per ping (default ${DEFAULT-VALUE})")
    int messageSize = 64;

    /** The waiting strategies of {@link IdleStrategy}, by the names the option takes. */
    enum Idle {
        blocking, backoff, yielding, spin;

        IdleStrategy strategy() {
            return switch (this) {
                case blocking -> IdleStrategy.blocking();
                case backoff -> IdleStrategy.backoff();
                case yielding -> IdleStrategy.yielding();
                case spin -> IdleStrategy.busySpin();
            };
        }
    }

    @Option(names = "--idle", description = "how both sockets wait: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}; "
            + "spin and yielding burn a core each, but answer sooner)")
    Idle idle = Idle.blocking;

    @Option(names = "--ring-size", paramLabel = "BYTES", converter = SizeConverter.class,
            description = "bytes of ring per direction, e.g. 1M; at most 1G (default 4M)")
    long ringSize = 4 << 20;

    @Override
    public Integer call() throws Exception {
        if (seconds < 1 || messageSize < 1 || messageSize > CHUNK) {
            throw new IllegalArgumentException("--seconds must be at least 1 and --message-size in 1.." + CHUNK);
        }
        if (ringSize < 1 || ringSize > MAX_RING) {
            throw new IllegalArgumentException("--ring-size must be in 1.." + SizeConverter.human(MAX_RING) + ": " + ringSize);
        }
        PrintWriter out = spec.commandLine().getOut();
        try (StorageArray array = ExitCleanup.closeAtExit(StorageArray.attach(path));
             ArraySocket listener = array.openSocket(SocketType.STREAM)) {
            listener.setReceiveBufferSize((int) ringSize);
            listener.bind(0);
            listener.listen(2);
            Process peer = new ProcessBuilder(JavaCommand.of(List.of(), Main.class, "bench-peer", path,
                    Integer.toString(listener.localPort()), Long.toString(ringSize), idle.name(),
                    Integer.toString(messageSize)))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try {
                try (ArraySocket s = listener.accept(Duration.ofSeconds(30))) {
                    stream(s, out);
                }
                try (ArraySocket s = listener.accept(Duration.ofSeconds(30))) {
                    roundTrips(s, out);
                }
            } finally {
                if (!peer.waitFor(10, TimeUnit.SECONDS)) {
                    peer.destroyForcibly();
                }
            }
            if (peer.exitValue() != 0) {
                throw new CliException(ExitCode.IO_ERROR, "the bench peer failed with exit code " + peer.exitValue());
            }
        }
        return ExitCode.OK;
    }

    /** Streams until the window ends, counting what the sender handed over inside it; the peer confirms the total. */
    private void stream(ArraySocket s, PrintWriter out) throws IOException {
        s.setIdleStrategy(idle.strategy());
        ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK);
        long windowStart = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmUpSeconds);
        long end = windowStart + TimeUnit.SECONDS.toNanos(seconds);
        long total = 0;
        long measured = 0;
        long now;
        while ((now = System.nanoTime()) - end < 0) {
            buf.clear();
            s.send(buf);
            total += CHUNK;
            if (now - windowStart >= 0) {
                measured += CHUNK;
            }
        }
        double window = (System.nanoTime() - windowStart) / 1e9;
        s.shutdownOutput();
        long received = new DataInputStream(ArrayStreams.in(s)).readLong();
        if (received != total) {
            throw new CliException(ExitCode.VERIFY_FAILED, "the bench peer received " + received + " of " + total + " bytes");
        }
        out.printf(Locale.ROOT, "stream:  %s in %.2f s = %.2f GiB/s (%s 1 MiB sends into one connection with %s rings, "
                        + "counted at the sender after %d s of warm-up; the peer received all %s)%n",
                SizeConverter.human(measured), window, measured / window / (1L << 30), idle, SizeConverter.human(ringSize),
                warmUpSeconds, SizeConverter.human(total));
        out.flush();
    }

    /** Ping-pongs until the window ends; each round trip of the window is timed. */
    private void roundTrips(ArraySocket s, PrintWriter out) throws IOException {
        s.setIdleStrategy(idle.strategy());
        DataOutputStream dout = new DataOutputStream(ArrayStreams.out(s));
        DataInputStream din = new DataInputStream(ArrayStreams.in(s));
        byte[] ping = new byte[messageSize];
        long windowStart = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmUpSeconds);
        long end = windowStart + TimeUnit.SECONDS.toNanos(seconds);
        long[] rtt = new long[1 << 16];
        int n = 0;
        for (long t0 = System.nanoTime(); ; t0 = System.nanoTime()) {
            boolean last = t0 - end >= 0;
            ping[0] = last ? LAST : PING;
            dout.write(ping);
            din.readFully(ping);
            if (last) {
                break;
            }
            if (t0 - windowStart >= 0) {
                if (n == rtt.length) {
                    rtt = Arrays.copyOf(rtt, n * 2);
                }
                rtt[n++] = System.nanoTime() - t0;
            }
        }
        s.shutdownOutput();
        Arrays.sort(rtt, 0, n);
        if (n == 0) {
            throw new CliException(ExitCode.TIMEOUT, "no round trip completed in " + seconds + " s");
        }
        out.printf(Locale.ROOT, "latency: %d round trips of %d bytes in %d s (%s waiting, after %d s of warm-up): "
                        + "p50 %.2f us, p99 %.2f us, max %.1f us%n", n, messageSize, seconds, idle, warmUpSeconds,
                rtt[n / 2] / 1e3, rtt[(int) Math.min(n - 1, n * 99L / 100)] / 1e3, rtt[n - 1] / 1e3);
        out.flush();
    }

    /** The second JVM of {@code bench}: swallows the stream (and says how much came), echoes the pings. */
    @Command(name = "bench-peer", hidden = true)
    static final class Peer implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = MediumFaults.PATH_LABEL)
        String path;

        @Parameters(index = "1")
        int port;

        @Parameters(index = "2")
        int ringSize;

        @Parameters(index = "3")
        Idle idle;

        @Parameters(index = "4")
        int messageSize;

        @Override
        public Integer call() throws IOException {
            try (StorageArray array = ExitCleanup.closeAtExit(StorageArray.attach(path))) {
                try (ArraySocket s = connect(array)) {
                    ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK);
                    long total = 0;
                    for (int n; (n = s.receive(buf.clear())) >= 0; ) {
                        total += n;
                    }
                    new DataOutputStream(ArrayStreams.out(s)).writeLong(total);
                }
                try (ArraySocket s = connect(array)) {
                    DataInputStream din = new DataInputStream(ArrayStreams.in(s));
                    DataOutputStream dout = new DataOutputStream(ArrayStreams.out(s));
                    byte[] ping = new byte[messageSize];
                    do {
                        din.readFully(ping);
                        dout.write(ping);
                    } while (ping[0] != LAST);
                }
            }
            return ExitCode.OK;
        }

        private ArraySocket connect(StorageArray array) throws IOException {
            ArraySocket s = array.openSocket(SocketType.STREAM);
            s.setSendBufferSize(ringSize);
            s.setIdleStrategy(idle.strategy());
            s.connect(port, Duration.ofSeconds(10));
            return s;
        }
    }
}
