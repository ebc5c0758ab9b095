package io.arraysock.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A tmpfs too small for the array: {@code format} refuses it, a tmpfs that fills up later
 * gives a one-line "file system is full" (never an InternalError trace), as a segment
 * truncated mid-transfer gives a one-line "shrank", and
 * {@code --preallocate} keeps an array working on a tmpfs that is full.
 */
class CliSpaceTest {
    /** A small array: 2 nodes, 1 MiB arenas, about 2 MiB in all. */
    private static final String[] SMALL = {"--nodes", "2", "--sockets-per-node", "8", "--arena-size", "1M"};

    private final Cli cli = new Cli();

    @TempDir
    Path tmp;

    @AfterEach
    void cleanUp() throws IOException {
        cli.close();
    }

    @Test
    void formatRefusesASegmentLargerThanTheFreeSpaceOfItsTmpfs() {
        String path = cli.segment();
        Cli.Run r = Cli.run("format", path, "--size", "16384T");
        assertEquals(ExitCode.NO_SPACE, r.code(), r::toString);
        assertTrue(r.err().contains("does not fit") && r.err().contains("bytes free"), r::toString);
        assertFalse(Files.exists(Path.of(path)), "nothing created");
    }

    @Test
    void aTmpfsThatFillsUpIsAOneLineErrorNotAStackTrace() throws Exception {
        Path tiny = cli.tinyTmpfs(tmp);
        String array = tiny.resolve("array").toString();
        Cli.Run f = Cli.run(concat(new String[] {"format", array}, SMALL));
        assertEquals(ExitCode.OK, f.code(), f::toString);
        Cli.fill(tiny);
        Result[] r = transfer(array);
        for (Result one : r) {
            assertFalse(one.err.contains("InternalError") || one.err.contains("\tat "), one::toString);
        }
        assertTrue(r[0].code == ExitCode.NO_SPACE || r[1].code == ExitCode.NO_SPACE,
                () -> "expected exit " + ExitCode.NO_SPACE + " on one side:\n" + r[0] + "\n" + r[1]);
        Result full = r[0].code == ExitCode.NO_SPACE ? r[0] : r[1];
        assertTrue(full.err.contains("file system is full") && full.err.contains("--preallocate"), full::toString);
        assertEquals(1, full.err.strip().lines().filter(l -> l.startsWith("arraysock ")).count(), full::toString);
    }

    @Test
    void aPreallocatedArrayKeepsWorkingOnAFullTmpfs() throws Exception {
        Path tiny = cli.tinyTmpfs(tmp);
        String array = tiny.resolve("array").toString();
        Cli.Run f = Cli.run(concat(new String[] {"format", array, "--preallocate"}, SMALL));
        assertEquals(ExitCode.OK, f.code(), f::toString);
        Cli.fill(tiny);
        Result[] r = transfer(array);
        assertEquals(ExitCode.OK, r[0].code, r[0]::toString);
        assertEquals(ExitCode.OK, r[1].code, r[1]::toString);
    }

    @Test
    void preallocateRefusesWhatTheTmpfsCannotHold() throws Exception {
        Path tiny = cli.tinyTmpfs(tmp);
        Path array = tiny.resolve("array");
        Cli.Run r = Cli.run("format", array.toString(), "--preallocate", "--nodes", "2", "--sockets-per-node", "8",
                "--arena-size", "4M");
        assertEquals(ExitCode.NO_SPACE, r.code(), r::toString);
        assertFalse(Files.exists(array), "a failed preallocation leaves no segment behind");
    }

    @Test
    void aSegmentTruncatedMidTransferIsAOneLineErrorNotAStackTrace() throws Exception {
        truncateMidTransfer(cli.formatted());
    }

    /**
     * The same on a disk file (the block medium on a regular file): both sides stop writing,
     * so the file is never grown back (a pwrite past its end used to extend it again).
     */
    @Test
    void aDiskFileTruncatedMidTransferStaysShrunkAndSaysSo() throws Exception {
        // on a disk file system (the @TempDir may be one, but /var/tmp is one for certain)
        Path file = Path.of("/var/tmp", "arraysock-cli-shrink-" + java.util.UUID.randomUUID() + ".img");
        try {
            List<String> format = new java.util.ArrayList<>(List.of("format", file.toString(), "--size", "3M"));
            format.addAll(List.of(SMALL));
            Cli.Run f = Cli.run(format.toArray(String[]::new));
            assertEquals(ExitCode.OK, f.code(), f::toString);
            Result[] r = truncateMidTransfer(file.toString());
            long reported = 0;
            for (Result one : r) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("shrank to (\\d+) bytes").matcher(one.err);
                assertTrue(one.code == ExitCode.CORRUPT_OR_UNSUPPORTED && m.find(),
                        () -> "expected exit " + ExitCode.CORRUPT_OR_UNSUPPORTED + " (shrank) on both sides:\n" + r[0] + "\n" + r[1]);
                reported = Math.max(reported, Long.parseLong(m.group(1)));
            }
            // a write already past its size check when the truncation came may still land past the
            // new end (docs/SECURITY.md); once the shrink is seen, nothing grows the file again
            assertTrue(reported < 1 << 20, "reported size " + reported);
            assertTrue(Files.size(file) <= reported, "the file was grown back after the shrink was seen: "
                    + Files.size(file) + " > " + reported);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** Starts a transfer, truncates the array to 4096 bytes under it, and checks both sides' one-line error. */
    private Result[] truncateMidTransfer(String array) throws Exception {
        Path in = Files.createDirectory(tmp.resolve("in"));
        Path recvErr = tmp.resolve("recv.err");
        Process recv = start(recvErr, "recv", array, "0", in.toString(), "--timeout", "30");
        int port = Cli.awaitPort(recvErr, recv);
        Path connectErr = tmp.resolve("connect.err");
        Process sender = cli.start(connectErr, "connect", array, Integer.toString(port));
        DataOutputStream feed = new DataOutputStream(sender.getOutputStream());
        new FileHeader("big.bin", 1L << 30).write(feed);
        feed.write(new byte[1 << 20]);
        feed.flush();
        assertEquals(FileHeader.READY, sender.getInputStream().read());
        try (RandomAccessFile f = new RandomAccessFile(array, "rw")) {
            f.setLength(4096); // the rings are gone from under both processes
        }
        try {
            for (int i = 0; i < 64; i++) {
                feed.write(new byte[1 << 20]);
            }
            feed.close();
        } catch (IOException senderEnded) {
            // the connect process died of it: what it said is checked below
        }
        assertTrue(recv.waitFor(60, TimeUnit.SECONDS) && sender.waitFor(60, TimeUnit.SECONDS), "both end");
        Result[] r = {new Result("connect", sender.exitValue(), Files.readString(connectErr)),
                new Result("recv", recv.exitValue(), Files.readString(recvErr))};
        for (Result one : r) {
            assertFalse(one.err.contains("InternalError") || one.err.contains("\tat "), one::toString);
            assertTrue(one.code != ExitCode.OK, one::toString);
        }
        assertTrue(r[0].code == ExitCode.CORRUPT_OR_UNSUPPORTED || r[1].code == ExitCode.CORRUPT_OR_UNSUPPORTED,
                () -> "expected exit " + ExitCode.CORRUPT_OR_UNSUPPORTED + " (shrank) on one side:\n" + r[0] + "\n" + r[1]);
        assertTrue(r[0].err.contains("shrank") || r[1].err.contains("shrank"), () -> r[0] + "\n" + r[1]);
        return r;
    }

    private record Result(String name, int code, String err) {
        @Override
        public String toString() {
            return name + ": exit " + code + "\n" + err;
        }
    }

    /** recv and send of a 20 MB file through {@code array}, as two processes; both results. */
    private Result[] transfer(String array) throws Exception {
        Path in = Files.createDirectory(tmp.resolve("in"));
        Path file = tmp.resolve("payload.bin");
        byte[] bytes = new byte[20_000_000];
        new Random(7).nextBytes(bytes);
        Files.write(file, bytes);
        Path recvErr = tmp.resolve("recv.err");
        Path sendErr = tmp.resolve("send.err");
        Process recv = start(recvErr, "recv", array, "0", in.toString(), "--timeout", "30");
        int port = Cli.awaitPort(recvErr, recv);
        Process send = start(sendErr, "send", array, Integer.toString(port), file.toString());
        assertTrue(send.waitFor(60, TimeUnit.SECONDS), "send ended");
        assertTrue(recv.waitFor(60, TimeUnit.SECONDS), "recv ended");
        return new Result[] {new Result("send", send.exitValue(), Files.readString(sendErr)),
                new Result("recv", recv.exitValue(), Files.readString(recvErr))};
    }

    private Process start(Path stderr, String... args) throws IOException {
        Process p = cli.start(stderr, args);
        p.getOutputStream().close();
        return p;
    }



    private static String[] concat(String[] a, String[] b) {
        String[] r = new String[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
