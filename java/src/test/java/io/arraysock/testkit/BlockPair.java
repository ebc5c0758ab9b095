package io.arraysock.testkit;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pairs of device nodes that cross-host block tests run on: two "hosts" sharing one
 * LUN, each through its own node with its own page cache. Attached outside the tests (CI
 * does it in {@code .ci/run}) and named by the environment.
 *
 * <p>Where a pair is absent its tests are skipped with the reason, except in CI, where
 * absence fails ({@code -Darraysock.test.requireLoop=true} and {@code requireNbd}, set
 * from {@code $CI}).
 */
public enum BlockPair {
    /** Two loop devices over one backing file, both {@code --direct-io=on} ({@code scripts/loopdev.sh}). */
    LOOP("loop pair", "scripts/loopdev.sh"),
    /**
     * Two hosts on NBD, each in its own network namespace with its own path to the array
     * ({@code scripts/nbdpair.sh}); it can inject {@link SanFaults} into either path.
     */
    NBD("NBD pair", "scripts/nbdpair.sh");

    /** The pairs this JVM said on the console it skips tests of (once each, not per test). */
    private static final Set<BlockPair> TOLD = ConcurrentHashMap.newKeySet();

    /** Two device nodes onto the same storage: the first for this process, the second for the other host. */
    public record Nodes(String first, String second) {
    }

    private final String description;
    private final String script;
    /** The environment's names of the pair start with it: {@code ARRAYSOCK_LOOP_A}, {@code ARRAYSOCK_NBD_B_FAIL}... */
    private final String variablePrefix = "ARRAYSOCK_" + name();
    /** The property that makes absence fail: {@code arraysock.test.requireLoop}, {@code requireNbd}. */
    private final String requiredProperty = "arraysock.test.require" + name().charAt(0) + name().substring(1).toLowerCase();

    BlockPair(String description, String script) {
        this.description = description;
        this.script = script;
    }

    /** The two nodes; skips the test (fails it in CI) when the pair is not attached. */
    public Nodes nodes() {
        return new Nodes(device(variablePrefix + "_A"), device(variablePrefix + "_B"));
    }

    /**
     * The fault controls of each host's path; skips (fails in CI) when the pair is not
     * attached or cannot inject faults.
     */
    public SanFaults faults() {
        nodes();
        if (this != NBD) {
            Assumptions.abort("the " + description + " cannot inject SAN faults");
        }
        return new SanFaults(control(variablePrefix + "_A_FAIL"), control(variablePrefix + "_A_PAUSE"),
                control(variablePrefix + "_B_FAIL"), control(variablePrefix + "_B_PAUSE"));
    }

    @Override
    public String toString() {
        return description;
    }

    private String device(String variable) {
        String path = System.getenv(variable);
        String why = null;
        if (path == null || path.isEmpty()) {
            why = variable + " is not set: run 'eval \"$(sudo " + script + " attach)\"'";
        } else if (!Files.exists(Path.of(path))) {
            why = variable + "=" + path + " does not exist";
        } else if (!Files.isReadable(Path.of(path)) || !Files.isWritable(Path.of(path))) {
            why = variable + "=" + path + " is not readable and writable by " + System.getProperty("user.name");
        }
        if (why != null) {
            unavailable(why);
        }
        return path;
    }

    private Path control(String variable) {
        String path = System.getenv(variable);
        if (path == null || path.isEmpty()) {
            unavailable(variable + " is not set: export every line '" + script + " attach' prints");
        }
        return Path.of(path);
    }

    private void unavailable(String why) {
        if (Boolean.getBoolean(requiredProperty)) {
            throw new AssertionError("the " + description + " tests must run in CI, but " + why);
        }
        String reason = "needs the " + description + " (root): " + why;
        if (TOLD.add(this)) {
            // surefire keeps an abort's reason in its XML only: say it, once, where people look
            System.err.println("arraysock: " + description + " tests are skipped: " + reason);
        }
        Assumptions.abort(reason);
    }
}
