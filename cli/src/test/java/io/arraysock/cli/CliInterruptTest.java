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
 * files, close their sockets (the peer is told) and detach their nodes (no DEAD slot left);
 * {@code status}, which takes no slot itself, shows the slot of a node killed outright as
 * dead and reclaimable.
 */
class CliInterruptTest {
    private static final Pattern NODE_PID = Pattern.compile("\"pid\":(\\d+)");
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final Cli cli = new Cli();

    @TempDir
    Path tmp;

    @AfterEach
    void cleanUp() throws IOException {
        cli.close();
    }

    @Test
    void recvInterruptedMidFileRemovesThePartialFileAndDetaches() throws Exception {
        String path = cli.formatted();
        Path dir = Files.createDirectory(tmp.resolve("in"));
        Path recvErr = tmp.resolve("recv.err");
        Process recv = cli.start(recvErr, "recv", path, "0", dir.toString());
        int port = Cli.awaitPort(recvErr, recv);
        // the sender: a netcat connect fed a file header that promises 1 GiB, then 1 MiB of it
        Process sender = cli.start(tmp.resolve("connect.err"), "connect", path, Integer.toString(port));
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
        Process watch = cli.start(tmp.resolve("watch.err"), "status", path, "--watch");
        BufferedReader out = new BufferedReader(new InputStreamReader(watch.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = out.readLine()) != null && !line.startsWith("free:"); ) {
            // the first table
        }
        assertEquals(List.of(), nodePids(path), "it looks without a node slot of its own");
        signal(watch, "INT");
        assertTrue(watch.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), "status --watch ends on SIGINT");
        assertEquals(List.of(), nodePids(path), "no node left, dead or alive");
    }

    @Test
    void listenTerminatedDetaches() throws Exception {
        String path = cli.formatted();
        Path err = tmp.resolve("listen.err");
        Process listen = cli.start(err, "listen", path, "0");
        Cli.awaitPort(err, listen);
        listen.destroy(); // SIGTERM
        assertTrue(listen.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), "listen ends on SIGTERM");
        assertEquals(List.of(), nodePids(path), "no node left, dead or alive");
    }

    @Test
    void statusShowsTheSlotOfAKilledNodeAsReclaimable() throws Exception {
        String path = cli.formatted();
        Path err = tmp.resolve("listen.err");
        Process listen = cli.start(err, "listen", path, "0");
        Cli.awaitPort(err, listen);
        listen.destroyForcibly().waitFor(); // SIGKILL: no hook runs, the slot stays ACTIVE
        Cli.Run table = Cli.run("status", path);
        assertTrue(table.out().contains("dead: slot reclaimable")
                && table.out().contains("free: 8 of 8 node slots (1 of them held by dead nodes, reclaimable)"), table::toString);
        Cli.Run json = Cli.run("status", path, "--json");
        assertTrue(json.out().contains("\"reclaimable\":true") && json.out().contains("\"nodeSlots\":8,\"deadNodeSlots\":1"),
                json::toString);
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

    /** The pids of every node the array holds, alive or dead (status itself holds none). */
    private static List<Long> nodePids(String path) {
        Cli.Run s = Cli.run("status", path, "--json");
        assertEquals(ExitCode.OK, s.code(), s::toString);
        List<Long> pids = new ArrayList<>();
        Matcher m = NODE_PID.matcher(s.out());
        while (m.find()) {
            pids.add(Long.parseLong(m.group(1)));
        }
        return pids;
    }
}
