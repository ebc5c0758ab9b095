package io.arraysock.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A receiver that refuses tells the sender why (file exists, disk full, before or during
 * the file), and a sender whose peer never answers the header gives up: real processes.
 */
class CliRefusalTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final Cli cli = new Cli();

    @TempDir
    Path tmp;

    @AfterEach
    void cleanUp() throws IOException {
        cli.close();
    }

    @Test
    void theSenderHearsThatTheFileExists() throws Exception {
        String array = cli.formatted();
        Path dir = Files.createDirectory(tmp.resolve("in"));
        Files.writeString(dir.resolve("payload.bin"), "already here");
        Path file = Files.write(tmp.resolve("payload.bin"), new byte[100_000]);
        Sent r = sendThroughRecv(array, dir, file);
        assertEquals(ExitCode.IO_ERROR, r.send, r::toString);
        assertTrue(r.sendErr.contains("the receiver refused: ") && r.sendErr.contains("payload.bin exists")
                && r.sendErr.contains("recv --force"), r::toString);
        assertTrue(!r.sendErr.contains("Connection reset"), r::toString);
        assertEquals(ExitCode.IO_ERROR, r.recv, r::toString);
        assertEquals("already here", Files.readString(dir.resolve("payload.bin")));
    }

    @Test
    void theSenderHearsThatTheReceiversDiskIsTooFull() throws Exception {
        String array = cli.formatted();
        Path dir = cli.tinyTmpfs(tmp);
        Path file = Files.write(tmp.resolve("payload.bin"), new byte[4 << 20]);
        Sent r = sendThroughRecv(array, dir, file);
        assertEquals(ExitCode.NO_SPACE, r.send, r::toString);
        assertTrue(r.sendErr.contains("the receiver refused: ") && r.sendErr.contains("needs 4.0 MiB"), r::toString);
        assertEquals(ExitCode.NO_SPACE, r.recv, r::toString);
    }

    @Test
    void aReceiverWhoseDiskFillsUpMidFileSaysSoOnTheConnection() throws Exception {
        String array = cli.formatted();
        Path dir = cli.tinyTmpfs(tmp);
        Path recvErr = tmp.resolve("recv.err");
        Process recv = cli.start(recvErr, "recv", array, "0", dir.toString());
        int port = Cli.awaitPort(recvErr, recv);
        // the sender: a netcat connect we feed by hand, so the disk can fill between its chunks
        Process sender = cli.start(tmp.resolve("connect.err"), "connect", array, Integer.toString(port));
        DataOutputStream feed = new DataOutputStream(sender.getOutputStream());
        new FileHeader("big.bin", 2 << 20).write(feed);
        feed.flush();
        DataInputStream answers = new DataInputStream(sender.getInputStream());
        assertEquals(FileHeader.READY, answers.read());
        Cli.fill(dir);
        feed.write(new byte[2 << 20]);
        feed.flush();
        assertEquals(FileHeader.REFUSED, answers.read(), "a refusal, not a reset");
        CliException refusal = FileHeader.readRefusal(answers);
        assertEquals(ExitCode.NO_SPACE, refusal.exitCode(), refusal::getMessage);
        assertTrue(refusal.getMessage().contains("storing big.bin failed"), refusal::getMessage);
        feed.close();
        assertTrue(recv.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertEquals(ExitCode.NO_SPACE, recv.exitValue(), () -> Cli.read(recvErr));
        try (var left = Files.list(dir)) {
            assertEquals(List.of(dir.resolve("filler")), left.toList(), "no partial file left behind");
        }
    }

    @Test
    void aSenderWhosePeerNeverAnswersTheHeaderGivesUp() throws Exception {
        String array = cli.formatted();
        Path listenErr = tmp.resolve("listen.err");
        Process listen = cli.start(listenErr, "listen", array, "0"); // netcat: reads the header, answers nothing
        int port = Cli.awaitPort(listenErr, listen);
        Path file = Files.write(tmp.resolve("payload.bin"), new byte[1000]);
        Path sendErr = tmp.resolve("send.err");
        Process send = cli.start(sendErr, "send", array, Integer.toString(port), file.toString(), "--timeout", "2");
        send.getOutputStream().close();
        assertTrue(send.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), "send gives up");
        assertEquals(ExitCode.TIMEOUT, send.exitValue(), () -> Cli.read(sendErr));
        assertTrue(Cli.read(sendErr).contains("no answer to the file header in 2 s"), () -> Cli.read(sendErr));
    }

    /** recv's side of it: a peer that connects and sends no header does not hold recv forever. */
    @Test
    void aReceiverWhosePeerSendsNoHeaderGivesUp() throws Exception {
        String array = cli.formatted();
        Path dir = Files.createDirectory(tmp.resolve("in"));
        Path recvErr = tmp.resolve("recv.err");
        Process recv = cli.start(recvErr, "recv", array, "0", dir.toString(), "--timeout", "2");
        int port = Cli.awaitPort(recvErr, recv);
        Process silent = cli.start(tmp.resolve("connect.err"), "connect", array, Integer.toString(port)); // stdin kept open
        assertTrue(recv.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), "recv gives up");
        assertEquals(ExitCode.TIMEOUT, recv.exitValue(), () -> Cli.read(recvErr));
        assertTrue(Cli.read(recvErr).contains("no file header in 2 s"), () -> Cli.read(recvErr));
        silent.getOutputStream().close();
        try (var left = Files.list(dir)) {
            assertEquals(List.of(), left.toList());
        }
    }

    /** A peer that is not 'arraysock send', or names a path: one line, the protocol's exit code, nothing stored. */
    @Test
    void aReceiverRefusesAForeignOrHostileHeaderInOneLine() throws Exception {
        String array = cli.formatted();
        Path dir = Files.createDirectory(tmp.resolve("in"));
        byte[] escape = new java.io.ByteArrayOutputStream() {
            {
                DataOutputStream out = new DataOutputStream(this);
                out.writeInt(FileHeader.MAGIC);
                byte[] name = "../escaped".getBytes(java.nio.charset.StandardCharsets.UTF_8);
                out.writeShort(name.length);
                out.write(name);
                out.writeLong(3);
                out.write(new byte[] {1, 2, 3});
            }
        }.toByteArray();
        byte[][] peers = {"GET / HTTP/1.1\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII), escape,
                {0x41, 0x53}};
        String[] says = {"is not 'arraysock send'", "not a plain file name: ../escaped", "the file header ended after 2 bytes"};
        for (int i = 0; i < peers.length; i++) {
            Path recvErr = tmp.resolve("recv" + i + ".err");
            Process recv = cli.start(recvErr, "recv", array, "0", dir.toString());
            int port = Cli.awaitPort(recvErr, recv);
            Process peer = cli.start(tmp.resolve("connect" + i + ".err"), "connect", array, Integer.toString(port));
            peer.getOutputStream().write(peers[i]);
            peer.getOutputStream().close();
            assertTrue(recv.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), "recv ends");
            String err = Cli.read(recvErr);
            assertEquals(ExitCode.PROTOCOL, recv.exitValue(), err);
            assertTrue(err.contains(says[i]), err);
            assertTrue(!err.contains("\tat ") && !err.contains("Exception"), "a stack trace or a raw exception: " + err);
            assertTrue(peer.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), "the peer ends");
        }
        assertTrue(Files.notExists(tmp.resolve("escaped")));
        try (var left = Files.list(dir)) {
            assertEquals(List.of(), left.toList());
        }
    }

    private record Sent(int send, String sendErr, int recv, String recvErr) {
        @Override
        public String toString() {
            return "send: exit " + send + "\n" + sendErr + "\nrecv: exit " + recv + "\n" + recvErr;
        }
    }

    private Sent sendThroughRecv(String array, Path dir, Path file) throws Exception {
        Path recvErr = tmp.resolve("recv.err");
        Process recv = cli.start(recvErr, "recv", array, "0", dir.toString());
        int port = Cli.awaitPort(recvErr, recv);
        Path sendErr = tmp.resolve("send.err");
        Process send = cli.start(sendErr, "send", array, Integer.toString(port), file.toString());
        send.getOutputStream().close();
        assertTrue(send.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), "send ended");
        assertTrue(recv.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), "recv ended");
        return new Sent(send.exitValue(), Cli.read(sendErr), recv.exitValue(), Cli.read(recvErr));
    }




}
