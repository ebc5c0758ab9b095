package io.arraysock.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The LAN-free backup on shm: back up, restore, verify, and errors on the error channel. */
class BackupTest {
    private final Cli cli = new Cli();
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @TempDir
    Path tmp;

    @AfterEach
    void cleanUp() throws IOException {
        pool.shutdownNow();
        cli.close();
    }

    @Test
    void backsUpAndRestoresATreeOverTcpControlReportingARefusedFifo() throws Exception {
        roundTrip("127.0.0.1:0");
    }

    @Test
    void backsUpAndRestoresWithAUnixSocketStandingInForTheLan() throws Exception {
        roundTrip("unix:" + tmp.resolve("control.sock"));
    }

    private void roundTrip(String control) throws Exception {
        String path = cli.formatted();
        Path src = tree(tmp.resolve("src"));
        Path store = tmp.resolve("store");
        Path ready = tmp.resolve("ready");
        Future<Cli.Run> server = pool.submit(() -> Cli.run("backup-server", path, "--store", store.toString(), "--control",
                control, "--sessions", "3", "--ready-file", ready.toString()));
        String address = awaitReady(ready, server);

        Cli.Run backup = Cli.run("backup-client", path, "backup", src.toString(), "--name", "t1", "--server", address);
        assertEquals(ExitCode.PARTIAL, backup.code(), backup::toString);
        assertTrue(backup.out().contains("the server verified and stored 5 files"), backup::toString);
        assertTrue(backup.out().contains("1 skipped here (reports the server received: 1)"), backup::toString);
        assertEquals(List.of("SKIP d/a-fifo: special file (fifo), not backed up"), Files.readAllLines(store.resolve("t1.errors")));
        assertEquals(5, Files.readAllLines(store.resolve("t1.sha256")).size());

        Path restored = tmp.resolve("restored");
        Cli.Run restore = Cli.run("backup-client", path, "restore", restored.toString(), "--name", "t1", "--server", address);
        assertEquals(ExitCode.OK, restore.code(), restore::toString);
        assertTrue(restore.out().contains("restore: 5 files verified"), restore::toString);
        for (String rel : List.of("empty-file", "small.txt", "d/one.bin", "d/e/two.bin", "d/e/three.bin")) {
            assertArrayEquals(Files.readAllBytes(src.resolve(rel)), Files.readAllBytes(restored.resolve(rel)), rel);
        }
        assertTrue(Files.isDirectory(restored.resolve("empty-dir")));
        assertFalse(Files.exists(restored.resolve("d/a-fifo")));

        Cli.Run unknown = Cli.run("backup-client", path, "restore", tmp.resolve("r2").toString(), "--name", "nope",
                "--server", address);
        assertEquals(ExitCode.PROTOCOL, unknown.code(), unknown::toString);
        assertTrue(unknown.err().contains("no backup named nope"), unknown::toString);

        Cli.Run s = server.get(60, TimeUnit.SECONDS);
        assertEquals(ExitCode.PARTIAL, s.code(), s::toString); // the refused restore counts as a failed session
        assertTrue(s.out().contains("client reports: SKIP d/a-fifo"), s::toString);
        assertTrue(s.out().contains("data and error connections up (token checked)"), s::toString);
    }

    @Test
    void aFileThatVanishesIsReportedNotSent() throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        String refusal = BackupClientCommand.send(new DataOutputStream(wire), tmp.resolve("gone"), "gone", new byte[4096],
                new Progress("t", 0));
        assertEquals("vanished before it was read", refusal);
        assertEquals(0, wire.size());
    }

    @Test
    void aFileThatShrinksWhileReadIsMarkedChanged() throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        BackupWire.Sent sent = BackupWire.writeFile(new DataOutputStream(wire), "f", 10_000,
                new ByteArrayInputStream(new byte[6000]), buffer);
        assertFalse(sent.complete());
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(wire.toByteArray()));
        assertEquals(BackupWire.FILE, in.readUnsignedByte());
        assertEquals("f", BackupWire.readPath(in));
        BackupWire.Received r = BackupWire.readFileBody(in, new ByteArrayOutputStream(), buffer);
        assertEquals(10_000, r.size());
        assertTrue(r.changed());
        assertTrue(r.checksumOk(), "the padded body is what was hashed");
        assertArrayEquals(sent.sha(), r.sha());
    }

    @Test
    void unsafePathsFromThePeerAreRefused() {
        for (String bad : new String[] {"", "/etc/passwd", "../x", "a/../../x", "a//b", "a/./b", "a/", "a\\b", "x\0y"}) {
            CliException e = assertThrows(CliException.class, () -> BackupWire.checkRelative(bad), bad);
            assertEquals(ExitCode.PROTOCOL, e.exitCode());
        }
        assertDoesNotThrowFor("a/b/c.txt");
        assertDoesNotThrowFor("..hidden/x..y");
    }

    private static void assertDoesNotThrowFor(String ok) {
        try {
            BackupWire.checkRelative(ok);
        } catch (CliException e) {
            throw new AssertionError(ok + " should pass", e);
        }
    }

    private static String awaitReady(Path ready, Future<Cli.Run> server) throws Exception {
        for (int i = 0; i < 300 && !Files.exists(ready); i++) {
            if (server.isDone()) {
                throw new AssertionError("the server ended: " + server.get());
            }
            Thread.sleep(100);
        }
        return Files.readString(ready).trim();
    }

    /** Five regular files (one empty), an empty directory, and a FIFO the client must refuse. */
    static Path tree(Path root) throws Exception {
        Random random = new Random(42);
        Files.createDirectories(root.resolve("d/e"));
        Files.createDirectories(root.resolve("empty-dir"));
        Files.write(root.resolve("empty-file"), new byte[0]);
        Files.writeString(root.resolve("small.txt"), "hello, array\n");
        for (String[] f : new String[][] {{"d/one.bin", "100000"}, {"d/e/two.bin", "2500000"}, {"d/e/three.bin", "1"}}) {
            byte[] b = new byte[Integer.parseInt(f[1])];
            random.nextBytes(b);
            Files.write(root.resolve(f[0]), b);
        }
        Process mkfifo = new ProcessBuilder("mkfifo", root.resolve("d/a-fifo").toString()).inheritIO().start();
        assertEquals(0, mkfifo.waitFor(), "mkfifo");
        return root;
    }
}
