package io.arraysock.testkit;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A JVM like this one run as user and group 65534 (nobody) through {@code setpriv}: for
 * tests of what an unprivileged user may do. Root only. Classpath entries nobody could
 * read (jars under /root) are copied into a scratch directory first.
 */
public final class Unprivileged {
    public static final int UID = 65534;

    private Unprivileged() {
    }

    /**
     * {@code setpriv ... java -cp <readable copy> main args}, using {@code scratch} (made
     * world-readable) for the copies, JNA's temporary files and user.home.
     */
    public static List<String> javaCommand(Path scratch, Class<?> main, String... args) throws IOException {
        Path jna = Files.createDirectories(scratch.resolve("jna"));
        String cp = worldReadableClasspath(scratch);
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=" + UID, "--regid=" + UID, "--clear-groups",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m", "-XX:+UseSerialGC",
                ChildJvm.NATIVE_ACCESS, "-Djna.tmpdir=" + jna, "-Duser.home=" + scratch, "-cp", cp, main.getName()));
        cmd.addAll(List.of(args));
        run("chmod", "-R", "a+rwX", scratch.toString());
        return cmd;
    }

    /** The test classpath, with entries the unprivileged child cannot read (under /root) copied into {@code dir}. */
    private static String worldReadableClasspath(Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        int i = 0;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry);
            if (entry.startsWith("/root") && Files.isRegularFile(p)) {
                Path copy = dir.resolve(i++ + "-" + p.getFileName());
                Files.copy(p, copy);
                out.add(copy.toString());
            } else {
                out.add(entry);
            }
        }
        return String.join(File.pathSeparator, out);
    }

    public static void run(String... cmd) throws IOException {
        try {
            Process p = new ProcessBuilder(cmd).inheritIO().start();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("failed: " + String.join(" ", cmd));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
