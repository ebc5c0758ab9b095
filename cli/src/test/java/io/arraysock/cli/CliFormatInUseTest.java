package io.arraysock.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code format --force} on an array in use: refused, naming the live nodes; {@code --force-live} overrides. */
class CliFormatInUseTest {
    private static final Pattern UUID = Pattern.compile("uuid ([0-9a-f-]{36})");

    private final Cli cli = new Cli();

    @TempDir
    Path tmp;

    @AfterEach
    void cleanUp() throws IOException {
        cli.close();
    }

    @Test
    void forceRefusesWhileANodeIsAliveAndNamesIt() throws Exception {
        String path = cli.formatted();
        String before = uuidOf(path);
        Path err = tmp.resolve("listen.err");
        Process listener = listen(path, err);
        Cli.Run r = Cli.run("format", path, "--force", "--nodes", "8", "--sockets-per-node", "16");
        assertEquals(ExitCode.IN_USE, r.code(), r::toString);
        String host = Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.US_ASCII).trim();
        assertTrue(r.err().contains(listener.pid() + "@" + host) && r.err().contains("--force-live"), r::toString);
        assertEquals(before, uuidOf(path), "the array is untouched");
        assertTrue(listener.isAlive(), "its node lives on");
    }

    @Test
    void forceLiveReformatsAndTheVictimIsToldSo() throws Exception {
        String path = cli.formatted();
        String before = uuidOf(path);
        Path err = tmp.resolve("listen.err");
        Process listener = listen(path, err);
        Cli.Run r = Cli.run("format", path, "--force-live", "--nodes", "8", "--sockets-per-node", "16");
        assertEquals(ExitCode.OK, r.code(), r::toString);
        assertNotEquals(before, uuidOf(path));
        assertTrue(listener.waitFor(30, TimeUnit.SECONDS), "the victim ends");
        assertNotEquals(0, listener.exitValue());
        String said = Files.readString(err);
        assertTrue(said.contains("arraysock listen: ") && said.contains("the array was reformatted under this node"), said);
    }

    @Test
    void forceProceedsOverDeadNodes() throws Exception {
        String path = cli.formatted();
        Process listener = listen(path, tmp.resolve("listen.err"));
        listener.destroyForcibly().waitFor(); // kill -9: its slot stays ACTIVE, its lock is gone
        Cli.Run r = Cli.run("format", path, "--force", "--nodes", "8", "--sockets-per-node", "16");
        assertEquals(ExitCode.OK, r.code(), r::toString);
    }

    private Process listen(String path, Path err) throws IOException, InterruptedException {
        Process p = cli.start(err, "listen", path, "0");
        Cli.awaitPort(err, p);
        return p;
    }

    private static String uuidOf(String path) {
        Cli.Run s = Cli.run("status", path);
        assertEquals(ExitCode.OK, s.code(), s::toString);
        var m = UUID.matcher(s.out());
        assertTrue(m.find(), s::toString);
        return m.group(1);
    }
}
