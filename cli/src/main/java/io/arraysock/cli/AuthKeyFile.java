package io.arraysock.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/**
 * {@code --auth-key-file}: the pre-shared key of an array connection, the file's bytes as
 * they are (a trailing newline is part of the key, so both sides must use the same file
 * contents). Like ssh's key files it must not be readable by group or others.
 */
final class AuthKeyFile {
    /** The library's minimum. */
    static final int MIN_BYTES = 16;
    static final int MAX_BYTES = 4096;
    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);

    private AuthKeyFile() {
    }

    static byte[] read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new CliException(ExitCode.NO_SUCH_PATH, "key file " + file + " does not exist (or is not a file)");
        }
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
        perms.retainAll(OTHERS);
        if (!perms.isEmpty()) {
            throw new CliException(ExitCode.PERMISSION_DENIED, "key file " + file + " is open to group or others: chmod 600 " + file);
        }
        long size = Files.size(file);
        if (size < MIN_BYTES || size > MAX_BYTES) {
            throw new CliException(ExitCode.USAGE, "key file " + file + " holds " + size + " bytes; a key is "
                    + MIN_BYTES + ".." + MAX_BYTES + " bytes (e.g. head -c 32 /dev/urandom > " + file + ")");
        }
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException gone) {
            throw new CliException(ExitCode.NO_SUCH_PATH, "key file " + file + " does not exist");
        }
    }
}
