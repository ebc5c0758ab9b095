package io.arraysock.cli;

import java.io.PrintStream;
import java.util.Locale;

/**
 * What {@code arraysock forward} says on stderr: where it forwards, once; a refused
 * connection (the target is down or refused it), always; and with {@code --verbose}, one
 * line for each connection when it ends, and when the connection limit holds new ones back.
 */
final class ForwardLog {
    private final PrintStream err;
    private final boolean verbose;

    ForwardLog(PrintStream err, boolean verbose) {
        this.err = err;
        this.verbose = verbose;
    }

    void started(String listen, String target) {
        line("forwarding " + listen + " -> " + target);
    }

    void refused(int id, String client, String why) {
        line("connection " + id + " from " + client + " refused: " + why);
    }

    void full(int max) {
        if (verbose) {
            line(max + " connections are open (--max-connections): new ones wait until one ends");
        }
    }

    /**
     * A connection ended: {@code how} is "closed" or what reset it.
     *
     * @param up   bytes from the client to the target
     * @param down bytes from the target to the client
     */
    void ended(int id, String client, String target, String how, long up, long down, long nanos) {
        if (verbose) {
            line(String.format(Locale.ROOT, "connection %d from %s to %s: %s after %.3f s, %d bytes up, %d down",
                    id, client, target, how, nanos / 1e9, up, down));
        }
    }

    private void line(String s) {
        synchronized (err) {
            err.println(s);
            err.flush();
        }
    }
}
