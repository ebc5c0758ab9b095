package io.arraysock.net;

import java.util.Locale;

/**
 * One line of a rules file: which TCP addresses go to which array, and what to do when the
 * array cannot be used. See {@link RoutingRules} for the syntax.
 *
 * @param action     connect (client sockets) or bind (server sockets)
 * @param host       a literal host, a prefix ending in {@code *} (127.0.0.*), or {@code *}
 * @param firstPort  the port range matched (0..65535 for {@code *})
 * @param lastPort   its end, inclusive
 * @param arrayPath  the array (null for tcp-only)
 * @param arrayPort  the array port, or -1 for "the port matched"
 * @param policy     what happens when the array cannot be used
 * @param line       the rule as written, for the log
 */
public record RoutingRule(Action action, String host, int firstPort, int lastPort, String arrayPath, int arrayPort,
                          RoutePolicy policy, String line) {
    /** Which sockets a rule applies to. */
    public enum Action { CONNECT, BIND }

    /** Whether this rule covers {@code host}:{@code port}. */
    public boolean matches(Action a, String h, int port) {
        if (a != action || port < firstPort || port > lastPort) {
            return false;
        }
        if (host.equals("*")) {
            return true;
        }
        String lower = h.toLowerCase(Locale.ROOT);
        if (host.endsWith("*")) {
            return lower.startsWith(host.substring(0, host.length() - 1));
        }
        return lower.equals(host);
    }

    /** Where a matched connection goes on the array. */
    public ArraySocketAddress target(int matchedPort) {
        if (arrayPath == null) {
            throw new IllegalStateException("a tcp-only rule has no array: " + line);
        }
        return new ArraySocketAddress(arrayPath, arrayPort < 0 ? matchedPort : arrayPort);
    }

    @Override
    public String toString() {
        return line;
    }
}
