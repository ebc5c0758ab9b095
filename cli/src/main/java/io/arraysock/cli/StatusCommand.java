package io.arraysock.cli;

import io.arraysock.StorageArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code arraysock status}: who is attached, which sockets exist, what is free. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Shows an array's nodes (slot, host, pid, liveness, heartbeat age), its sockets "
                + "(node, type, state, local port, peer, ring size) and its free capacity.",
                "The command attaches as a node itself while it looks (it is the row marked SELF)."})
final class StatusCommand implements Callable<Integer> {
    /** ANSI: cursor home, clear screen; what watch(1) does between refreshes. */
    private static final String CLEAR = "\033[H\033[2J";
    private static final long WATCH_INTERVAL_MS = 1000;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PATH")
    String path;

    @Option(names = "--json", description = "one JSON object (one per line with --watch)")
    boolean json;

    @Option(names = "--watch", description = "refresh every second until interrupted")
    boolean watch;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (StorageArray array = ExitCleanup.closeAtExit(StorageArray.attach(path))) {
            do {
                StatusTable.Snapshot s = StatusTable.snapshot(array);
                if (json) {
                    out.println(StatusTable.json(s));
                } else {
                    if (watch) {
                        out.print(CLEAR);
                    }
                    StatusTable.print(s, out);
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
