package io.arraysock.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A network namespace of a test's own ({@code ip netns}, root only) with its loopback up: a
 * "host" whose processes reach no other host's sockets. Processes started through
 * {@link #command} run in it; the namespace is deleted on close.
 */
final class Netns implements AutoCloseable {
    private final String name;

    private Netns(String name) {
        this.name = name;
    }

    static Netns create(String role) throws IOException, InterruptedException {
        Netns ns = new Netns("arraysock-fwd-" + role + "-" + UUID.randomUUID().toString().substring(0, 8));
        Procs.run0("ip", "netns", "add", ns.name);
        Procs.run0("ip", "netns", "exec", ns.name, "ip", "link", "set", "lo", "up");
        return ns;
    }

    /** {@code cmd} as it runs in this namespace. */
    List<String> command(List<String> cmd) {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", name));
        all.addAll(cmd);
        return all;
    }

    List<String> command(String... cmd) {
        return command(List.of(cmd));
    }

    String name() {
        return name;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        Procs.run0("ip", "netns", "delete", name);
    }
}
