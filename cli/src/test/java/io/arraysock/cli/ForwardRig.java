package io.arraysock.cli;

import io.arraysock.testkit.LoopDevices;
import org.junit.jupiter.api.Assumptions;
import io.arraysock.medium.ShmMedium;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Two "hosts" for the forward's proofs with real servers: a server namespace and a client
 * namespace ({@link Netns}), joined by nothing but an array: a segment in /dev/shm (both
 * namespaces see the same tmpfs), or the loop pair (the server on its first device, the
 * client on its second). Starts forwarders ({@code arraysock forward} JVMs) on either side,
 * and every other process of the test, and removes it all on close.
 */
final class ForwardRig implements AutoCloseable {
    /** The array's two ends. */
    enum Medium {
        SHM, LOOP;

        /** Forward options for this medium: the loop pair's 4 MiB default rings would fill the arenas with 50 connections. */
        List<String> forwardOptions() {
            return this == LOOP ? List.of("--ring-size", "1M") : List.of();
        }
    }

    /** An array as the server side and the client side each open it. */
    record Array(String serverPath, String clientPath) {
        String server(int port) {
            return "array:" + serverPath + "?port=" + port;
        }

        String client(int port) {
            return "array:" + clientPath + "?port=" + port;
        }
    }

    static final Pattern FORWARDING = Pattern.compile("^forwarding (\\S+) -> ");
    /** Small arrays: few nodes, arenas for 64 connections (the default limit) of 1 MiB rings and some closing. */
    private static final String[] GEOMETRY = {"--nodes", "6", "--sockets-per-node", "128", "--arena-size", "128M"};

    final Path dir;
    final Netns server;
    final Netns client;
    final Procs procs;
    private final Map<Medium, Array> arrays = new EnumMap<>(Medium.class);
    private final List<String> segments = new ArrayList<>();
    private final List<Path> forwarderLogs = new ArrayList<>();

    ForwardRig() throws IOException, InterruptedException {
        // world-readable, so servers that refuse root (PostgreSQL) can live under it
        this.dir = Files.createTempDirectory(Path.of("/var/tmp"), "arraysock-fwd-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        this.procs = new Procs(dir);
        this.server = Netns.create("srv");
        this.client = Netns.create("cli");
    }

    /** The medium's array, formatted on first use. */
    Array array(Medium m) {
        return arrays.computeIfAbsent(m, k -> {
            Array a;
            if (k == Medium.SHM) {
                String seg = "/dev/shm/arraysock-fwd-test-" + UUID.randomUUID();
                segments.add(seg);
                a = new Array(seg, seg);
            } else {
                LoopDevices.Pair pair = LoopDevices.pair();
                a = new Array(pair.first(), pair.second());
            }
            List<String> args = new ArrayList<>(List.of("format", a.serverPath(), "--force"));
            args.addAll(List.of(GEOMETRY));
            Cli.Run r = Cli.run(args.toArray(String[]::new));
            if (r.code() != 0) {
                throw new AssertionError("format failed: " + r);
            }
            return a;
        });
    }

    /** Starts {@code arraysock forward args...} in {@code ns}; returns once it says it forwards. */
    Process forward(Netns ns, Medium m, String... args) throws IOException, InterruptedException {
        List<String> cli = new ArrayList<>(List.of("forward"));
        cli.addAll(List.of(args));
        cli.addAll(m.forwardOptions());
        Process p = procs.start(ns.command(JavaCommand.of(List.of("-Xmx256m", "-XX:+UseSerialGC"), Main.class,
                cli.toArray(String[]::new))), null);
        forwarderLogs.add(procs.errOf(p));
        Cli.awaitLine(procs.errOf(p), FORWARDING, p, Duration.ofSeconds(30));
        return p;
    }

    /** Every forwarder's stderr so far: for assertion messages. */
    String forwarderLogs() {
        StringBuilder b = new StringBuilder();
        for (Path log : forwarderLogs) {
            b.append("--- ").append(log.getFileName()).append(":\n").append(Procs.text(log));
        }
        return b.toString();
    }

    /**
     * Skips the test class when {@code present} is false, saying {@code why}; in CI
     * ({@code -Darraysock.test.requireServers=true}, from $CI) fails it instead.
     */
    static void require(boolean present, String why) {
        if (!present) {
            if (Boolean.getBoolean("arraysock.test.requireServers")) {
                throw new AssertionError(why + " (required in CI)");
            }
            Assumptions.abort(why);
        }
    }

    /** Whether {@code cmd} is on the PATH (the servers and clients of the proofs). */
    static boolean installed(String cmd) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(d, cmd))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        procs.close();
        server.close();
        client.close();
        for (String s : segments) {
            if (Files.exists(Path.of(s))) {
                ShmMedium.unlink(s);
            }
        }
        Procs.run0("rm", "-rf", dir.toString());
    }
}
