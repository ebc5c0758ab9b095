package io.arraysock.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Rules that move existing TCP connections onto arrays without touching the code that makes
 * them, in the spirit of the JDK's old SDP configuration. One rule a line, first match wins,
 * {@code #} starts a comment:
 * <pre>
 * # action  host:port            -&gt; target                              policy
 * connect   127.0.0.1:5432                                                tcp-only
 * connect   127.0.0.1:9000       -&gt; array:/dev/sdb?port=9000             prefer-array
 * connect   127.0.0.*:7000-7099  -&gt; array:/dev/shm/backup                 array-only
 * bind      *:9000               -&gt; array:/dev/shm/backup?port=9000
 * </pre>
 * {@code connect} rules route client sockets by the address they connect to, {@code bind}
 * rules route server sockets by the port they listen on. Hosts are matched as written (no
 * name resolution): a literal, a prefix ending in {@code *}, or {@code *}; ports are
 * {@code N}, {@code N-M} or {@code *}. A target without {@code ?port=} keeps the matched
 * port. The policy (default {@code array-only}, so a missing array is an error, not a
 * silent detour) says what happens when the array is absent or refuses: see
 * {@link RoutePolicy}. Addresses no rule matches go over TCP.
 *
 * <p>{@link #fromSystemProperty()} reads the file named by the system property
 * {@value #RULES_PROPERTY}.
 */
public final class RoutingRules {
    /** The system property naming the rules file for {@link Connector#system()}. */
    public static final String RULES_PROPERTY = "io.arraysock.net.rules";
    private static final RoutingRules NONE = new RoutingRules(List.of());

    private final List<RoutingRule> rules;

    private RoutingRules(List<RoutingRule> rules) {
        this.rules = List.copyOf(rules);
    }

    /** No rules: everything goes over TCP. */
    public static RoutingRules none() {
        return NONE;
    }

    /**
     * Parses rules text.
     *
     * @throws IllegalArgumentException naming the line that is wrong
     */
    public static RoutingRules parse(String text) {
        List<RoutingRule> out = new ArrayList<>();
        String[] lines = text.split("\\R");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int hash = line.indexOf('#');
            String body = (hash >= 0 ? line.substring(0, hash) : line).trim();
            if (body.isEmpty()) {
                continue;
            }
            try {
                out.add(parseRule(body));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("rule line " + (i + 1) + " '" + body + "': " + e.getMessage(), e);
            }
        }
        return new RoutingRules(out);
    }

    /** Reads and parses a rules file. */
    public static RoutingRules load(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8));
    }

    /** The rules in the file named by {@value #RULES_PROPERTY}; none when it is unset. */
    public static RoutingRules fromSystemProperty() {
        String file = System.getProperty(RULES_PROPERTY);
        if (file == null || file.isBlank()) {
            return NONE;
        }
        try {
            return load(Path.of(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read routing rules " + file + " (" + RULES_PROPERTY + ")", e);
        }
    }

    private static RoutingRule parseRule(String body) {
        String[] words = body.split("\\s+");
        int w = 0;
        RoutingRule.Action action = switch (words[w++].toLowerCase(Locale.ROOT)) {
            case "connect" -> RoutingRule.Action.CONNECT;
            case "bind" -> RoutingRule.Action.BIND;
            default -> throw new IllegalArgumentException("expected connect or bind, got '" + words[0] + "'");
        };
        if (w >= words.length) {
            throw new IllegalArgumentException("no host:port");
        }
        String hostPort = words[w++];
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("expected host:port, got '" + hostPort + "'");
        }
        String host = hostPort.substring(0, colon).toLowerCase(Locale.ROOT);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int[] ports = parsePorts(hostPort.substring(colon + 1));
        ArraySocketAddress target = null;
        boolean anyPort = false;
        if (w < words.length && words[w].equals("->")) {
            w++;
            if (w >= words.length) {
                throw new IllegalArgumentException("no target after ->");
            }
            String uri = words[w++];
            target = ArraySocketAddress.parse(uri, 0);
            anyPort = !uri.contains("port=");
        }
        RoutePolicy policy = RoutePolicy.ARRAY_ONLY;
        if (w < words.length) {
            policy = RoutePolicy.parse(words[w++]);
        }
        if (w < words.length) {
            throw new IllegalArgumentException("unexpected '" + words[w] + "'");
        }
        if (target == null && policy != RoutePolicy.TCP_ONLY) {
            throw new IllegalArgumentException("a " + policy.word() + " rule needs '-> array:PATH[?port=N]'");
        }
        if (target != null && !anyPort && ports[0] != ports[1]) {
            throw new IllegalArgumentException("a port range cannot map onto one array port; leave ?port= out to keep each port");
        }
        return new RoutingRule(action, host, ports[0], ports[1], target == null ? null : target.arrayPath(),
                target == null || anyPort ? -1 : target.port(), policy, body);
    }

    private static int[] parsePorts(String s) {
        if (s.equals("*")) {
            return new int[] {0, ArraySocketAddress.MAX_PORT};
        }
        int dash = s.indexOf('-');
        int first = Integer.parseInt(dash < 0 ? s : s.substring(0, dash));
        int last = dash < 0 ? first : Integer.parseInt(s.substring(dash + 1));
        if (first < 0 || last > ArraySocketAddress.MAX_PORT || first > last) {
            throw new IllegalArgumentException("bad port range '" + s + "'");
        }
        return new int[] {first, last};
    }

    /** The first rule covering {@code host}:{@code port}, if any. */
    public Optional<RoutingRule> match(RoutingRule.Action action, String host, int port) {
        for (RoutingRule r : rules) {
            if (r.matches(action, host, port)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    public List<RoutingRule> rules() {
        return rules;
    }

    @Override
    public String toString() {
        return rules.toString();
    }
}
