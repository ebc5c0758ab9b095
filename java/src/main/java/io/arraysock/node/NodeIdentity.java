package io.arraysock.node;

import io.arraysock.medium.internal.FileIdentity;
import io.arraysock.medium.Medium;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.UUID;

/**
 * Who this attachment is, as written into its node record: a fresh random incarnation, the
 * pid, the host's boot id and name, and the identity of the opened medium (for OFD locks).
 */
public record NodeIdentity(long incarnation, int pid, UUID hostId, String hostName, FileIdentity lockIdentity) {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Path BOOT_ID = Path.of("/proc/sys/kernel/random/boot_id");
    private static final Path HOST_NAME = Path.of("/proc/sys/kernel/hostname");

    /** A new identity for attaching {@code medium} from this process; {@code hostName} null means this host's. */
    public static NodeIdentity local(Medium medium, String hostName) {
        long incarnation;
        do {
            incarnation = RANDOM.nextLong();
        } while (incarnation == 0);
        String name = hostName != null ? hostName : readLine(HOST_NAME, "unknown");
        return new NodeIdentity(incarnation, (int) ProcessHandle.current().pid(), bootId(), name, medium.identity());
    }

    /** The kernel's boot id: distinct per host (and per boot); zero if unreadable. */
    static UUID bootId() {
        try {
            return UUID.fromString(readLine(BOOT_ID, ""));
        } catch (IllegalArgumentException e) {
            return new UUID(0, 0);
        }
    }

    private static String readLine(Path p, String fallback) {
        try {
            return Files.readString(p, StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            return fallback;
        }
    }
}
