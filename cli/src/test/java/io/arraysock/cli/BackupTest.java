package io.arraysock.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
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
        BufferPipe pipe = new BufferPipe(2, 4096);
        PipeOutputStream wire = new PipeOutputStream(pipe);
        String refusal = BackupClientCommand.send(wire, tmp.resolve("gone"), "gone", new Progress("t", 0));
        assertEquals("vanished before it was read", refusal);
        wire.close();
        assertEquals(-1, new PipeInputStream(pipe).read(), "nothing went out");
    }

    @Test
    void aFileThatShrinksWhileReadIsMarkedChanged() throws IOException {
        // small buffers, so the body, its padding and the trailer cross buffer boundaries
        BufferPipe pipe = new BufferPipe(8, 4096);
        PipeOutputStream wire = new PipeOutputStream(pipe);
        byte[] content = new byte[6000];
        new Random(7).nextBytes(content);
        BackupWire.Sent sent = BackupWire.writeFile(wire, "f", 10_000, Channels.newChannel(new ByteArrayInputStream(content)));
        wire.close();
        assertFalse(sent.complete());
        PipeInputStream in = new PipeInputStream(pipe);
        DataInputStream records = new DataInputStream(in);
        assertEquals(BackupWire.FILE, records.readUnsignedByte());
        assertEquals("f", BackupWire.readPath(records));
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        BackupWire.Received r = BackupWire.readFileBody(in, Channels.newChannel(body));
        assertEquals(10_000, r.size());
        assertTrue(r.changed());
        assertTrue(r.checksumOk(), "the padded body is what was hashed");
        assertArrayEquals(sent.sha(), r.sha());
        byte[] padded = java.util.Arrays.copyOf(content, 10_000);
        assertArrayEquals(padded, body.toByteArray(), "the body is the bytes read, then zeros");
        BackupWire.expectEndOfStream(in);
    }

    @Test
    void aFileThatGrowsWhileReadIsCutAndMarkedChanged() throws IOException {
        BufferPipe pipe = new BufferPipe(8, 4096);
        PipeOutputStream wire = new PipeOutputStream(pipe);
        byte[] content = new byte[9000];
        new Random(8).nextBytes(content);
        BackupWire.Sent sent = BackupWire.writeFile(wire, "g", 5000, Channels.newChannel(new ByteArrayInputStream(content)));
        wire.close();
        assertFalse(sent.complete());
        PipeInputStream in = new PipeInputStream(pipe);
        DataInputStream records = new DataInputStream(in);
        assertEquals(BackupWire.FILE, records.readUnsignedByte());
        assertEquals("g", BackupWire.readPath(records));
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        BackupWire.Received r = BackupWire.readFileBody(in, Channels.newChannel(body));
        assertTrue(r.changed());
        assertTrue(r.checksumOk());
        assertArrayEquals(java.util.Arrays.copyOf(content, 5000), body.toByteArray());
    }

    @Test
    void aStreamThatEndsInsideAFileIsAnError() throws IOException {
        BufferPipe pipe = new BufferPipe(8, 4096);
        PipeOutputStream wire = new PipeOutputStream(pipe);
        new DataOutputStream(wire).writeLong(100);
        wire.write(new byte[40]);
        wire.close();
        CliException e = assertThrows(CliException.class,
                () -> BackupWire.readFileBody(new PipeInputStream(pipe), Channels.newChannel(new ByteArrayOutputStream())));
        assertEquals(ExitCode.CONNECTION_LOST, e.exitCode());
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
