package io.arraysock.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Commands interrupted by SIGINT or SIGTERM, as real processes: they remove their partial
 * files, close their sockets (the peer is told) and detach their nodes (no DEAD slot left).
 */
class CliInterruptTest {
    private static final Pattern LISTENING = Pattern.compile("listening on port (\\d+)");
    private static final Pattern NODE_PID = Pattern.compile("\"pid\":(\\d+)");
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final Cli cli = new Cli();
    private final List<Process> processes = new ArrayList<>();

    @TempDir
    Path tmp;

    @AfterEach
    void cleanUp() throws Exception {
        for (Process p : processes) {
            p.destroyForcibly().waitFor();
        }
        cli.close();
    }

    @Test
    void recvInterruptedMidFileRemovesThePartialFileAndDetaches() throws Exception {
        String path = cli.formatted();
        Path dir = Files.createDirectory(tmp.resolve("in"));
        Path recvErr = tmp.resolve("recv.err");
        Process recv = start(recvErr, "recv", path, "0", dir.toString());
        int port = Integer.parseInt(Cli.awaitLine(recvErr, LISTENING, recv, WAIT).group(1));
        // the sender: a netcat connect fed a file header that promises 1 GiB, then 1 MiB of it
        Process sender = start(tmp.resolve("connect.err"), "connect", path, Integer.toString(port));
        DataOutputStream feed = new DataOutputStream(sender.getOutputStream());
        new FileHeader("big.bin", 1L << 30).write(feed);
        feed.write(new byte[1 << 20]);
        feed.flush();
        awaitPartialFile(dir, recv);

        signal(recv, "INT");
        assertTrue(recv.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), "recv ends on SIGINT");
        try (var left = Files.list(dir)) {
            assertEquals(List.of(), left.toList(), "no partial file left behind");
        }
        assertFalse(nodePids(path).contains(recv.pid()), "recv's node detached");
        assertTrue(sender.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), "the sender is told: its connection ended");
    }

    @Test
    void statusWatchInterruptedLeavesNoDeadNode() throws Exception {
        String path = cli.formatted();
        Process watch = start(tmp.resolve("watch.err"), "status", path, "--watch");
        BufferedReader out = new BufferedReader(new InputStreamReader(watch.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = out.readLine()) != null && !line.startsWith("free:"); ) {
            // the first table
        }
        assertTrue(nodePids(path).contains(watch.pid()), "it is attached while it watches");
        signal(watch, "INT");
        assertTrue(watch.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), "status --watch ends on SIGINT");
        assertEquals(List.of(), nodePids(path), "no node left, dead or alive");
    }

    @Test
    void listenTerminatedDetaches() throws Exception {
        String path = cli.formatted();
        Path err = tmp.resolve("listen.err");
        Process listen = start(err, "listen", path, "0");
        Cli.awaitLine(err, LISTENING, listen, WAIT);
        listen.destroy(); // SIGTERM
        assertTrue(listen.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), "listen ends on SIGTERM");
        assertEquals(List.of(), nodePids(path), "no node left, dead or alive");
    }

    private Process start(Path stderr, String... args) throws IOException {
        Process p = Cli.spawn(stderr, args);
        processes.add(p);
        return p;
    }

    private static void signal(Process p, String name) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-" + name, Long.toString(p.pid())).inheritIO().start().waitFor());
    }

    private static void awaitPartialFile(Path dir, Process recv) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline && recv.isAlive()) {
            try (var files = Files.list(dir)) {
                if (files.anyMatch(f -> f.getFileName().toString().endsWith(".part"))) {
                    return;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("recv never started a partial file (alive: " + recv.isAlive() + ")");
    }

    /** The pids of every node the array holds, alive or dead, except the looking status command's own. */
    private static List<Long> nodePids(String path) {
        Cli.Run s = Cli.run("status", path, "--json");
        assertEquals(ExitCode.OK, s.code(), s::toString);
        List<Long> pids = new ArrayList<>();
        Matcher m = NODE_PID.matcher(s.out());
        while (m.find()) {
            long pid = Long.parseLong(m.group(1));
            if (pid != ProcessHandle.current().pid()) {
                pids.add(pid);
            }
        }
        return pids;
    }
}
