package io.arraysock.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Processes of a test (servers, clients, forwarders): started with their output in files, killed on close. */
final class Procs implements AutoCloseable {
    /** What a finished command printed. */
    record Result(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- out:\n" + out + "--- err:\n" + err;
        }
    }

    private final Path dir;
    private final List<Process> started = new ArrayList<>();
    private final List<Path> errFiles = new ArrayList<>();
    private final List<Path> outFiles = new ArrayList<>();
    private int count;

    Procs(Path dir) {
        this.dir = dir;
    }

    /** Starts {@code cmd}, stdout and stderr into files of its own (see {@link #errOf}); stdin from {@code in} or nothing. */
    synchronized Process start(List<String> cmd, Path in) throws IOException {
        int n = ++count;
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(dir.resolve(n + ".out").toFile())
                .redirectError(dir.resolve(n + ".err").toFile())
                .redirectInput(in == null ? ProcessBuilder.Redirect.from(new File("/dev/null")) : ProcessBuilder.Redirect.from(in.toFile()));
        Process p = pb.start();
        started.add(p);
        errFiles.add(dir.resolve(n + ".err"));
        outFiles.add(dir.resolve(n + ".out"));
        return p;
    }

    synchronized Path errOf(Process p) {
        return errFiles.get(started.indexOf(p));
    }

    synchronized Path outOf(Process p) {
        return outFiles.get(started.indexOf(p));
    }

    /** Runs {@code cmd} to its end (at most {@code timeout}: then it is killed and this fails). */
    Result run(Duration timeout, Path in, List<String> cmd) throws IOException, InterruptedException {
        Process p = start(cmd, in);
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("did not end within " + timeout + ": " + String.join(" ", cmd) + "\n" + text(errOf(p)));
        }
        return new Result(p.exitValue(), text(outOf(p)), text(errOf(p)));
    }

    Result run(Duration timeout, List<String> cmd) throws IOException, InterruptedException {
        return run(timeout, null, cmd);
    }

    /** Runs a helper command (rm, chown, ...) to its end; fails when it fails. */
    static void run0(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
    }

    static String text(Path file) {
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    @Override
    public synchronized void close() throws InterruptedException {
        for (Process p : started) {
            p.destroyForcibly();
        }
        for (Process p : started) {
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
