package io.arraysock.cli;

import io.arraysock.testkit.BlockPair;
import io.arraysock.testkit.LoopDevices;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pipelined backup path across two JVMs (server and client each a process of its own):
 * many small files (several records to a buffer) and one large one (many buffers, more than
 * the ring) come back with the same SHA-256, on shm and on each block pair; and a server
 * killed mid-backup makes the client fail with a clear message instead of hanging.
 */
class BackupPipelineTest {
    private static final Pattern CONNECTED = Pattern.compile("data and error connections up");
    private final Cli cli = new Cli();

    @TempDir
    Path tmp;

    @AfterEach
    void cleanUp() throws IOException {
        cli.close();
    }

    /** Where the two sides attach: one segment, or a pair's two nodes (the client in a network namespace of its own). */
    private record Sides(String server, String client, boolean netns) {
    }

    private Sides shm() {
        String segment = cli.formatted();
        return new Sides(segment, segment, false);
    }

    private static Sides block(BlockPair pair) {
        BlockPair.Nodes nodes = pair.nodes();
        Cli.Run format = Cli.run("format", nodes.first(), "--nodes", "8", "--sockets-per-node", "16", "--force");
        assertEquals(ExitCode.OK, format.code(), format::toString);
        return new Sides(nodes.first(), nodes.second(), LoopDevices.isRoot());
    }

    @Test
    void manySmallFilesAndOneLargeComeBackIdenticalOnShm() throws Exception {
        roundTrip(shm());
    }

    @ParameterizedTest
    @EnumSource(BlockPair.class)
    void manySmallFilesAndOneLargeComeBackIdenticalAcrossABlockPair(BlockPair pair) throws Exception {
        roundTrip(block(pair));
    }

    @Test
    void aKilledServerMakesTheBackupClientFailClearlyOnShm() throws Exception {
        killedServer(shm());
    }

    @Test
    void aKilledServerMakesTheBackupClientFailClearlyAcrossTheLoopPair() throws Exception {
        killedServer(block(BlockPair.LOOP));
    }

    private void roundTrip(Sides sides) throws Exception {
        Path src = tmp.resolve("src");
        int small = smallAndLarge(src, 400, 40 << 20);
        Path store = tmp.resolve("store");
        Path ready = tmp.resolve("ready");
        Path serverLog = tmp.resolve("server.log");
        String control = "unix:" + tmp.resolve("control.sock");
        Process server = cli.start(tmp.resolve("server.err"), "backup-server", sides.server, "--store", store.toString(),
                "--control", control, "--sessions", "2", "--ready-file", ready.toString());
        redirect(server, serverLog);
        awaitFile(ready, server);

        Result backup = client(sides, "backup", src.toString(), "--name", "many", "--server", control);
        assertEquals(ExitCode.OK, backup.code, backup.output);
        assertTrue(backup.output.contains("the server verified and stored " + (small + 1) + " files"), backup.output);
        Path restored = tmp.resolve("restored");
        Result restore = client(sides, "restore", restored.toString(), "--name", "many", "--server", control);
        assertEquals(ExitCode.OK, restore.code, restore.output);
        assertEquals(sums(src), sums(restored), "SHA-256 of every restored file");
        assertTrue(Files.isDirectory(restored.resolve("empty")), "the empty directory came back");
        assertTrue(server.waitFor(60, TimeUnit.SECONDS), "the server did not end after its two sessions");
        assertEquals(ExitCode.OK, server.exitValue(), () -> Cli.read(serverLog) + Cli.read(tmp.resolve("server.err")));
    }

    private void killedServer(Sides sides) throws Exception {
        Path src = Files.createDirectories(tmp.resolve("big"));
        try (RandomAccessFile f = new RandomAccessFile(src.resolve("sparse.bin").toFile(), "rw")) {
            f.setLength(4L << 30); // sparse: reads fast, takes no space, and outlasts the kill
        }
        Path ready = tmp.resolve("ready");
        Path serverLog = tmp.resolve("server.log");
        String control = "unix:" + tmp.resolve("control.sock");
        Process server = cli.start(tmp.resolve("server.err"), "backup-server", sides.server, "--store",
                tmp.resolve("store").toString(), "--control", control, "--sessions", "1", "--ready-file", ready.toString());
        redirect(server, serverLog);
        awaitFile(ready, server);

        Process client = new ProcessBuilder(clientCommand(sides, "backup", src.toString(), "--name", "big", "--server", control))
                .redirectErrorStream(true).redirectOutput(tmp.resolve("client.log").toFile()).start();
        try {
            Cli.awaitLine(serverLog, CONNECTED, server, Duration.ofSeconds(60));
            Thread.sleep(300); // well inside the 4 GiB
            server.destroyForcibly().waitFor();
            assertTrue(client.waitFor(60, TimeUnit.SECONDS), () -> "the client hung after the server died:\n"
                    + Cli.read(tmp.resolve("client.log")));
            String out = Cli.read(tmp.resolve("client.log"));
            assertNotEquals(ExitCode.OK, client.exitValue(), out);
            assertNotEquals(ExitCode.PARTIAL, client.exitValue(), out);
            assertTrue(out.contains("arraysock backup-client: Connection reset"), out);
            assertTrue(!out.contains("\tat ") && !out.contains("Exception"), () -> "a stack trace or raw exception reached the user:\n" + out);
        } finally {
            client.destroyForcibly();
        }
    }

    /** 'small' files of 0..20 KiB over nested directories, an empty directory, and one large file; returns 'small'. */
    private static int smallAndLarge(Path root, int small, int large) throws IOException {
        Random random = new Random(11);
        Files.createDirectories(root.resolve("empty"));
        for (int i = 0; i < small; i++) {
            Path f = root.resolve("d" + i % 9).resolve("e" + i % 4).resolve("f" + i);
            Files.createDirectories(f.getParent());
            byte[] b = new byte[random.nextInt(20 << 10)];
            random.nextBytes(b);
            Files.write(f, b);
        }
        byte[] b = new byte[large];
        random.nextBytes(b);
        Files.write(root.resolve("large.bin"), b);
        return small;
    }

    private static Map<String, String> sums(Path root) throws Exception {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                try (InputStream in = Files.newInputStream(p)) {
                    byte[] buf = new byte[1 << 16];
                    for (int n; (n = in.read(buf)) > 0; ) {
                        sha.update(buf, 0, n);
                    }
                }
                m.put(root.relativize(p).toString(), HexFormat.of().formatHex(sha.digest()));
            }
        }
        return m;
    }

    private static void redirect(Process p, Path log) {
        Thread t = new Thread(() -> {
            try (InputStream in = p.getInputStream()) {
                Files.copy(in, log, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                // the process went away
            }
        }, "server-log");
        t.setDaemon(true);
        t.start();
    }

    private static void awaitFile(Path f, Process p) throws InterruptedException {
        for (int i = 0; i < 600 && !Files.exists(f) && p.isAlive(); i++) {
            Thread.sleep(50);
        }
        assertTrue(Files.exists(f), "the server did not start");
    }

    private record Result(int code, String output) {
    }

    private static List<String> clientCommand(Sides sides, String... args) {
        List<String> cmd = new ArrayList<>();
        if (sides.netns) {
            cmd.addAll(List.of("unshare", "--net"));
        }
        cmd.addAll(JavaCommand.of(List.of("-Xmx256m", "-XX:+UseSerialGC"), Main.class, "backup-client", sides.client));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static Result client(Sides sides, String... args) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(clientCommand(sides, args)).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "the client did not finish");
        return new Result(p.exitValue(), new String(out, java.nio.charset.StandardCharsets.UTF_8));
    }
}
