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
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Streams --bytes from this process to a second JVM it starts, then ping-pongs --rounds "
                + "messages of --message-size bytes; prints throughput and round-trip percentiles."})
final class BenchCommand implements Callable<Integer> {
    private static final int CHUNK = 1 << 20;
    /** Unrecorded round trips first (at most a tenth of them), so the JIT's first passes stay out of the figures. */
    private static final int WARM_UP_ROUNDS = 1000;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PATH")
    String path;

    @Option(names = "--bytes", converter = SizeConverter.class, description = "bytes to stream (default 1G)")
    long bytes = 1L << 30;

    @Option(names = "--rounds", description = "ping-pong round trips (default ${DEFAULT-VALUE})")
    int rounds = 10_000;

    @Option(names = "--message-size", description = "bytes per ping (default ${DEFAULT-VALUE})")
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

    @Option(names = "--ring-size", converter = SizeConverter.class, description = "ring per direction (default 4M)")
    long ringSize = 4 << 20;

    @Override
    public Integer call() throws Exception {
        if (bytes < 0 || rounds < 0 || messageSize < 1 || messageSize > CHUNK) {
            throw new IllegalArgumentException("--bytes and --rounds must be >= 0 and --message-size in 1.." + CHUNK);
        }
        PrintWriter out = spec.commandLine().getOut();
        try (StorageArray array = ExitCleanup.closeAtExit(StorageArray.attach(path));
             ArraySocket listener = array.openSocket(SocketType.STREAM)) {
            listener.setReceiveBufferSize((int) ringSize);
            listener.bind(0);
            listener.listen(1);
            Process peer = new ProcessBuilder(JavaCommand.of(List.of(), Main.class, "bench-peer", path,
                    Integer.toString(listener.localPort()), Long.toString(ringSize), idle.name()))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try (ArraySocket s = listener.accept(Duration.ofSeconds(30))) {
                s.setIdleStrategy(idle.strategy());
                DataOutputStream dout = new DataOutputStream(ArrayStreams.out(s));
                DataInputStream din = new DataInputStream(ArrayStreams.in(s));
                int warmUp = Math.min(WARM_UP_ROUNDS, rounds / 10);
                dout.writeLong(bytes);
                dout.writeInt(warmUp + rounds);
                dout.writeInt(messageSize);
                ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK);
                long start = System.nanoTime();
                for (long left = bytes; left > 0; left -= buf.limit()) {
                    buf.clear().limit((int) Math.min(CHUNK, left));
                    s.send(buf);
                }
                if (din.read() != 0) {
                    throw new CliException(ExitCode.PROTOCOL, "the bench peer did not confirm the stream");
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                if (bytes > 0) {
                    out.printf(Locale.ROOT, "stream:  %s in %.2f s = %.1f MiB/s (one connection, %s rings)%n",
                            SizeConverter.human(bytes), seconds, bytes / seconds / (1 << 20), SizeConverter.human(ringSize));
                    out.flush();
                }
                long[] rtt = new long[rounds];
                byte[] ping = new byte[messageSize];
                for (int i = 0; i < warmUp; i++) {
                    dout.write(ping);
                    din.readFully(ping);
                }
                for (int i = 0; i < rounds; i++) {
                    long t0 = System.nanoTime();
                    dout.write(ping);
                    din.readFully(ping);
                    rtt[i] = System.nanoTime() - t0;
                }
                if (rounds > 0) {
                    Arrays.sort(rtt);
                    out.printf(Locale.ROOT, "latency: %d round trips of %d bytes (%s waiting): p50 %.1f us, p99 %.1f us, max %.1f us%n", rounds,
                            messageSize, idle, rtt[rounds / 2] / 1e3, rtt[(int) Math.min(rounds - 1, rounds * 99L / 100)] / 1e3,
                            rtt[rounds - 1] / 1e3);
                }
                s.shutdownOutput();
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

    /** The second JVM of {@code bench}: swallows the stream, echoes the pings. */
    @Command(name = "bench-peer", hidden = true)
    static final class Peer implements Callable<Integer> {
        @Parameters(index = "0")
        String path;

        @Parameters(index = "1")
        int port;

        @Parameters(index = "2")
        int ringSize;

        @Parameters(index = "3")
        Idle idle;

        @Override
        public Integer call() throws IOException {
            try (StorageArray array = ExitCleanup.closeAtExit(StorageArray.attach(path));
                 ArraySocket s = array.openSocket(SocketType.STREAM)) {
                s.setSendBufferSize(ringSize);
                s.setIdleStrategy(idle.strategy());
                s.connect(port, Duration.ofSeconds(10));
                DataInputStream din = new DataInputStream(ArrayStreams.in(s));
                DataOutputStream dout = new DataOutputStream(ArrayStreams.out(s));
                long bytes = din.readLong();
                int rounds = din.readInt();
                byte[] ping = new byte[din.readInt()];
                ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK);
                for (long left = bytes; left > 0; ) {
                    buf.clear().limit((int) Math.min(CHUNK, left));
                    int n = s.receive(buf);
                    if (n < 0) {
                        throw new CliException(ExitCode.CONNECTION_LOST, "the stream ended early");
                    }
                    left -= n;
                }
                dout.write(0);
                for (int i = 0; i < rounds; i++) {
                    din.readFully(ping);
                    dout.write(ping);
                }
            }
            return ExitCode.OK;
        }
    }
}
