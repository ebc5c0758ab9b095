package io.arraysock.cli;

import io.arraysock.testkit.LoopDevices;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The LAN-free backup between two "hosts": the server on the pair's first device, the client
 * a second JVM on the second device and, as root, in a network namespace of its own, so only
 * the storage carries the files; the control conversation goes over a Unix socket file.
 */
class BackupLoopPairTest {
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @TempDir
    Path tmp;

    @AfterEach
    void cleanUp() {
        pool.shutdownNow();
    }

    @Test
    void backupAndRestoreAcrossTheLoopPair() throws Exception {
        LoopDevices.Pair pair = LoopDevices.pair();
        Cli.Run format = Cli.run("format", pair.first(), "--nodes", "8", "--sockets-per-node", "16", "--force");
        assertEquals(ExitCode.OK, format.code(), format::toString);
        Path src = BackupTest.tree(tmp.resolve("src"));
        Path store = tmp.resolve("store");
        Path ready = tmp.resolve("ready");
        String control = "unix:" + tmp.resolve("control.sock");
        Future<Cli.Run> server = pool.submit(() -> Cli.run("backup-server", pair.first(), "--store", store.toString(),
                "--control", control, "--sessions", "2", "--ready-file", ready.toString()));
        for (int i = 0; i < 300 && !Files.exists(ready); i++) {
            Thread.sleep(100);
        }
        assertTrue(Files.exists(ready), "the server did not start");

        Result backup = client(pair.second(), "backup", src.toString(), "--name", "loop", "--server", control);
        assertEquals(ExitCode.PARTIAL, backup.code, backup.output);
        assertTrue(backup.output.contains("the server verified and stored 5 files"), backup.output);
        Path restored = tmp.resolve("restored");
        Result restore = client(pair.second(), "restore", restored.toString(), "--name", "loop", "--server", control);
        assertEquals(ExitCode.OK, restore.code, restore.output);
        for (String rel : List.of("empty-file", "small.txt", "d/one.bin", "d/e/two.bin", "d/e/three.bin")) {
            assertArrayEquals(Files.readAllBytes(src.resolve(rel)), Files.readAllBytes(restored.resolve(rel)), rel);
        }
        Cli.Run s = server.get(60, TimeUnit.SECONDS);
        assertEquals(ExitCode.OK, s.code(), s::toString);
        assertTrue(s.out().contains("client reports: SKIP d/a-fifo"), s::toString);
    }

    private record Result(int code, String output) {
    }

    private static Result client(String device, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        if (LoopDevices.isRoot()) {
            cmd.addAll(List.of("unshare", "--net"));
        }
        cmd.addAll(JavaCommand.of(List.of("-Xmx256m", "-XX:+UseSerialGC"), Main.class, "backup-client", device));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the client did not finish:\n" + out);
        return new Result(p.exitValue(), out);
    }
}
