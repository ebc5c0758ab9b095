package io.arraysock.medium.internal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * The C layer ({@code native/arraysock.c}), loaded once from the jar through JNA's
 * direct mapping. Every call that can fail throws {@link LastErrorException}; callers
 * turn that into an {@code IOException} with {@link NativeErrors}. JNA types stay in
 * this package.
 */
public final class NativeLayer {
    /** Set when loading failed; every use then throws it, wrapped, with the reason. */
    private static final Throwable LOAD_FAILURE = load();

    private NativeLayer() {
    }

    private static Throwable load() {
        if (!Platform.isLinux() || !Platform.is64Bit() || !"x86-64".equals(Platform.ARCH)) {
            return new UnsupportedOperationException("arraysock needs Linux on x86-64; this is "
                    + System.getProperty("os.name") + " on " + System.getProperty("os.arch"));
        }
        try {
            Native.register(NativeLayer.class, NativeLibrary.getInstance("arraysock"));
            return null;
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            return e;
        }
    }

    /**
     * Fails with a clear message when the C layer could not be loaded.
     *
     * @throws UnsupportedOperationException on a platform other than Linux x86-64
     * @throws UnsatisfiedLinkError when libarraysock.so is missing or broken
     */
    public static void ensureLoaded() {
        if (LOAD_FAILURE instanceof UnsupportedOperationException u) {
            throw new UnsupportedOperationException(u.getMessage(), u);
        }
        if (LOAD_FAILURE != null) {
            UnsatisfiedLinkError e = new UnsatisfiedLinkError("cannot load arraysock's C layer "
                    + "(linux-x86-64/libarraysock.so, normally inside the arraysock jar): " + LOAD_FAILURE.getMessage());
            e.initCause(LOAD_FAILURE);
            throw e;
        }
    }

    public static native long as_constant(int id) throws LastErrorException;

    public static native int as_open(String path, int flags, int mode) throws LastErrorException;

    public static native int as_shm_open(String name, int flags, int mode) throws LastErrorException;

    public static native int as_shm_unlink(String name) throws LastErrorException;

    public static native int as_close(int fd) throws LastErrorException;

    public static native int as_ftruncate(int fd, long size) throws LastErrorException;

    public static native int as_fchmod(int fd, int mode) throws LastErrorException;

    public static native int as_fallocate(int fd, long offset, long length) throws LastErrorException;

    public static native int as_fstat(int fd, Pointer info) throws LastErrorException;

    public static native long as_statfs_type(String path) throws LastErrorException;

    public static native long as_mmap(int fd, long length, long offset) throws LastErrorException;

    public static native long as_mmap_readonly(int fd, long length, long offset) throws LastErrorException;

    public static native int as_munmap(long address, long length) throws LastErrorException;

    public static native int as_retire_mapping(long address, long length) throws LastErrorException;

    public static native long as_anon_map(long length) throws LastErrorException;

    public static native long as_aligned_alloc(long alignment, long size) throws LastErrorException;

    public static native void as_free(long address);

    public static native long as_pread(int fd, long buffer, long length, long offset) throws LastErrorException;

    public static native long as_pwrite(int fd, long buffer, long length, long offset) throws LastErrorException;

    public static native long as_pwrite_within(int fd, long buffer, long length, long offset) throws LastErrorException;

    public static native int as_fdatasync(int fd) throws LastErrorException;

    public static native int as_futex_wait(long address, int expected, long timeoutNanos) throws LastErrorException;

    /** futex_waitv over {@code count} shared words (absolute addresses); ENOSYS before Linux 5.16. */
    public static native int as_futex_waitv(long[] addresses, int[] expected, int count, long timeoutNanos)
            throws LastErrorException;

    /** Hot path: no errno capture (a wake cannot fail on a valid mapped address). */
    public static native int as_futex_wake(long address, int count);

    public static native int as_ofd_lock(int fd, long offset, long length, int exclusive) throws LastErrorException;

    public static native int as_ofd_unlock(int fd, long offset, long length) throws LastErrorException;

    public static native int as_ofd_probe(int fd, long offset, long length) throws LastErrorException;

    public static native int as_copy_init() throws LastErrorException;

    /** Address of the count of SIGBUS signals passed on to the JVM's handler (an int64). */
    public static native long as_fault_counter();

    /** Hot path: no errno capture; returns -1 when a page vanished under the copy. */
    public static native int as_copy(long destination, long source, long length);

    public static native int as_strerror(int errnum, byte[] buffer, int length);
}
