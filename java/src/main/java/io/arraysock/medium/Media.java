package io.arraysock.medium;

import io.arraysock.medium.internal.NativeConstants;
import io.arraysock.medium.internal.NativeFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opens whichever medium a path names: a block device is a {@link BlockMedium}; a file on
 * tmpfs ({@code /dev/shm/NAME}, or any tmpfs) is a {@link ShmMedium}, mapped; any other
 * regular file is a {@link BlockMedium} with {@code O_DIRECT} (for tests).
 */
public final class Media {
    /** File type bits of st_mode (sys/stat.h). */
    private static final int S_IFMT = 0170000;
    private static final int S_IFBLK = 0060000;
    private static final int S_IFREG = 0100000;

    private Media() {
    }

    /**
     * Opens an existing medium by path.
     *
     * @throws java.nio.file.NoSuchFileException if the path does not exist
     * @throws IOException if it is neither a block device nor a regular file, or as
     *                     {@link BlockMedium#open} and {@link ShmMedium#open} say
     */
    public static Medium open(String path) throws IOException {
        return open(path, false);
    }

    /**
     * Opens an existing medium to look at only, so that one may inspect an array one cannot
     * write: a segment is mapped read-only, a block device (or disk file) opened read-only.
     */
    public static Medium openToInspect(String path) throws IOException {
        return open(path, true);
    }

    private static Medium open(String path, boolean inspectOnly) throws IOException {
        // st_mode through the JDK's "unix" view: a missing path is its NoSuchFileException
        int type = (Integer) Files.getAttribute(Path.of(path), "unix:mode") & S_IFMT;
        if (type == S_IFBLK) {
            // checked first: device nodes live on devtmpfs, which reports tmpfs's magic
            return inspectOnly ? BlockMedium.openReadOnly(path) : BlockMedium.open(path);
        }
        if (type != S_IFREG) {
            throw new IOException(path + " is neither a block device nor a regular file (file type 0"
                    + Integer.toOctalString(type) + ")");
        }
        if (isOnTmpfs(path)) {
            return inspectOnly ? ShmMedium.openReadOnly(path) : ShmMedium.open(path);
        }
        return inspectOnly ? BlockMedium.openReadOnly(path) : BlockMedium.open(path);
    }

    /**
     * Closes {@code medium} after {@code failure} ended the opening of an array on it
     * (attach, inspect) and returns the exception to throw: the I/O error a
     * {@link MediumFaultException} carries, else {@code failure} itself, with a failure of
     * the close suppressed in it. A runtime exception (a bug) is thrown from here.
     */
    public static IOException closeAfterFailedOpen(Medium medium, Exception failure) {
        Exception thrown = MediumFaultException.unwrap(failure);
        try {
            medium.close();
        } catch (IOException ce) {
            thrown.addSuppressed(ce);
        }
        if (thrown instanceof RuntimeException r) {
            throw r;
        }
        return (IOException) thrown;
    }

    /**
     * Whether {@code path} lives on tmpfs, where a file is a shared-memory segment (statfs's
     * magic; for a path that does not exist yet, its directory's). THE tmpfs test: opening
     * and formatting both ask it.
     */
    public static boolean isOnTmpfs(String path) {
        Path p = Path.of(path).toAbsolutePath();
        Path where = Files.exists(p) ? p : p.getParent();
        try {
            return where != null && NativeFile.fileSystemType(where.toString()) == NativeConstants.TMPFS_MAGIC;
        } catch (IOException unreadable) {
            return false;
        }
    }
}
