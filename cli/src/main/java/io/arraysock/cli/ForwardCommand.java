package io.arraysock.cli;

import io.arraysock.net.SharedArrays;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code arraysock forward}: any TCP program through the array, as {@code ssh -L} or socat forward ports. */
@Command(name = "forward", mixinStandardHelpOptions = true,
        description = {"Forwards connections: each one accepted on LISTEN gets its own connection to TARGET, and the bytes "
                + "flow both ways until both sides have ended. LISTEN and TARGET are tcp://HOST:PORT, unix:/PATH or "
                + "array:PATH?port=N (an array port, not a TCP port; port 0 on LISTEN picks a free one).",
                "",
                "The usual pair, for Redis on the host of /dev/sdb's other end:",
                "  client's host:  arraysock forward tcp://127.0.0.1:6380 'array:/dev/sdb?port=6379'",
                "  server's host:  arraysock forward 'array:/dev/sdb?port=6379' tcp://127.0.0.1:6379",
                "",
                "A half-close is passed on (shutdownOutput to shutdownOutput); a reset or a dead peer on one side "
                        + "cuts the other at once (a TCP side gets a RST). A target that is down refuses that "
                        + "connection only. Prints 'forwarding LISTEN -> TARGET' once it listens; runs until SIGTERM "
                        + "or SIGINT, which close the listener, cut live connections and detach from the arrays."})
final class ForwardCommand implements Callable<Integer> {
    /** How the forward's event loop waits when nothing moves (ForwardIoHandler). */
    enum Idle {
        blocking, spin
    }

    /** What a default array holds (128 sockets a node) with room to spare. */
    static final int DEFAULT_MAX_CONNECTIONS = 64;
    private static final long MAX_RING = 1L << 30;

    @Parameters(index = "0", paramLabel = "LISTEN", description = "where to accept connections")
    String listen;

    @Parameters(index = "1", paramLabel = "TARGET", description = "where each connection goes")
    String target;

    @Option(names = "--max-connections", paramLabel = "N",
            description = "connections forwarded at once; more wait in the listener's backlog until one ends (default ${DEFAULT-VALUE})")
    int maxConnections = DEFAULT_MAX_CONNECTIONS;

    @Option(names = "--auth-key-file", paramLabel = "FILE",
            description = {"pre-shared key for the array side (16..4096 bytes, the file's bytes as they are; "
                    + "mode 600): a listener admits only clients that prove it, a connect proves it. Both ends "
                    + "must use the same key."})
    Path keyFile;

    @Option(names = "--idle", paramLabel = "blocking|spin",
            description = "how the forward's event loop waits when nothing moves: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}: "
                    + "spin, yield, then sleep up to 1 ms; spin answers sooner and keeps one core busy)")
    Idle idle = Idle.blocking;

    @Option(names = "--ring-size", paramLabel = "BYTES", converter = SizeConverter.class,
            description = "ring bytes per direction of each array connection, e.g. 1M (default: the medium's, 256K on shm, 4M on a block device); "
                    + "each connection takes one ring from each side's arena")
    long ringSize;

    @Option(names = "--connect-timeout", paramLabel = "SECONDS", converter = SecondsConverter.class,
            description = "how long a connection to TARGET may take before it is refused (default ${DEFAULT-VALUE})")
    long connectTimeoutSeconds = 10;

    @Option(names = {"-v", "--verbose"}, description = "one line on stderr per connection, when it ends: how, after how long, bytes each way")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        if (maxConnections < 1) {
            throw new IllegalArgumentException("--max-connections must be at least 1: " + maxConnections);
        }
        if (ringSize < 0 || ringSize > MAX_RING) {
            throw new IllegalArgumentException("--ring-size must be at most " + SizeConverter.human(MAX_RING) + ": " + ringSize);
        }
        if (connectTimeoutSeconds < 1) {
            throw new IllegalArgumentException("--connect-timeout must be at least 1 second");
        }
        ForwardEndpoint from = ForwardEndpoint.parse(listen);
        ForwardEndpoint to = ForwardEndpoint.parse(target);
        if (keyFile != null && !(from instanceof ForwardEndpoint.Array) && !(to instanceof ForwardEndpoint.Array)) {
            throw new IllegalArgumentException("--auth-key-file is for array endpoints, and neither LISTEN nor TARGET is one");
        }
        ForwardEndpoint.ArraySettings settings = new ForwardEndpoint.ArraySettings((int) ringSize,
                keyFile == null ? null : AuthKeyFile.read(keyFile));
        // attached before listening: a TARGET array that is not there fails at start, not per connection
        List<SharedArrays.Lease> leases = new ArrayList<>();
        try {
            for (ForwardEndpoint e : List.of(to, from)) {
                if (e instanceof ForwardEndpoint.Array a) {
                    leases.add(SharedArrays.acquire(a.address().arrayPath()));
                }
            }
        } catch (IOException | RuntimeException e) {
            leases.forEach(SharedArrays.Lease::close);
            throw e;
        }
        ForwardLog log = new ForwardLog(System.err, verbose);
        try (Forwarder forwarder = ExitCleanup.closeAtExit(new Forwarder(from, to, settings,
                Duration.ofSeconds(connectTimeoutSeconds), maxConnections, log, leases, idle == Idle.spin))) {
            forwarder.run();
        }
        return ExitCode.OK;
    }
}
