package io.arraysock.cli;

import io.arraysock.StorageArray;
import io.arraysock.api.NodeInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@code arraysock forward} promises, with plain sockets of the test at both ends and
 * forwarder processes on shm between them: both directions and half-close, back-pressure,
 * resets each way, a target that is down, the connection limit, a dead forwarder, the key,
 * SIGTERM, and the command line's errors.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ForwardSemanticsTest {
    private final Cli cli = new Cli();
    private Path dir;
    private String array;
    private ServerSocket server;
    /** The server-side forwarder's array port, and the client side's TCP port, of the shared pair. */
    private int arrayPort;
    private int localPort;
    private Path clientLog;
    private Path serverLog;
    /** Forwarders a test started for itself: stopped after it, so that node slots do not run out. */
    private final List<Process> ownForwarders = new ArrayList<>();
    private boolean shared;

    @BeforeAll
    void startPair() throws Exception {
        dir = Files.createTempDirectory("arraysock-fwd-sem-");
        array = cli.segment();
        Cli.Run f = Cli.run("format", array, "--nodes", "16", "--sockets-per-node", "64");
        assertEquals(0, f.code(), f::toString);
        server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        serverLog = dir.resolve("server-side.err");
        arrayPort = port(forward(serverLog, "array:" + array + "?port=0", "tcp://127.0.0.1:" + server.getLocalPort(), "--verbose"));
        clientLog = dir.resolve("client-side.err");
        localPort = port(forward(clientLog, "tcp://127.0.0.1:0", "array:" + array + "?port=" + arrayPort, "--verbose"));
        shared = true;
    }

    @AfterEach
    void stopOwnForwarders() throws InterruptedException {
        for (Process p : ownForwarders) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        ownForwarders.clear();
    }

    @AfterAll
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        cli.close(); // the forwarders first: they write into dir
        if (dir != null) {
            org.apache.commons.io.FileUtils.deleteQuietly(dir.toFile());
        }
    }

    private static final Pattern FORWARDING = Pattern.compile("^forwarding (\\S+) -> ");

    /** Starts a forwarder; returns the address it listens on, as it says. */
    private String forward(Path log, String... args) throws Exception {
        Process p = startForward(log, args);
        return Cli.awaitLine(log, FORWARDING, p, Duration.ofSeconds(1)).group(1);
    }

    /** Starts a forwarder, its stderr into {@code log}; returns once it forwards. */
    private Process startForward(Path log, String... args) throws Exception {
        String[] all = new String[args.length + 1];
        all[0] = "forward";
        System.arraycopy(args, 0, all, 1, args.length);
        Process p = cli.start(log, all);
        if (shared) {
            ownForwarders.add(p);
        }
        Cli.awaitLine(log, FORWARDING, p, Duration.ofSeconds(30));
        return p;
    }

    /** The port of {@code tcp://HOST:PORT} or {@code array:PATH?port=N}. */
    private static int port(String address) {
        Matcher m = Pattern.compile("(?::|port=)(\\d+)$").matcher(address);
        assertTrue(m.find(), address);
        return Integer.parseInt(m.group(1));
    }

    private Socket connect(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setSoTimeout(10_000);
        return s;
    }

    private Socket accept() throws IOException {
        server.setSoTimeout(10_000);
        Socket s = server.accept();
        s.setSoTimeout(10_000);
        return s;
    }

    private static byte[] readToEnd(Socket s) throws IOException {
        return s.getInputStream().readAllBytes();
    }

    /** Whether the connection ends (end of stream or reset) within {@code ms}, reading and dropping what comes. */
    private static boolean endsWithin(Socket s, int ms) throws IOException {
        s.setSoTimeout(ms);
        try {
            InputStream in = s.getInputStream();
            byte[] buf = new byte[8192];
            long deadline = System.nanoTime() + ms * 1_000_000L;
            while (System.nanoTime() < deadline) {
                if (in.read(buf) < 0) {
                    return true;
                }
            }
            return false;
        } catch (java.net.SocketTimeoutException t) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    /** Whether a connection to {@code port} is cut within 3 s: reset even before connect returned, or ended after. */
    private boolean cutAtOnce(int port) throws IOException {
        Socket s;
        try {
            s = connect(port);
        } catch (java.net.SocketException resetAlready) {
            return true;
        }
        try (s) {
            return endsWithin(s, 3000);
        }
    }

    private static void awaitLog(Path log, String text) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Cli.read(log).contains(text)) {
            assertTrue(System.nanoTime() < deadline, () -> "no '" + text + "' in " + log + ":\n" + Cli.read(log));
            Thread.sleep(20);
        }
    }

    @Test
    void bothDirectionsAndHalfCloseEachWay() throws Exception {
        try (Socket c = connect(localPort); Socket s = accept()) {
            c.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
            c.shutdownOutput();
            // the server reads the client's end: the half-close came through
            assertArrayEquals("ping".getBytes(StandardCharsets.US_ASCII), readToEnd(s));
            // and may still answer on its open half
            s.getOutputStream().write("pong".getBytes(StandardCharsets.US_ASCII));
            s.shutdownOutput();
            assertArrayEquals("pong".getBytes(StandardCharsets.US_ASCII), readToEnd(c));
        }
        awaitLog(clientLog, "closed after");
        assertTrue(Cli.read(clientLog).matches("(?s).*closed after [0-9.]+ s, 4 bytes up, 4 down.*"), Cli.read(clientLog));
    }

    @Test
    void aReaderThatStopsHoldsTheWriterBackAndNothingIsLost() throws Exception {
        int total = 96 << 20;
        try (Socket c = connect(localPort); Socket s = accept()) {
            AtomicLong written = new AtomicLong();
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                byte[] chunk = new byte[64 * 1024];
                try (OutputStream out = c.getOutputStream()) {
                    for (int i = 0; i < total / chunk.length; i++) {
                        Arrays.fill(chunk, (byte) i);
                        out.write(chunk);
                        written.addAndGet(chunk.length);
                    }
                    c.shutdownOutput();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            // the server reads nothing: the writer must stall once the buffers on the way are full
            long before;
            long after = written.get();
            do {
                before = after;
                Thread.sleep(1000);
                after = written.get();
            } while (after != before && after < total);
            assertTrue(after < total / 2, "the writer got " + after + " bytes out while nobody read");
            assertFalse(writer.isDone(), "the writer finished while nobody read");
            // now read it all: every byte in order
            InputStream in = s.getInputStream();
            byte[] buf = new byte[64 * 1024];
            long got = 0;
            for (int n; (n = in.read(buf)) >= 0; ) {
                for (int i = 0; i < n; i++) {
                    assertEquals((byte) ((got + i) / (64 * 1024)), buf[i], "byte " + (got + i));
                }
                got += n;
            }
            writer.get(30, TimeUnit.SECONDS);
            assertEquals(total, got);
        }
    }

    @Test
    void aResetByTheServerCutsTheClient() throws Exception {
        try (Socket c = connect(localPort); Socket s = accept()) {
            c.getOutputStream().write(1);
            assertEquals(1, s.getInputStream().read());
            s.setSoLinger(true, 0);
            s.close(); // RST
            assertTrue(endsWithin(c, 3000), "the client's connection did not end after the server's reset");
            // writing on: refused at once (the forward has let go of both sides)
            assertThrows(IOException.class, () -> {
                for (int i = 0; i < 100; i++) {
                    c.getOutputStream().write(new byte[4096]);
                    Thread.sleep(20);
                }
            });
        }
        awaitLog(serverLog, "reset by the target");
    }

    @Test
    void aResetByTheClientCutsTheServer() throws Exception {
        try (Socket c = connect(localPort); Socket s = accept()) {
            c.getOutputStream().write(1);
            assertEquals(1, s.getInputStream().read());
            c.setSoLinger(true, 0);
            c.close(); // RST
            assertTrue(endsWithin(s, 3000), "the server's connection did not end after the client's reset");
        }
        awaitLog(clientLog, "reset by the client");
    }

    @Test
    void aTargetThatIsDownRefusesThatConnectionOnly() throws Exception {
        int deadPort;
        try (ServerSocket gone = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            deadPort = gone.getLocalPort();
        }
        Path log = dir.resolve("down.err");
        Process fwd = startForward(log, "tcp://127.0.0.1:0", "tcp://127.0.0.1:" + deadPort);
        int port = port(Cli.awaitLine(log, FORWARDING, fwd, Duration.ofSeconds(1)).group(1));
        assertTrue(cutAtOnce(port), "a connection to a target that is down stayed open");
        awaitLog(log, "refused: tcp://127.0.0.1:" + deadPort);
        assertTrue(fwd.isAlive(), "the forward ended with one refused connection");
        // an array port nobody listens on: refused the same way; the shared pair still works after
        Path log2 = dir.resolve("down-array.err");
        int port2 = port(forward(log2, "tcp://127.0.0.1:0", "array:" + array + "?port=" + (arrayPort == 7999 ? 7998 : 7999)));
        assertTrue(cutAtOnce(port2), "a connection to an array port nobody listens on stayed open");
        awaitLog(log2, "Connection refused");
        bothDirectionsAndHalfCloseEachWay();
    }

    @Test
    void connectionsBeyondTheLimitWaitUntilOneEnds() throws Exception {
        Path log = dir.resolve("limit.err");
        int port = port(forward(log, "tcp://127.0.0.1:0", "array:" + array + "?port=" + arrayPort,
                "--max-connections", "1", "--verbose"));
        try (Socket first = connect(port); Socket s = accept(); Socket second = connect(port)) {
            first.getOutputStream().write(7);
            assertEquals(7, s.getInputStream().read());
            second.getOutputStream().write(8);
            awaitLog(log, "1 connections are open (--max-connections): new ones wait until one ends");
            server.setSoTimeout(1000);
            assertThrows(java.net.SocketTimeoutException.class, server::accept, "a second connection was forwarded at --max-connections 1");
            first.close();
            s.close(); // both ends closed: the first connection is over
            try (Socket s2 = accept()) {
                assertEquals(8, s2.getInputStream().read(), "the second connection, once the first ended");
            }
        }
    }

    @Test
    void aKilledServerSideForwarderResetsTheClientAtOnce() throws Exception {
        Path log = dir.resolve("killed-server-side.err");
        Process serverSide = startForward(log, "array:" + array + "?port=0", "tcp://127.0.0.1:" + server.getLocalPort());
        int ap = port(Cli.awaitLine(log, FORWARDING, serverSide, Duration.ofSeconds(1)).group(1));
        int port = port(forward(dir.resolve("killed-client-side.err"), "tcp://127.0.0.1:0", "array:" + array + "?port=" + ap));
        try (Socket c = connect(port); Socket s = accept()) {
            c.getOutputStream().write(1);
            assertEquals(1, s.getInputStream().read());
            serverSide.destroyForcibly();
            long t0 = System.nanoTime();
            c.setSoTimeout(5000);
            // a dead peer is a reset, not a clean end
            assertThrows(IOException.class, () -> c.getInputStream().read());
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(3), "the reset took over 3 s on shm");
        }
    }

    @Test
    void onlyClientsWithTheKeyGetThrough() throws Exception {
        Path key = dir.resolve("key");
        byte[] k = new byte[32];
        new Random(5).nextBytes(k);
        Files.write(key, k);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        Path log = dir.resolve("keyed.err");
        int ap = port(forward(log, "array:" + array + "?port=0", "tcp://127.0.0.1:" + server.getLocalPort(),
                "--auth-key-file", key.toString()));
        Path noKeyLog = dir.resolve("no-key.err");
        int noKey = port(forward(noKeyLog, "tcp://127.0.0.1:0", "array:" + array + "?port=" + ap));
        assertTrue(cutAtOnce(noKey), "a client without the key got a connection");
        awaitLog(noKeyLog, "refused");
        // (and waiting by spinning, the other --idle)
        int withKey = port(forward(dir.resolve("with-key.err"), "tcp://127.0.0.1:0", "array:" + array + "?port=" + ap,
                "--auth-key-file", key.toString(), "--idle", "spin"));
        try (Socket c = connect(withKey); Socket s = accept()) {
            c.getOutputStream().write(9);
            assertEquals(9, s.getInputStream().read());
        }
    }

    @Test
    void sigtermClosesTheListenerCutsConnectionsAndDetaches() throws Exception {
        Path sock = dir.resolve("fwd.sock");
        Path log = dir.resolve("sigterm.err");
        Process fwd = startForward(log, "unix:" + sock, "array:" + array + "?port=" + arrayPort, "--verbose");
        assertTrue(Files.exists(sock));
        try (java.nio.channels.SocketChannel c = java.nio.channels.SocketChannel.open(java.net.UnixDomainSocketAddress.of(sock));
             Socket s = accept()) {
            c.write(java.nio.ByteBuffer.wrap(new byte[] {3}));
            assertEquals(3, s.getInputStream().read());
            fwd.destroy(); // SIGTERM
            assertTrue(fwd.waitFor(15, TimeUnit.SECONDS), "the forward did not stop on SIGTERM");
            assertEquals(143, fwd.exitValue(), () -> Cli.read(log));
            assertTrue(endsWithin(s, 3000), "the server's connection outlived the forward");
        }
        assertFalse(Files.exists(sock), "the Unix socket file is left behind");
        String err = Cli.read(log);
        assertFalse(err.contains("Exception") || err.contains("\tat "), err);
        try (StorageArray a = StorageArray.attach(array)) {
            for (NodeInfo n : a.nodes()) {
                assertFalse(n.pid() == fwd.pid() && n.state() != io.arraysock.api.NodeState.FREE, "the node is left: " + n);
            }
        }
    }

    @Test
    void helpShowsTheShapeScriptsRelyOn() {
        Cli.Run help = Cli.run("forward", "--help");
        assertEquals(0, help.code(), help::toString);
        for (String s : new String[] {"forward [-hvV]", "LISTEN TARGET", "--max-connections=N", "--auth-key-file=FILE",
                "--idle=blocking|spin", "tcp://HOST:PORT, unix:/PATH or array:PATH?port=N", "Exit codes:"}) {
            assertTrue(help.out().contains(s), () -> "no '" + s + "' in:\n" + help.out());
        }
    }

    @Test
    void commandLineErrorsAreOneLineWithTheirCodes() throws Exception {
        Cli.Run bad = Cli.run("forward", "http://x:1", "tcp://127.0.0.1:1");
        assertEquals(ExitCode.USAGE, bad.code(), bad::toString);
        assertTrue(bad.err().contains("LISTEN and TARGET are tcp://HOST:PORT, unix:/PATH or array:PATH?port=N"), bad::toString);
        Cli.Run keyless = Cli.run("forward", "tcp://127.0.0.1:0", "tcp://127.0.0.1:1", "--auth-key-file", "/nonexistent");
        assertEquals(ExitCode.USAGE, keyless.code(), keyless::toString);
        Path shortKey = Files.write(dir.resolve("short-key"), new byte[8]);
        Files.setPosixFilePermissions(shortKey, PosixFilePermissions.fromString("rw-------"));
        Cli.Run tooShort = Cli.run("forward", "tcp://127.0.0.1:0", "array:" + array + "?port=1", "--auth-key-file", shortKey.toString());
        assertEquals(ExitCode.USAGE, tooShort.code(), tooShort::toString);
        Files.setPosixFilePermissions(shortKey, PosixFilePermissions.fromString("rw-r--r--"));
        Cli.Run open = Cli.run("forward", "tcp://127.0.0.1:0", "array:" + array + "?port=1", "--auth-key-file", shortKey.toString());
        assertEquals(ExitCode.PERMISSION_DENIED, open.code(), open::toString);
        Cli.Run inUse = Cli.run("forward", "tcp://127.0.0.1:" + server.getLocalPort(), "array:" + array + "?port=1");
        assertEquals(ExitCode.PORT_IN_USE, inUse.code(), inUse::toString);
        assertTrue(inUse.err().contains("tcp://127.0.0.1:" + server.getLocalPort()), inUse::toString);
        Cli.Run noArray = Cli.run("forward", "tcp://127.0.0.1:0", "array:/dev/shm/arraysock-no-such-array?port=1");
        assertEquals(ExitCode.NO_SUCH_PATH, noArray.code(), noArray::toString);
        for (Cli.Run r : new Cli.Run[] {bad, keyless, tooShort, open, inUse, noArray}) {
            assertFalse(r.err().contains("\tat "), r::toString);
            assertEquals(1, r.err().strip().lines().count(), r::toString);
        }
    }
}
