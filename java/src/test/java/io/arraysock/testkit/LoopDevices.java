package io.arraysock.testkit;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The loop devices that block-medium tests run on, attached by {@code scripts/loopdev.sh}
 * (CI does it in {@code .ci/run}) and named by the environment:
 * {@code ARRAYSOCK_LOOP_A} and {@code ARRAYSOCK_LOOP_B}, two loop devices over one backing
 * file, both with {@code --direct-io=on}: two "hosts" with separate caches.
 *
 * <p>Where they are absent a test is skipped with the reason (said once on the console too), except in CI
 * ({@code -Darraysock.test.requireLoop=true}, set from {@code $CI}), where absence fails.
 */
public final class LoopDevices {
    /** Whether this JVM said on the console why block-medium tests are skipped (once: not per test). */
    private static final AtomicBoolean TOLD = new AtomicBoolean();

    private LoopDevices() {
    }

    /** Two device nodes onto the same storage. */
    public record Pair(String first, String second) {
    }

    public static Pair pair() {
        return new Pair(device("ARRAYSOCK_LOOP_A"), device("ARRAYSOCK_LOOP_B"));
    }

    /** One loop device (the pair's first). */
    public static String single() {
        return device("ARRAYSOCK_LOOP_A");
    }

    /** Whether this process may create network namespaces (root). */
    public static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static String device(String variable) {
        String path = System.getenv(variable);
        String why = null;
        if (path == null || path.isEmpty()) {
            why = variable + " is not set: run 'sudo scripts/loopdev.sh attach' and export what it prints";
        } else if (!Files.exists(Path.of(path))) {
            why = variable + "=" + path + " does not exist";
        } else if (!Files.isReadable(Path.of(path)) || !Files.isWritable(Path.of(path))) {
            why = variable + "=" + path + " is not readable and writable by " + System.getProperty("user.name");
        }
        if (why != null) {
            if (Boolean.getBoolean("arraysock.test.requireLoop")) {
                throw new AssertionError("block-medium tests must run in CI, but " + why);
            }
            String reason = "needs loop devices (root): " + why;
            if (TOLD.compareAndSet(false, true)) {
                // surefire keeps an abort's reason in its XML only: say it where people look
                System.err.println("arraysock: block-medium tests are skipped: " + reason);
            }
            Assumptions.abort(reason);
        }
        return path;
    }
}
