package io.arraysock.cli;

import io.arraysock.medium.ShmMedium;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Runs {@code arraysock} in this JVM with captured output, and hands out shm paths it cleans up. */
final class Cli implements AutoCloseable {
    record Run(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- out:\n" + out + "--- err:\n" + err;
        }
    }

    private final List<String> segments = new ArrayList<>();

    static Run run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
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

    @Override
    public void close() throws IOException {
        for (String p : segments) {
            if (Files.exists(Path.of(p))) {
                ShmMedium.unlink(p);
            }
        }
    }
}
