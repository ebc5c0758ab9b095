package io.arraysock.medium;

import com.sun.jna.LastErrorException;
import io.arraysock.api.NoSpaceException;
import io.arraysock.medium.internal.FileInfo;
import io.arraysock.medium.internal.NativeConstants;
import io.arraysock.medium.internal.NativeErrors;
import io.arraysock.medium.internal.NativeFile;
import io.arraysock.medium.internal.NativeLayer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The files behind {@link ShmMedium}: creating a segment (checked against its file
 * system's free space first), opening one, removing its name. A path {@code /dev/shm/NAME}
 * is the POSIX shared-memory object {@code /NAME}; any other path (a file on tmpfs) is
 * opened as a file.
 */
final class ShmFiles {
    private static final String SHM_DIR = "/dev/shm/";

    private ShmFiles() {
    }

    /** See {@link ShmMedium#create(String, long, int, boolean)}. */
    static ShmMedium create(String path, long size, int mode, boolean preallocate) throws IOException {
        if (size <= 0 || size % ShmMedium.SECTOR_SIZE != 0) {
            throw new IllegalArgumentException("segment size must be a positive multiple of " + ShmMedium.SECTOR_SIZE + ": " + size);
        }
        checkRoomFor(path, size);
        NativeFile f = openFile(path, NativeConstants.OPEN_CREATE | NativeConstants.OPEN_EXCL, mode);
        try {
            f.chmod(mode); // the umask must not narrow what the caller asked for
            f.truncate(size);
            if (preallocate) {
                f.allocate(0, size);
            }
            return ShmMedium.map(f, size, false);
        } catch (IOException | RuntimeException e) {
            closeQuietly(f, e);
            unlinkQuietly(path, e); // ours: we created it exclusively
            throw e;
        }
    }

    /** Refuses a segment its tmpfs cannot hold: statvfs's free bytes for unprivileged users. */
    private static void checkRoomFor(String path, long size) throws IOException {
        long free = freeBytes(path);
        if (free >= 0 && size > free) {
            throw new NoSpaceException(path, "a segment of " + size + " bytes does not fit: its file system has "
                    + free + " bytes free");
        }
    }

    /** Free bytes of the file system that holds (or would hold) {@code path}; -1 when unknown. */
    static long freeBytes(String path) {
        Path p = Path.of(path).toAbsolutePath();
        Path probe = Files.exists(p) ? p : p.getParent();
        try {
            return probe == null ? -1 : Files.getFileStore(probe).getUsableSpace();
        } catch (IOException e) {
            return -1;
        }
    }

    /** See {@link ShmMedium#open} and {@link ShmMedium#openReadOnly}. */
    static ShmMedium open(String path, boolean readOnly) throws IOException {
        NativeFile f = openFile(path, readOnly ? NativeConstants.OPEN_RDONLY : 0, 0);
        try {
            FileInfo info = f.stat();
            if (!info.isRegularFile()) {
                throw new IOException(path + " is not a shared-memory segment or tmpfs file");
            }
            if (info.size() < ShmMedium.SECTOR_SIZE) {
                throw new IOException(path + " is too small to be an array: " + info.size() + " bytes");
            }
            return ShmMedium.map(f, info.size() - info.size() % ShmMedium.SECTOR_SIZE, readOnly);
        } catch (IOException | RuntimeException e) {
            closeQuietly(f, e);
            throw e;
        }
    }

    /** See {@link ShmMedium#unlink}. */
    static void unlink(String path) throws IOException {
        String name = shmName(path);
        NativeLayer.ensureLoaded();
        try {
            if (name != null) {
                NativeLayer.as_shm_unlink(name);
            } else {
                Files.delete(Path.of(path));
            }
        } catch (LastErrorException e) {
            throw NativeErrors.toIOException("shm_unlink", path, e);
        }
    }

    private static NativeFile openFile(String path, int flags, int mode) throws IOException {
        String name = shmName(path);
        return name != null ? NativeFile.openShm(name, path, flags, mode) : NativeFile.open(path, flags, mode);
    }

    /** "/dev/shm/x" is POSIX shared-memory object "/x"; other paths are opened as files. */
    private static String shmName(String path) {
        if (path.startsWith(SHM_DIR) && path.indexOf('/', SHM_DIR.length()) < 0 && path.length() > SHM_DIR.length()) {
            return "/" + path.substring(SHM_DIR.length());
        }
        return null;
    }

    private static void unlinkQuietly(String path, Exception primary) {
        try {
            unlink(path);
        } catch (IOException e) {
            primary.addSuppressed(e);
        }
    }

    private static void closeQuietly(NativeFile f, Exception primary) {
        try {
            f.close();
        } catch (IOException e) {
            primary.addSuppressed(e);
        }
    }

}
