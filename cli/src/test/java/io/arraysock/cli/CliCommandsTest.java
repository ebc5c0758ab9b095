package io.arraysock.cli;

import io.arraysock.ArraySocket;
import io.arraysock.api.SocketType;
import io.arraysock.StorageArray;
import io.arraysock.testkit.Unprivileged;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The commands end to end in this JVM on shm: output, messages and exit codes. */
class CliCommandsTest {
    private final Cli cli = new Cli();

    @TempDir
    Path tmp;

    @AfterEach
    void cleanUp() throws IOException {
        cli.close();
    }

    @Test
    void formatThenStatusAsTableAndJson() {
        String path = cli.formatted();
        Cli.Run table = Cli.run("status", path);
        assertEquals(ExitCode.OK, table.code(), table::toString);
        assertTrue(table.out().contains("8 node slots x 16 sockets"), table::toString);
        assertTrue(!table.out().contains("SELF") && !table.out().contains("ACTIVE"), "status takes no node slot: " + table);
        assertTrue(table.out().contains("free: 8 of 8 node slots, 128 of 128 sockets"), table::toString);

        Cli.Run json = Cli.run("status", path, "--json");
        assertEquals(ExitCode.OK, json.code(), json::toString);
        String j = json.out().trim();
        assertTrue(j.startsWith("{\"path\":\"" + path + "\""), j);
        assertTrue(j.contains("\"nodeSlots\":8,\"socketsPerNode\":16"), j);
        assertTrue(j.contains("\"nodes\":[]"), j);
        assertTrue(j.endsWith("\"free\":{\"nodeSlots\":8,\"deadNodeSlots\":0,\"sockets\":128}}"), j);
    }

    @Test
    void statusShowsAnotherProcessesListenerAndConnection() throws Exception {
        String path = cli.formatted();
        try (StorageArray other = StorageArray.attach(path);
             ArraySocket listener = other.openSocket(SocketType.STREAM);
             ArraySocket client = other.openSocket(SocketType.STREAM)) {
            listener.bind(4321);
            listener.listen(1);
            client.connect(4321);
            try (ArraySocket served = listener.accept()) {
                Cli.Run r = Cli.run("status", path, "--json");
                assertEquals(ExitCode.OK, r.code(), r::toString);
                assertTrue(r.out().contains("\"state\":\"LISTENING\",\"localPort\":4321"), r::toString);
                assertTrue(r.out().contains("\"state\":\"ESTABLISHED\""), r::toString);
                assertTrue(r.out().contains("\"remotePort\":4321"), r::toString);
                Cli.Run t = Cli.run("status", path);
                assertTrue(t.out().contains("LISTENING"), t::toString);
                assertTrue(t.out().contains("free: 7 of 8"), t::toString);
                assertTrue(t.out().contains("ALIVE"), t::toString);
            }
        }
    }

    @Test
    void statusReadsASegmentItMayNotWrite() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root to drop privileges");
        String path = cli.segment();
        Cli.Run f = Cli.run("format", path, "--nodes", "4", "--sockets-per-node", "8", "--mode", "0644");
        assertEquals(ExitCode.OK, f.code(), f::toString);
        String out = statusAsNobody(path);
        assertTrue(out.contains("free: 4 of 4 node slots"), out);
    }

    /** {@code status PATH} run as user nobody (root only); asserts it exits 0 and returns its output. */
    private static String statusAsNobody(String path) throws Exception {
        Path scratch = Files.createTempDirectory("arraysock-status-");
        try {
            Process p = new ProcessBuilder(Unprivileged.javaCommand(scratch, Main.class, "status", path))
                    .redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(ExitCode.OK, p.exitValue(), out);
            return out;
        } finally {
            Unprivileged.run("rm", "-rf", scratch.toString());
        }
    }

    /** A disk file (or a device) status may only read: it opens it read-only (it opened it read-write). */
    @Test
    void statusReadsADiskFileItMayNotWrite() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root to drop privileges");
        // on a disk file system (not tmpfs, not the scratch directory, which is made writable for all)
        Path array = Path.of("/var/tmp", "arraysock-cli-status-" + java.util.UUID.randomUUID() + ".img");
        try {
            Cli.Run f = Cli.run("format", array.toString(), "--size", "1M", "--nodes", "2", "--sockets-per-node", "8",
                    "--arena-size", "64K", "--mode", "0644");
            assertEquals(ExitCode.OK, f.code(), f::toString);
            String out = statusAsNobody(array.toString());
            assertTrue(out.contains("free: 2 of 2 node slots"), out);
        } finally {
            Files.deleteIfExists(array);
        }
    }

    @Test
    void formatRefusesAnArrayWithoutForce() {
        String path = cli.formatted();
        Cli.Run again = Cli.run("format", path, "--nodes", "16");
        assertEquals(ExitCode.ALREADY_FORMATTED, again.code(), again::toString);
        assertTrue(again.err().contains("--force"), again::toString);
        Cli.Run forced = Cli.run("format", path, "--nodes", "8", "--sockets-per-node", "16", "--force");
        assertEquals(ExitCode.OK, forced.code(), forced::toString);
    }

    @Test
    void formatCreatesTheSegmentWithTheModeAndSizeAsked() throws IOException {
        String path = cli.segment();
        Cli.Run r = Cli.run("format", path, "--nodes", "4", "--sockets-per-node", "8", "--arena-size", "1M", "--size",
                "64M", "--mode", "0640");
        assertEquals(ExitCode.OK, r.code(), r::toString);
        assertEquals(64L << 20, Files.size(Path.of(path)));
        assertEquals("rw-r-----", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(Path.of(path))));
    }

    @Test
    void distinctExitCodesForBadInput() throws IOException {
        String path = cli.formatted();
        Path notAnArray = Files.write(tmp.resolve("zeros"), new byte[8192]);

        expect(ExitCode.NO_SUCH_PATH, "no such file", "status", "/dev/shm/arraysock-cli-test-missing");
        expect(ExitCode.NOT_AN_ARRAY, "not formatted", "status", notAnArray.toString());
        expect(ExitCode.USAGE, "Missing required parameter", "status");
        expect(ExitCode.USAGE, "Unknown option", "status", path, "--bogus");
        expect(ExitCode.USAGE, "not a size", "format", cli.segment(), "--size", "12x");
        expect(ExitCode.USAGE, "octal", "format", cli.segment(), "--mode", "rw");
        expect(ExitCode.USAGE, "a command is missing");
        expect(ExitCode.MEDIUM_TOO_SMALL, "needs", "format", cli.segment(), "--size", "4K");
        expect(ExitCode.REFUSED, "nothing listens", "connect", path, "4999", "--timeout", "2");
        expect(ExitCode.REFUSED, "nothing listens", "send", path, "4999", notAnArray.toString(), "--timeout", "2");
        expect(ExitCode.NO_SUCH_PATH, "no such file", "send", path, "4999", tmp.resolve("missing").toString());
        expect(ExitCode.NO_SUCH_PATH, "no such file", "recv", path, "4999", tmp.resolve("missing").toString());
        expect(ExitCode.TIMEOUT, "", "listen", path, "4998", "--timeout", "1");
        expect(ExitCode.REFUSED, "no backup server", "backup-client", path, "backup", tmp.toString(), "--server",
                "unix:" + tmp.resolve("nobody.sock"));
        expect(ExitCode.USAGE, "--name", "backup-client", path, "restore", tmp.resolve("r").toString(), "--name", "../etc");
    }

    @Test
    void portInUseIsItsOwnExitCode() throws Exception {
        String path = cli.formatted();
        try (StorageArray other = StorageArray.attach(path);
             ArraySocket holder = other.openSocket(SocketType.STREAM)) {
            holder.bind(4100);
            expect(ExitCode.PORT_IN_USE, "port 4100", "listen", path, "4100");
            expect(ExitCode.PORT_IN_USE, "port 4100", "recv", path, "4100", tmp.toString());
        }
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : new String[] {"format", "status", "listen", "connect", "send", "recv", "bench",
                "backup-server", "backup-client"}) {
            Cli.Run r = Cli.run(command, "--help");
            assertEquals(ExitCode.OK, r.code(), r::toString);
            assertTrue(r.out().startsWith("Usage: arraysock " + command), r::toString);
        }
        Cli.Run top = Cli.run("--help");
        assertTrue(top.out().contains("Exit codes:") && top.out().contains("7    connection refused"), top::toString);
    }

    @Test
    void everyCommandsHelpListsTheExitCodesAndDescribesItsArguments() {
        for (String command : new String[] {"format", "status", "listen", "connect", "send", "recv", "bench",
                "backup-server", "backup-client"}) {
            String help = Cli.run(command, "--help").out();
            assertTrue(help.contains("Exit codes:") && help.contains("17   no space"), help);
            for (String line : help.lines().toList()) {
                if (line.matches(" {6}(PATH|PORT|FILE|DIR|ACTION)\\s*")) { // the options list, not the synopsis
                    throw new AssertionError(command + ": positional argument without a description: " + line + "\n" + help);
                }
            }
            assertTrue(help.contains("--debug"), help);
        }
        String bench = Cli.run("bench", "--help").out();
        assertTrue(bench.contains("--ring-size=BYTES") && bench.contains("--seconds=SECONDS")
                && bench.contains("--warm-up=SECONDS"), bench);
    }

    @Test
    void numbersOutOfRangeAreRefused() {
        String path = cli.formatted();
        expect(ExitCode.USAGE, "--ring-size must be in 1..1.0 GiB", "bench", path, "--ring-size", "2G");
        expect(ExitCode.USAGE, "seconds must be in 0..", "listen", path, "0", "--timeout", "-1");
        expect(ExitCode.USAGE, "seconds must be in 0..", "recv", path, "0", tmp.toString(), "--timeout", "-5");
        expect(ExitCode.USAGE, "seconds must be in 0..", "connect", path, "1", "--timeout", "99999999999999");
        expect(ExitCode.USAGE, "seconds must be in 0..", "send", path, "1", "x", "--timeout", "-1");
    }

    @Test
    void formatOnAMissingPathOffTmpfsSaysWhatMustExistOrCreatesAFileOfSize() throws IOException {
        Path missing = tmp.resolve("array.img");
        Cli.Run r = Cli.run("format", missing.toString());
        assertEquals(ExitCode.NO_SUCH_PATH, r.code(), r::toString);
        assertTrue(r.err().contains("must be an existing block device or file") && r.err().contains("--size")
                && !r.err().contains("create an array with"), r::toString);
        Cli.Run made = Cli.run("format", missing.toString(), "--size", "64M", "--nodes", "2", "--sockets-per-node", "8",
                "--arena-size", "1M", "--mode", "0640");
        assertEquals(ExitCode.OK, made.code(), made::toString);
        assertEquals(64L << 20, Files.size(missing));
        assertEquals("rw-r-----", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(missing)));
        Cli.Run status = Cli.run("status", missing.toString());
        assertEquals(ExitCode.OK, status.code(), status::toString);
    }

    @Test
    void benchRunsBetweenTwoProcesses() {
        String path = cli.formatted();
        long t0 = System.nanoTime();
        Cli.Run r = Cli.run("bench", path, "--seconds", "1", "--warm-up", "1");
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertEquals(ExitCode.OK, r.code(), r::toString);
        assertTrue(r.out().matches("(?s)stream: +[0-9.]+ [KMGT]iB in 1\\.[0-9]+ s = [0-9.]+ GiB/s \\(blocking 1 MiB sends.*"
                + "after 1 s of warm-up; the peer received all .*"), r::toString);
        assertTrue(r.out().matches("(?s).*latency: [0-9]+ round trips of 64 bytes in 1 s \\(blocking waiting, after 1 s of "
                + "warm-up\\): p50 .*"), r::toString);
        assertTrue(ms >= 4000, "two phases of 1 s warm-up + 1 s each: " + ms + " ms");
    }

    @Test
    void sizesParse() {
        assertEquals(4096, SizeConverter.parse("4096"));
        assertEquals(64 << 10, SizeConverter.parse("64K"));
        assertEquals(16L << 20, SizeConverter.parse("16MiB"));
        assertEquals(1L << 30, SizeConverter.parse("1g"));
        assertEquals(2L << 40, SizeConverter.parse("2TB"));
        assertThrows(IllegalArgumentException.class, () -> SizeConverter.parse("-1"));
        assertThrows(IllegalArgumentException.class, () -> SizeConverter.parse("1X"));
        assertThrows(IllegalArgumentException.class, () -> SizeConverter.parse("99999999999T"));
        assertEquals("1.5 GiB", SizeConverter.human(3L << 29));
    }

    private static void expect(int code, String inMessage, String... args) {
        Cli.Run r = Cli.run(args);
        assertEquals(code, r.code(), () -> String.join(" ", args) + "\n" + r);
        assertTrue(r.err().contains(inMessage), () -> String.join(" ", args) + "\n" + r);
    }
}
