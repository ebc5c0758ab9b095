package io.arraysock.medium.internal;

import com.sun.jna.LastErrorException;
import io.arraysock.api.NoSpaceException;
import io.arraysock.api.StoragePathFailedException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;

/** Turns an errno from the C layer into the {@code IOException} the JDK would throw. */
public final class NativeErrors {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int EACCES = 13;
    public static final int EFAULT = 14;
    public static final int EEXIST = 17;
    public static final int ENOTDIR = 20;
    public static final int EINVAL = 22;
    public static final int ENOSPC = 28;

    private NativeErrors() {
    }

    /** The C library's text for an errno, e.g. "Permission denied". */
    public static String describe(int errno) {
        byte[] buf = new byte[256];
        NativeLayer.as_strerror(errno, buf, buf.length);
        int n = 0;
        while (n < buf.length && buf[n] != 0) {
            n++;
        }
        return new String(buf, 0, n, StandardCharsets.UTF_8);
    }

    /**
     * An exception naming the call, the path and the errno text: "open /dev/sdb: Permission
     * denied (errno 13)". Missing paths, refused permissions and existing files become the
     * JDK's own {@code FileSystemException} subclasses.
     */
    public static IOException toIOException(String call, String path, LastErrorException e) {
        int errno = e.getErrorCode();
        String reason = describe(errno) + " (errno " + errno + ")";
        IOException io = switch (errno) {
            case ENOENT, ENOTDIR -> new NoSuchFileException(path, null, call + ": " + reason);
            case EACCES, EPERM -> new AccessDeniedException(path, null, call + ": " + reason);
            case EEXIST -> new FileAlreadyExistsException(path, null, call + ": " + reason);
            case ENOSPC -> new NoSpaceException(path, call + ": " + reason);
            default -> new IOException(call + " " + path + ": " + reason);
        };
        io.initCause(e);
        return io;
    }

    /**
     * The exception for a failed read or write of {@code length} bytes at {@code offset}: a
     * {@link StoragePathFailedException} when the device refused it (EIO, ENXIO, ENOSPC, ...),
     * a plain IOException for what only a bug in this process causes (a bad buffer,
     * alignment or descriptor: EFAULT, EINVAL, EBADF).
     */
    public static IOException ioFailed(String call, String path, long offset, long length, LastErrorException e) {
        int errno = e.getErrorCode();
        String reason = describe(errno) + " (errno " + errno + ")";
        IOException io = switch (errno) {
            case EFAULT, EINVAL, EBADF -> new IOException(call + " of " + length + " bytes at offset " + offset + " of "
                    + path + ": " + reason);
            default -> new StoragePathFailedException(path, call, offset, length, reason);
        };
        io.initCause(e);
        return io;
    }
}
