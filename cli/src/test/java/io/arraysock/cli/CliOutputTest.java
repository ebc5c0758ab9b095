package io.arraysock.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What users see of real processes: log lines, a connect that waits for its listener, file modes. */
class CliOutputTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final Cli cli = new Cli();

    @TempDir
    Path tmp;

    @AfterEach
    void cleanUp() throws IOException {
        cli.close();
    }

    @Test
    void libraryLogRecordsAreOneLineEachWithPlainNumbers() throws Exception {
        String path = cli.segment();
        assertEquals(ExitCode.OK, Cli.run("format", path, "--nodes", "1", "--sockets-per-node", "8").code());
        Path err = tmp.resolve("listen.err");
        Process dead = cli.start(err, "listen", path, "0");
        Cli.awaitPort(err, dead);
        dead.destroyForcibly().waitFor(); // its one slot stays ACTIVE: the next attach takes it over, and logs so
        Path err2 = tmp.resolve("connect.err");
        Process next = cli.start(err2, "connect", path, "4999");
        next.getOutputStream().close();
        assertTrue(next.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS));
        List<String> lines = Files.readAllLines(err2);
        assertTrue(lines.stream().allMatch(l -> l.startsWith("arraysock")), "one line per event, no JUL blocks: " + lines);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("arraysock: INFO: ") && l.contains("taking over node slot 0")
                && l.contains("(pid " + dead.pid() + " on ")), "the takeover, its pid as written: " + lines);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("arraysock connect: ") && l.contains("nothing listens")), lines::toString);
    }

    @Test
    void connectWithRetryForWaitsForAListenerStartedAfterIt() throws Exception {
        String path = cli.formatted();
        Process connect = cli.start(tmp.resolve("connect.err"), "connect", path, "7311", "--retry-for", "30");
        Thread.sleep(1500); // it is refused meanwhile, and tries again
        Process listen = cli.start(tmp.resolve("listen.err"), "listen", path, "7311");
        byte[] up = "hello through the array\n".getBytes();
        try (OutputStream in = connect.getOutputStream()) {
            in.write(up);
        }
        listen.getOutputStream().close();
        byte[] got = listen.getInputStream().readAllBytes();
        assertTrue(listen.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS) && connect.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertEquals(0, connect.exitValue(), () -> Cli.read(tmp.resolve("connect.err")));
        assertArrayEquals(up, got);
    }

    @Test
    void aReceivedFileHasTheModeTheUmaskGives() throws Exception {
        String path = cli.formatted();
        Path dir = Files.createDirectory(tmp.resolve("in"));
        Path file = Files.write(tmp.resolve("payload.txt"), "payload".getBytes());
        Path recvErr = tmp.resolve("recv.err");
        Process recv = cli.start(recvErr, "recv", path, "0", dir.toString());
        int port = Cli.awaitPort(recvErr, recv);
        Cli.Run sent = Cli.run("send", path, Integer.toString(port), file.toString());
        assertEquals(ExitCode.OK, sent.code(), sent::toString);
        assertTrue(recv.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS));
        String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("payload.txt")));
        assertEquals(PosixFilePermissions.toString(Umask.newFilePermissions()), mode,
                "0666 minus umask " + Integer.toOctalString(Umask.value()) + ", not the temporary file's 0600");
    }


}
