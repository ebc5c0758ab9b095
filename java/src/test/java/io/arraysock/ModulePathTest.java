package io.arraysock;

import io.arraysock.testkit.ChildJvm;
import io.arraysock.testkit.ShmSegments;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The library as a named module (module-info.java): a consumer module that requires
 * {@code io.arraysock} compiles against the exported API and runs a connection on the
 * module path (JNA finds the C layer, the opened package lets it bind); a consumer that
 * reaches into an implementation package does not compile.
 */
class ModulePathTest {
    @RegisterExtension
    final ShmSegments segments = new ShmSegments();

    @Test
    void consumerModuleRunsOnTheModulePath(@TempDir Path dir) throws Exception {
        Path src = writeConsumer(dir.resolve("src"), """
                package smoke;

                import io.arraysock.FormatOptions;
                import io.arraysock.StorageArray;
                import io.arraysock.ArraySocket;
                import io.arraysock.api.SocketType;
                import java.nio.ByteBuffer;

                public final class Smoke {
                    public static void main(String[] args) throws Exception {
                        StorageArray.format(args[0], FormatOptions.defaults().withNodeSlots(2).withSocketsPerNode(4).withArenaSize(256 * 1024));
                        try (StorageArray array = StorageArray.attach(args[0]);
                             ArraySocket listener = array.openSocket(SocketType.STREAM);
                             ArraySocket client = array.openSocket(SocketType.STREAM)) {
                            listener.bind(0);
                            listener.listen(1);
                            client.connect(listener.localPort());
                            try (ArraySocket server = listener.accept()) {
                                client.send(ByteBuffer.wrap("over the module path".getBytes()));
                                ByteBuffer in = ByteBuffer.allocate(64);
                                server.receive(in);
                                System.out.println("received: " + new String(in.array(), 0, in.position()));
                            }
                        }
                        System.out.println("module: " + StorageArray.class.getModule().getName());
                    }
                }
                """);
        Path out = dir.resolve("out");
        List<String> errors = compile(src, out);
        assertTrue(errors.isEmpty(), () -> "the consumer module did not compile: " + errors);

        String path = segments.next();
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                ChildJvm.NATIVE_ACCESS.replace("ALL-UNNAMED", "io.arraysock,com.sun.jna"),
                "--module-path", modulePath() + File.pathSeparator + out,
                "-m", "smoke/smoke.Smoke", path);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the module-path JVM did not finish");
        assertEquals(0, p.exitValue(), () -> "the module-path JVM failed:\n" + output);
        assertTrue(output.contains("received: over the module path"), output);
        assertTrue(output.contains("module: io.arraysock"), () -> "the library did not run as a named module:\n" + output);
    }

    @Test
    void implementationPackagesAreNotExported(@TempDir Path dir) throws Exception {
        Path src = writeConsumer(dir.resolve("src"), """
                package smoke;

                public final class Smoke {
                    static final Class<?> CORE = io.arraysock.socket.SocketCore.class;
                }
                """);
        List<String> errors = compile(src, dir.resolve("out"));
        assertFalse(errors.isEmpty(), "a consumer module compiled against io.arraysock.socket, which must not be exported");
        assertTrue(errors.stream().anyMatch(e -> e.contains("io.arraysock.socket") && e.contains("not")),
                () -> "unexpected diagnostics: " + errors);
    }

    /** The library's classes (an exploded module) and JNA, as this test JVM has them. */
    private static String modulePath() {
        String jna = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> Path.of(e).getFileName().toString().startsWith("jna-"))
                .findFirst().orElseThrow(() -> new AssertionError("no JNA jar on the test class path"));
        Path classes = Path.of("target", "classes").toAbsolutePath();
        assertTrue(Files.exists(classes.resolve("module-info.class")), "no module-info.class in " + classes);
        return classes + File.pathSeparator + jna;
    }

    private static Path writeConsumer(Path src, String smoke) throws IOException {
        Files.createDirectories(src.resolve("smoke"));
        Files.writeString(src.resolve("module-info.java"), "module smoke { requires io.arraysock; }\n");
        Files.writeString(src.resolve("smoke").resolve("Smoke.java"), smoke);
        return src;
    }

    /**
     * Compiles the consumer module with this JDK's javac (a process: the test classes are
     * patched into io.arraysock, which does not read java.compiler); returns its error
     * lines (empty: it compiled).
     */
    private static List<String> compile(Path src, Path out) throws Exception {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "javac").toString(),
                "--module-path", modulePath(), "-d", out.toString(),
                src.resolve("module-info.java").toString(), src.resolve("smoke").resolve("Smoke.java").toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "javac did not finish");
        return p.exitValue() == 0 ? List.of() : output.lines().filter(l -> l.contains("error")).toList();
    }
}
