package io.arraysock.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/**
 * This process's umask, so that files we store appear with the mode any program's would
 * (0666 minus the umask): the JDK creates temporary files 0600 and offers no umask call.
 */
final class Umask {
    private static final Path STATUS = Path.of("/proc/self/status");
    /** What most systems use, when the kernel does not say (before Linux 4.7). */
    private static final int FALLBACK = 022;

    private Umask() {
    }

    static int value() {
        try {
            for (String line : Files.readAllLines(STATUS, StandardCharsets.US_ASCII)) {
                if (line.startsWith("Umask:")) {
                    return Integer.parseInt(line.substring("Umask:".length()).trim(), 8);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // fall through
        }
        return FALLBACK;
    }

    /** 0666 & ~umask, as permissions. */
    static Set<PosixFilePermission> newFilePermissions() {
        return permissions(0666 & ~value());
    }

    /** Octal permission bits (0640) as the JDK's set. */
    static Set<PosixFilePermission> permissions(int bits) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = PosixFilePermission.values(); // OWNER_READ .. OTHERS_EXECUTE: 0400 down to 0001
        for (int i = 0; i < order.length; i++) {
            if ((bits & (0400 >> i)) != 0) {
                set.add(order[i]);
            }
        }
        return set;
    }
}
