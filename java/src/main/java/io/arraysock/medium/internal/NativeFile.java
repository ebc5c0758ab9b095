package io.arraysock.medium.internal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;

import java.io.Closeable;
import java.io.IOException;

import static io.arraysock.medium.internal.NativeConstants.*;

/**
 * An open file descriptor with what both media need of it: its size and kind, OFD locks,
 * whole reads and writes, and errors that name the call and the path.
 */
public final class NativeFile implements Closeable {
    private final String path;
    private final int fd;
    private volatile boolean closed;

    private NativeFile(String path, int fd) {
        this.path = path;
        this.fd = fd;
    }

    /** Opens {@code path} with {@code NativeConstants.OPEN_*} flags; {@code mode} applies on creation. */
    public static NativeFile open(String path, int flags, int mode) throws IOException {
        NativeLayer.ensureLoaded();
        try {
            return new NativeFile(path, NativeLayer.as_open(path, flags, mode));
        } catch (LastErrorException e) {
            throw NativeErrors.toIOException("open", path, e);
        }
    }

    /** Opens a POSIX shared-memory object by name ("/name"); {@code path} is for messages. */
    public static NativeFile openShm(String name, String path, int flags, int mode) throws IOException {
        NativeLayer.ensureLoaded();
        try {
            return new NativeFile(path, NativeLayer.as_shm_open(name, flags, mode));
        } catch (LastErrorException e) {
            throw NativeErrors.toIOException("shm_open", path, e);
        }
    }

    public String path() {
        return path;
    }

    public int fd() {
        return fd;
    }

    /** fstat, and for a block device its size and block sizes (BLKGETSIZE64, BLKSSZGET, BLKPBSZGET). */
    public FileInfo stat() throws IOException {
        try (Memory m = new Memory(FILE_INFO_SIZE)) {
            m.clear();
            NativeLayer.as_fstat(fd, m);
            return new FileInfo(m.getLong(FILE_INFO_DEV_OFFSET), m.getLong(FILE_INFO_INO_OFFSET),
                    m.getLong(FILE_INFO_RDEV_OFFSET), m.getLong(FILE_INFO_SIZE_OFFSET),
                    m.getInt(FILE_INFO_MODE_OFFSET), m.getInt(FILE_INFO_IS_BLOCK_OFFSET) != 0,
                    m.getInt(FILE_INFO_LBS_OFFSET), m.getInt(FILE_INFO_PBS_OFFSET));
        } catch (LastErrorException e) {
            throw NativeErrors.toIOException("fstat", path, e);
        }
    }

    /** statfs(path).f_type: the magic number of the file system holding {@code path}. */
    public static long fileSystemType(String path) throws IOException {
        NativeLayer.ensureLoaded();
        try {
            return NativeLayer.as_statfs_type(path);
        } catch (LastErrorException e) {
            throw NativeErrors.toIOException("statfs", path, e);
        }
    }

    public void truncate(long size) throws IOException {
        try {
            NativeLayer.as_ftruncate(fd, size);
        } catch (LastErrorException e) {
            throw NativeErrors.toIOException("ftruncate(" + size + ")", path, e);
        }
    }

    /**
     * Backs [offset, offset + length) with real pages (tmpfs) or blocks now, so that no later
     * touch of it can fail for want of space.
     *
     * @throws io.arraysock.api.NoSpaceException when the file system cannot hold it (ENOSPC)
     */
    public void allocate(long offset, long length) throws IOException {
        try {
            NativeLayer.as_fallocate(fd, offset, length);
        } catch (LastErrorException e) {
            throw NativeErrors.toIOException("fallocate(" + length + " bytes at " + offset + ")", path, e);
        }
    }

    public void chmod(int mode) throws IOException {
        try {
            NativeLayer.as_fchmod(fd, mode);
        } catch (LastErrorException e) {
            throw NativeErrors.toIOException("fchmod(0" + Integer.toOctalString(mode) + ")", path, e);
        }
    }

    /** Maps [offset, offset + length) shared, read-write; returns the address. */
    public long map(long offset, long length) throws IOException {
        try {
            return NativeLayer.as_mmap(fd, length, offset);
        } catch (LastErrorException e) {
            throw NativeErrors.toIOException("mmap(" + length + " bytes at " + offset + ")", path, e);
        }
    }

    /** Maps [offset, offset + length) shared, read-only (the file may be open read-only); returns the address. */
    public long mapReadOnly(long offset, long length) throws IOException {
        try {
            return NativeLayer.as_mmap_readonly(fd, length, offset);
        } catch (LastErrorException e) {
            throw NativeErrors.toIOException("mmap(PROT_READ, " + length + " bytes at " + offset + ")", path, e);
        }
    }

    /**
     * Reads exactly {@code length} bytes at {@code offset} into native memory at {@code buffer}.
     *
     * @throws io.arraysock.api.StoragePathFailedException when the device fails the read
     *     (or ends before it)
     */
    public void pread(long buffer, long length, long offset) throws IOException {
        try {
            NativeLayer.as_pread(fd, buffer, length, offset);
        } catch (LastErrorException e) {
            throw NativeErrors.ioFailed("pread", path, offset, length, e);
        }
    }

    /**
     * Writes exactly {@code length} bytes from native memory at {@code buffer} to {@code offset}.
     *
     * @throws io.arraysock.api.StoragePathFailedException when the device fails the write
     */
    public void pwrite(long buffer, long length, long offset) throws IOException {
        try {
            NativeLayer.as_pwrite(fd, buffer, length, offset);
        } catch (LastErrorException e) {
            throw NativeErrors.ioFailed("pwrite", path, offset, length, e);
        }
    }

    /**
     * {@link #pwrite}, refused (ENXIO, nothing written) unless the whole range lies within
     * the file's current size: for a regular file, which a write past its end would extend.
     *
     * @throws io.arraysock.api.StoragePathFailedException when the range is past the end or
     *     the device fails the write
     */
    public void pwriteWithin(long buffer, long length, long offset) throws IOException {
        try {
            NativeLayer.as_pwrite_within(fd, buffer, length, offset);
        } catch (LastErrorException e) {
            throw NativeErrors.ioFailed("pwrite", path, offset, length, e);
        }
    }

    /** F_OFD_SETLK write lock on one byte; false if another open file description holds it. */
    public boolean tryLock(long index) throws IOException {
        try {
            NativeLayer.as_ofd_lock(fd, index, 1, 1);
            return true;
        } catch (LastErrorException e) {
            if (e.getErrorCode() == NativeErrors.EAGAIN || e.getErrorCode() == NativeErrors.EACCES) {
                return false;
            }
            throw NativeErrors.toIOException("fcntl(F_OFD_SETLK, byte " + index + ")", path, e);
        }
    }

    public void unlock(long index) throws IOException {
        try {
            NativeLayer.as_ofd_unlock(fd, index, 1);
        } catch (LastErrorException e) {
            throw NativeErrors.toIOException("fcntl(F_OFD_SETLK unlock, byte " + index + ")", path, e);
        }
    }

    /** F_OFD_GETLK: whether another open file description holds a lock on the byte. */
    public boolean isLockedElsewhere(long index) throws IOException {
        try {
            return NativeLayer.as_ofd_probe(fd, index, 1) == LOCK_HELD;
        } catch (LastErrorException e) {
            throw NativeErrors.toIOException("fcntl(F_OFD_GETLK, byte " + index + ")", path, e);
        }
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            NativeLayer.as_close(fd);
        } catch (LastErrorException e) {
            throw NativeErrors.toIOException("close", path, e);
        }
    }
}
