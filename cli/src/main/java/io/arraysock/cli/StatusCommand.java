package io.arraysock.cli;

import io.arraysock.ArrayInspector;
import io.arraysock.api.NodeErrors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code arraysock status}: who is attached, which sockets exist, what is free. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Shows an array's nodes (slot, host, pid, liveness, heartbeat age), its sockets "
                + "(node, type, state, local port, peer, ring size), the counters each node published (bytes, "
                + "messages, waits and wake-ups per socket; connects, accepts, refusals and resets per node) and its free capacity; "
                + "with --errors each node's distinct-error log, with --prometheus the counters for Prometheus.",
                "It only reads: it takes no node slot and writes nothing. A node on another host is judged by its "
                        + "heartbeat, so the first look waits up to the array's liveness timeout (2 s by default) to tell "
                        + "live from dead. A DEAD node's slot is reclaimable: the next attach takes it."})
final class StatusCommand implements Callable<Integer> {
    /** ANSI: cursor home, clear screen; what watch(1) does between refreshes. */
    private static final String CLEAR = "\033[H\033[2J";
    private static final long WATCH_INTERVAL_MS = 1000;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PATH", description = "the array: a segment (/dev/shm/NAME) or a device")
    String path;

    @Option(names = "--json", description = "one JSON object (one per line with --watch)")
    boolean json;

    @Option(names = "--watch", description = "refresh every second until interrupted, with the counters' rates per second")
    boolean watch;

    @Option(names = "--errors", description = "also each node's distinct-error log (kind, count, first and last time on "
            + "the writer's clock, message), of every node slot, as its node published it")
    boolean errors;

    @Option(names = "--prometheus", description = "the counters in Prometheus text format (for a node exporter's textfile "
            + "collector), instead of the tables")
    boolean prometheus;

    @Override
    public Integer call() throws Exception {
        if (prometheus && json) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--prometheus and --json exclude each other");
        }
        PrintWriter out = spec.commandLine().getOut();
        try (ArrayInspector inspector = ExitCleanup.closeAtExit(ArrayInspector.open(path))) {
            StatusTable.Snapshot s = null;
            do {
                // one-shot: settle remote nodes; watching: the next refreshes settle them
                ArrayInspector.Inspection look = inspector.inspect(s == null && !watch);
                s = s == null ? new StatusTable.Snapshot(look) : s.after(look);
                List<NodeErrors> logs = errors || prometheus ? inspector.errors(look) : List.of();
                if (prometheus) {
                    out.print(StatusPrometheus.render(look, s, logs));
                } else if (json) {
                    out.println(StatusTable.json(s, errors ? StatusErrors.json(logs) : null));
                } else {
                    if (watch) {
                        out.print(CLEAR);
                    }
                    StatusTable.print(s, out);
                    if (errors) {
                        StatusErrors.print(logs, out);
                    }
                }
                out.flush();
                if (watch) {
                    Thread.sleep(WATCH_INTERVAL_MS);
                }
            } while (watch);
        }
        return ExitCode.OK;
    }
}
