package io.arraysock.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The commands as real processes: netcat both ways, and a file from send to recv. */
class CliTwoProcessTest {

    private final Cli cli = new Cli();

    @TempDir
    Path tmp;

    @AfterEach
    void cleanUp() throws IOException {
        cli.close();
    }

    @Test
    void netcatCarriesBothDirectionsAndEnds() throws Exception {
        String path = cli.formatted();
        Process listener = cli.start("listen", path, "0", "--timeout", "30");
        int port = portOf(listener);
        Path connectorErr = tmp.resolve("connector.err");
        Process connector = cli.start(connectorErr, "connect", path, Integer.toString(port));
        byte[] up = randomBytes(300_000, 1);
        byte[] down = randomBytes(200_000, 2);
        Thread feedListener = feed(listener, down);
        Thread feedConnector = feed(connector, up);
        // both outputs at once, as a shell pipeline drains them: a process blocked on a full
        // stdout pipe reads no more, and its peer then waits for it to take the stream's end
        CompletableFuture<byte[]> fromConnector = CompletableFuture.supplyAsync(() -> {
            try {
                return connector.getInputStream().readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        byte[] atListener = listener.getInputStream().readAllBytes();
        byte[] atConnector = fromConnector.get(60, TimeUnit.SECONDS);
        feedListener.join();
        feedConnector.join();
        assertTrue(listener.waitFor(30, TimeUnit.SECONDS) && connector.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, listener.exitValue());
        assertEquals(0, connector.exitValue(), () -> Cli.read(connectorErr));
        assertArrayEquals(up, atListener);
        assertArrayEquals(down, atConnector);
    }

    @Test
    void sendAndRecvMoveAFileWithItsNameAndChecksum() throws Exception {
        String path = cli.formatted();
        Path dir = Files.createDirectory(tmp.resolve("in"));
        Path file = Files.write(tmp.resolve("payload.bin"), randomBytes(3_000_000, 3));
        Process receiver = cli.start("recv", path, "0", dir.toString(), "--timeout", "30");
        int port = portOf(receiver);
        Cli.Run sent = Cli.run("send", path, Integer.toString(port), file.toString());
        assertEquals(ExitCode.OK, sent.code(), sent::toString);
        assertTrue(receiver.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, receiver.exitValue());
        assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(dir.resolve("payload.bin")));
        try (var left = Files.list(dir)) {
            assertEquals(1, left.count(), "no partial file left behind");
        }
    }


    /** The port a "PORT 0" listener announces on its stderr. */
    static int portOf(Process p) throws IOException {
        BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        for (String line; (line = err.readLine()) != null; ) {
            Matcher m = Cli.LISTENING.matcher(line);
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            seen.append(line).append('\n'); // e.g. a JVM warning before it
        }
        throw new AssertionError("expected 'listening on port N' on stderr, got: " + seen);
    }

    private static Thread feed(Process p, byte[] bytes) {
        Thread t = new Thread(() -> {
            try (OutputStream in = p.getOutputStream()) {
                in.write(bytes);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        t.start();
        return t;
    }

    private static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }
}
