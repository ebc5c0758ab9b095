package io.arraysock.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line that starts another JVM like this one: same java, same classpath, and
 * native access enabled for JNA (JDK 24+ warn on stderr otherwise; JDK 17 accepts the flag).
 */
public final class JavaCommand {
    /** Lets JNA load the C layer without the JDK's restricted-method warning. */
    public static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";

    private JavaCommand() {
    }

    /** {@code java [options] NATIVE_ACCESS -cp <this classpath> main args...}. */
    public static List<String> of(List<String> jvmOptions, Class<?> main, String... args) {
        return of(jvmOptions, System.getProperty("java.class.path"), main, args);
    }

    /** As {@link #of(List, Class, String...)} with another classpath. */
    public static List<String> of(List<String> jvmOptions, String classpath, Class<?> main, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add(NATIVE_ACCESS);
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(main.getName());
        cmd.addAll(List.of(args));
        return cmd;
    }
}
