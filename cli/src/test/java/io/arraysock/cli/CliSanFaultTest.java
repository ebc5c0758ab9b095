package io.arraysock.cli;

import io.arraysock.FormatOptions;
import io.arraysock.StorageArray;
import io.arraysock.testkit.BlockPair;
import io.arraysock.testkit.SanFaults;
import io.arraysock.testkit.SanFaults.Host;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CLI when a host's storage path fails, on the NBD pair: netcat between the two hosts as
 * real processes, then host A's path is lost. Each side ends with the exit code of a lost
 * connection and one line saying why, never a stack trace or an UncheckedIOException.
 */
class CliSanFaultTest {
    private static final Pattern LISTENING = Pattern.compile("listening on port (\\d+)");
    private static final int LIVENESS_MS = 1000;

    private final List<Process> processes = new ArrayList<>();

    @TempDir
    Path tmp;

    @AfterEach
    void cleanUp() {
        for (Process p : processes) {
            p.destroyForcibly();
        }
    }

    @Test
    void aLostPathEndsNetcatOnBothHostsWithOneLineNamingIt() throws Exception {
        BlockPair.Nodes nodes = BlockPair.NBD.nodes();
        SanFaults faults = BlockPair.NBD.faults();
        StorageArray.format(nodes.first(), FormatOptions.defaults().withNodeSlots(4).withSocketsPerNode(16)
                .withArenaSize(4 << 20).withHeartbeatIntervalMs(100).withLivenessTimeoutMs(LIVENESS_MS).withForce(true));
        try {
            Path listenErr = tmp.resolve("listen.err");
            Path connectErr = tmp.resolve("connect.err");
            Process listener = start(listenErr, "listen", nodes.first(), "0", "--timeout", "60");
            int port = Integer.parseInt(Cli.awaitLine(listenErr, LISTENING, listener, Duration.ofSeconds(60)).group(1));
            Process connector = start(connectErr, "connect", nodes.second(), Integer.toString(port));
            feedForever(connector.getOutputStream());
            AtomicLong received = drain(listener.getInputStream());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (received.get() < (1 << 20) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(received.get() >= (1 << 20), "netcat moved " + received.get() + " bytes");

            faults.losePath(Host.A);
            assertTrue(listener.waitFor(10, TimeUnit.SECONDS), "listen still runs after its path was lost");
            String err = Files.readString(listenErr);
            assertEquals(ExitCode.CONNECTION_LOST, listener.exitValue(), err);
            assertTrue(err.contains("arraysock listen: Connection reset: " + nodes.first() + ": the storage path failed: p")
                    && err.contains(" at offset "), err);
            assertClean(err);

            assertTrue(connector.waitFor(LIVENESS_MS + 10_000, TimeUnit.MILLISECONDS), "connect still runs");
            String theirs = Files.readString(connectErr);
            assertEquals(ExitCode.CONNECTION_LOST, connector.exitValue(), theirs);
            assertTrue(theirs.contains("arraysock connect: Connection reset"), theirs);
            assertClean(theirs);

            Cli.Run status = Cli.run("status", nodes.first());
            assertEquals(ExitCode.IO_ERROR, status.code(), status::toString);
            assertTrue(status.err().contains("the storage path failed"), status::toString);
            assertClean(status.err());
        } finally {
            faults.heal();
        }
    }

    /** No stack trace, no unchecked exception, no JVM's "Exception in thread". */
    private static void assertClean(String stderr) {
        assertFalse(stderr.contains("\tat ") || stderr.contains("Exception"), stderr);
    }

    private Process start(Path stderr, String... args) throws IOException {
        Process p = Cli.spawn(stderr, args);
        processes.add(p);
        return p;
    }

    private static void feedForever(OutputStream in) {
        Thread t = new Thread(() -> {
            byte[] chunk = new byte[64 * 1024];
            try (in) {
                while (true) {
                    in.write(chunk);
                }
            } catch (IOException ended) {
                // the process ended
            }
        });
        t.setDaemon(true);
        t.start();
    }

    private static AtomicLong drain(InputStream out) {
        AtomicLong count = new AtomicLong();
        Thread t = new Thread(() -> {
            byte[] buf = new byte[64 * 1024];
            try (out) {
                for (int n; (n = out.read(buf)) >= 0; ) {
                    count.addAndGet(n);
                }
            } catch (IOException ended) {
                // the process ended
            }
        });
        t.setDaemon(true);
        t.start();
        return count;
    }
}
