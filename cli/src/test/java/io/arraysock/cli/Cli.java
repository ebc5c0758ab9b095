package io.arraysock.cli;

import io.arraysock.medium.ShmMedium;
import org.junit.jupiter.api.Assumptions;
import picocli.CommandLine;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs {@code arraysock} in this JVM with captured output, and hands out shm paths it cleans up. */
final class Cli implements AutoCloseable {
    record Run(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- out:\n" + out + "--- err:\n" + err;
        }
    }

    private final List<String> segments = new ArrayList<>();
    private final List<Path> mounts = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();

    static Run run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /** Starts {@code arraysock args...} as a process of its own (stdin, stdout and stderr are pipes). */
    static Process spawn(String... args) throws IOException {
        return command(args).start();
    }

    /** As {@link #spawn(String...)}, with stderr into the file {@code stderr} (read it with {@link #awaitLine}). */
    static Process spawn(Path stderr, String... args) throws IOException {
        return command(args).redirectError(stderr.toFile()).start();
    }

    /** As {@link #spawn(Path, String...)}; the process is killed on close if it still runs. */
    Process start(Path stderr, String... args) throws IOException {
        Process p = spawn(stderr, args);
        processes.add(p);
        return p;
    }

    /** As {@link #spawn(String...)}; the process is killed on close if it still runs. */
    Process start(String... args) throws IOException {
        Process p = spawn(args);
        processes.add(p);
        return p;
    }

    /** A file's text, or why it has none: for assertion messages. */
    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    private static ProcessBuilder command(String... args) {
        // SIGINT at its default: a shell without job control starts background jobs with SIGINT
        // ignored, the JVM keeps an inherited ignore (no shutdown on SIGINT), and a test JVM
        // started so would hand that on to the CLI it tests (CliInterruptTest then waits in vain)
        List<String> cmd = new ArrayList<>(List.of("env", "--default-signal=INT"));
        cmd.addAll(JavaCommand.of(List.of("-Xmx256m", "-XX:+UseSerialGC"), Main.class));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd);
    }

    /** What a PORT 0 listener ({@code listen}, {@code recv}) says on stderr. */
    static final Pattern LISTENING = Pattern.compile("listening on port (\\d+)");

    /** The port a PORT 0 listener started with {@code stderr} into that file announces (30 s at most). */
    static int awaitPort(Path stderr, Process p) throws IOException, InterruptedException {
        return Integer.parseInt(awaitLine(stderr, LISTENING, p, Duration.ofSeconds(30)).group(1));
    }

    /** Waits until {@code file} has a line matching {@code pattern}; returns the match. */
    static Matcher awaitLine(Path file, Pattern pattern, Process p, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (String line : Files.readAllLines(file)) {
                Matcher m = pattern.matcher(line);
                if (m.find()) {
                    return m;
                }
            }
            if (!p.isAlive()) {
                break;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no line matching " + pattern + " in " + file + " (process "
                + (p.isAlive() ? "alive" : "exited " + p.exitValue()) + "):\n" + Files.readString(file));
    }

    String segment() {
        String p = "/dev/shm/arraysock-cli-test-" + UUID.randomUUID();
        segments.add(p);
        return p;
    }

    /** A formatted segment with few slots, to keep tests small. */
    String formatted() {
        String p = segment();
        Run r = run("format", p, "--nodes", "8", "--sockets-per-node", "16");
        if (r.code() != 0) {
            throw new AssertionError("format failed: " + r);
        }
        return p;
    }

    /** A 3 MiB tmpfs of our own in a new directory {@code under/tiny}, unmounted on close (root only: mount). */
    Path tinyTmpfs(Path under) throws IOException, InterruptedException {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "mounting a small tmpfs needs root");
        Path dir = Files.createDirectory(under.resolve("tiny"));
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", dir.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        Assumptions.assumeTrue(p.waitFor() == 0, () -> "cannot mount a tmpfs: " + out);
        mounts.add(dir);
        return dir;
    }

    /** Takes every free byte of the file system under {@code dir} with a file {@code filler}. */
    static void fill(Path dir) throws IOException {
        byte[] chunk = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(dir.resolve("filler"))) {
            while (true) {
                out.write(chunk);
            }
        } catch (IOException full) {
            // ENOSPC: full, as we wanted
        }
        if (Files.getFileStore(dir).getUsableSpace() >= chunk.length) {
            throw new AssertionError(dir + " did not fill up");
        }
    }

    @Override
    public void close() throws IOException {
        for (Process p : processes) {
            try {
                p.destroyForcibly().waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (Path m : mounts) {
            try {
                new ProcessBuilder("umount", m.toString()).inheritIO().start().waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (String p : segments) {
            if (Files.exists(Path.of(p))) {
                ShmMedium.unlink(p);
            }
        }
    }
}
