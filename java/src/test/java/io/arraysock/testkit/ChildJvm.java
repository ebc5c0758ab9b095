package io.arraysock.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A second JVM on the test classpath, running a {@code main} class of the tests: the other
 * process of a cross-process test. It talks over stdin/stdout lines; its stderr goes to a
 * file that {@link #describe()} quotes when a test fails. Optionally it runs in a network
 * namespace of its own ({@code unshare --net}), so only the storage joins it to the test.
 */
public final class ChildJvm implements AutoCloseable {
    /** Lets JNA load the C layer without the JDK's restricted-method warning (JDK 24+; 17 accepts it). */
    public static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";
    private static final String EOF = "\u0000EOF";

    private final Process process;
    private final Path stderr;
    private final PrintWriter stdin;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final String name;

    private ChildJvm(String name, Process process, Path stderr) {
        this.name = name;
        this.process = process;
        this.stderr = stderr;
        this.stdin = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
        Thread pump = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the process went away: EOF below says so
            } finally {
                lines.add(EOF);
            }
        }, "child-stdout-" + name);
        pump.setDaemon(true);
        pump.start();
    }

    /** Starts {@code main} with {@code args} in a new JVM. */
    public static ChildJvm start(Class<?> main, String... args) throws IOException {
        return start(false, main, args);
    }

    /**
     * Starts {@code main} in a new JVM; with {@code ownNetworkNamespace} it runs under
     * {@code unshare --net} (root only), so it has no network path to this process.
     */
    public static ChildJvm start(boolean ownNetworkNamespace, Class<?> main, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        if (ownNetworkNamespace) {
            cmd.add("unshare");
            cmd.add("--net");
        }
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of("-Xmx512m", "-XX:+UseSerialGC", NATIVE_ACCESS, "-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(List.of(args));
        Path err = Files.createTempFile("arraysock-child-", ".stderr");
        Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
        return new ChildJvm(main.getSimpleName() + "#" + p.pid(), p, err);
    }

    public long pid() {
        return process.pid();
    }

    public Process process() {
        return process;
    }

    /** Sends one line to the child's stdin. */
    public void send(String line) {
        stdin.println(line);
    }

    /**
     * The child's next stdout line.
     *
     * @throws AssertionError on timeout or when the child ended first, quoting its stderr
     */
    public String readLine(Duration timeout) throws InterruptedException {
        String line = lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (line == null) {
            throw new AssertionError("no line from " + describe() + " within " + timeout);
        }
        if (line.equals(EOF)) {
            lines.add(EOF);
            throw new AssertionError("child ended without the expected line: " + describe());
        }
        return line;
    }

    /** The next line if one is waiting, else null (never waits). */
    public String pollLine() {
        String line = lines.poll();
        if (EOF.equals(line)) {
            lines.add(EOF);
            return null;
        }
        return line;
    }

    /** Reads lines until one starts with {@code prefix}; returns the rest of it. */
    public String expect(String prefix, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> skipped = new ArrayList<>();
        while (true) {
            long left = deadline - System.nanoTime();
            String line;
            try {
                line = readLine(Duration.ofNanos(Math.max(left, 0)));
            } catch (AssertionError e) {
                // the lines passed over say why (a child's "ERROR ..." line, say)
                throw new AssertionError(e.getMessage() + "\nlines before, not starting with " + prefix + ": " + skipped, e);
            }
            if (line.startsWith(prefix)) {
                return line.substring(prefix.length()).trim();
            }
            skipped.add(line);
        }
    }

    /** Waits for the exit code; fails with the child's stderr if it does not end in time. */
    public int waitFor(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("child did not exit within " + timeout + ": " + describe());
        }
        return process.exitValue();
    }

    /** SIGKILL, and wait for it to be gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** Name, state and the tail of stderr: for assertion messages. */
    public String describe() {
        String state = process.isAlive() ? "running" : "exited " + process.exitValue();
        String err;
        try {
            String all = Files.readString(stderr);
            err = all.length() > 4000 ? "..." + all.substring(all.length() - 4000) : all;
        } catch (IOException e) {
            err = "(stderr unreadable: " + e + ")";
        }
        return name + " [" + state + "] stderr:\n" + err;
    }

    @Override
    public void close() throws IOException {
        stdin.close();
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Files.deleteIfExists(stderr);
    }
}
