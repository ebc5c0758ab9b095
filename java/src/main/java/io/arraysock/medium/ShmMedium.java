package io.arraysock.medium;

import io.arraysock.api.NoSpaceException;
import io.arraysock.medium.internal.FileIdentity;
import com.sun.jna.LastErrorException;
import com.sun.jna.Pointer;
import io.arraysock.medium.internal.FileInfo;
import io.arraysock.medium.internal.GuardedCopy;
import io.arraysock.medium.internal.NativeErrors;
import io.arraysock.medium.internal.NativeFile;
import io.arraysock.medium.internal.NativeLayer;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ReadOnlyBufferException;
import java.util.Objects;

/**
 * A shared-memory segment ({@code /dev/shm/NAME}, or any file on tmpfs) mapped shared into
 * this process. Words are read and written from Java through {@link VarHandle}s on direct
 * buffer views of the mapping, so the hot path makes no JNA call and no system call; only
 * {@link #awaitChange} and {@link #wake} enter the kernel (futex on the shared word).
 *
 * <p>The mapping is seen through windows of {@value #WINDOW_SHIFT}-bit size, because a
 * {@code ByteBuffer} holds at most 2 GiB; words are aligned, so none straddles a window.
 * Sector ownership is not enforced here (it would cost the hot path a lookup); the block
 * medium enforces it and the same protocol runs on both.
 */
public final class ShmMedium implements Medium {
    /** futex_waitv's limit on words (Linux: FUTEX_WAITV_MAX). */
    public static final int MAX_WAITV = 128;
    private static final int ENOSYS = 38;
    /** False once the kernel said ENOSYS (before Linux 5.16): one word at a time from then on. */
    private static volatile boolean waitvWorks = true;
    /** Each waiting thread's absolute addresses for futex_waitv, reused (no allocation per sleep). */
    private static final ThreadLocal<long[]> WAITV_ADDRESSES = ThreadLocal.withInitial(() -> new long[MAX_WAITV]);

    /** 1 GiB windows. */
    static final int WINDOW_SHIFT = 30;
    private static final long WINDOW_MASK = (1L << WINDOW_SHIFT) - 1;
    static final int SECTOR_SIZE = 512;
    private static final int DEFAULT_MODE = 0600;

    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INTS = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private final NativeFile file;
    private final FileIdentity identity;
    private final long address;
    private final long size;
    private final ByteBuffer[] windows;
    /** Opened to look only (status): a write is a {@link ReadOnlyBufferException}, never a fault. */
    private final boolean readOnly;
    private volatile boolean closed;
    /**
     * {@link GuardedCopy#faultCount()} when last found harmless; see {@link #surfaceLateFault}.
     * {@link #TRUNCATED} once the segment was found truncated: every later check fails.
     */
    private volatile long faultsSeen = GuardedCopy.faultCount();
    private static final long TRUNCATED = -1;
    /** What a fault counted since {@link #faultsSeen} means for this segment. */
    private final LateFaults lateFaults = new LateFaults(this);

    private ShmMedium(NativeFile file, FileIdentity identity, long address, long size, boolean readOnly) {
        this.file = file;
        this.identity = identity;
        this.address = address;
        this.size = size;
        this.readOnly = readOnly;
        int count = (int) ((size + WINDOW_MASK) >>> WINDOW_SHIFT);
        this.windows = new ByteBuffer[count];
        Pointer base = new Pointer(address);
        for (int i = 0; i < count; i++) {
            long start = (long) i << WINDOW_SHIFT;
            long length = Math.min(1L << WINDOW_SHIFT, size - start);
            ByteBuffer w = base.getByteBuffer(start, length);
            windows[i] = (readOnly ? w.asReadOnlyBuffer() : w).order(ByteOrder.LITTLE_ENDIAN);
        }
    }

    /**
     * Creates a new segment of {@code size} bytes, zero-filled, with permission bits
     * {@code mode} (e.g. 0600, 0660), and maps it. Its pages are allocated as they are first
     * touched, unless {@code preallocate}: then all of them now.
     *
     * @throws java.nio.file.FileAlreadyExistsException if it exists
     * @throws NoSpaceException if its file system has fewer than {@code size} bytes free (a
     *         sparse segment larger than that would fault when touched), or cannot allocate it
     */
    public static ShmMedium create(String path, long size, int mode, boolean preallocate) throws IOException {
        return ShmFiles.create(path, size, mode, preallocate);
    }

    /** Creates a segment whose pages are allocated when first touched. */
    public static ShmMedium create(String path, long size, int mode) throws IOException {
        return create(path, size, mode, false);
    }

    /** Creates a segment with mode 0600. */
    public static ShmMedium create(String path, long size) throws IOException {
        return create(path, size, DEFAULT_MODE);
    }

    /** Allocates every page of the segment now, so that no later touch can fault for want of space. */
    public void preallocate() throws IOException {
        if (readOnly) {
            throw new ReadOnlyBufferException();
        }
        file.allocate(0, size);
    }

    /** Maps an existing segment, whole. */
    public static ShmMedium open(String path) throws IOException {
        return ShmFiles.open(path, false);
    }

    /**
     * Maps an existing segment read-only: to look at an array one may not write (a 0644
     * segment of another user), as {@code status} does. Every write throws.
     */
    public static ShmMedium openReadOnly(String path) throws IOException {
        return ShmFiles.open(path, true);
    }

    /** Removes a segment's name; processes that mapped it keep their mapping. */
    public static void unlink(String path) throws IOException {
        ShmFiles.unlink(path);
    }

    /** Maps {@code size} bytes of the open segment {@code f}: the medium over it. */
    static ShmMedium map(NativeFile f, long size, boolean readOnly) throws IOException {
        FileInfo info = f.stat();
        long address = readOnly ? f.mapReadOnly(0, size) : f.map(0, size);
        return new ShmMedium(f, info.identity(), address, size, readOnly);
    }

    @Override
    public Kind kind() {
        return Kind.SHM;
    }

    @Override
    public RingPolicy ringPolicy() {
        return RingPolicy.SHARED_MEMORY;
    }

    @Override
    public String path() {
        return file.path();
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public int sectorSize() {
        return SECTOR_SIZE;
    }

    @Override
    public FileIdentity identity() {
        return identity;
    }

    /** Where {@code offset} falls in its window. */
    private static int windowIndex(long offset) {
        return (int) (offset & WINDOW_MASK);
    }

    /** How many of {@code left} bytes from {@code offset} lie in its window (a copy splits at each window's end). */
    private static int windowChunk(long offset, int left) {
        return (int) Math.min(left, (1L << WINDOW_SHIFT) - windowIndex(offset));
    }

    /**
     * Copies {@code length} bytes between the mapping at {@code offset} and {@code buf} at
     * {@code at}, window by window: into the mapping when {@code toMedium}, else out of it.
     * Returns the position in {@code buf} after the last byte. No fence: the caller's.
     */
    private int copy(long offset, ByteBuffer buf, int at, int length, boolean toMedium) {
        for (int chunk; length > 0; offset += chunk, at += chunk, length -= chunk) {
            chunk = windowChunk(offset, length);
            if (toMedium) {
                window(offset).put(windowIndex(offset), buf, at, chunk);
            } else {
                buf.put(at, window(offset), windowIndex(offset), chunk);
            }
        }
        return at;
    }

    /** {@link #copy(long, ByteBuffer, int, int, boolean)} for an array. */
    private void copy(long offset, byte[] array, int at, int length, boolean toMedium) {
        for (int chunk; length > 0; offset += chunk, at += chunk, length -= chunk) {
            chunk = windowChunk(offset, length);
            if (toMedium) {
                window(offset).put(windowIndex(offset), array, at, chunk);
            } else {
                window(offset).get(windowIndex(offset), array, at, chunk);
            }
        }
    }

    private ByteBuffer window(long offset) {
        checkOpen();
        return windows[(int) (offset >>> WINDOW_SHIFT)];
    }

    private void checkWord(long offset, int width) {
        Objects.checkFromIndexSize(offset, width, size);
        if ((offset & (width - 1)) != 0) {
            throw new IllegalArgumentException("unaligned " + width + "-byte word at " + offset);
        }
    }

    @Override
    public int getIntAcquire(long offset) {
        checkWord(offset, Integer.BYTES);
        return (int) INTS.getAcquire(window(offset), (int) (offset & WINDOW_MASK));
    }

    @Override
    public long getLongAcquire(long offset) {
        checkWord(offset, Long.BYTES);
        return (long) LONGS.getAcquire(window(offset), (int) (offset & WINDOW_MASK));
    }

    @Override
    public void putIntRelease(long offset, int value) {
        checkWord(offset, Integer.BYTES);
        INTS.setRelease(window(offset), (int) (offset & WINDOW_MASK), value);
    }

    @Override
    public void putLongRelease(long offset, long value) {
        checkWord(offset, Long.BYTES);
        LONGS.setRelease(window(offset), (int) (offset & WINDOW_MASK), value);
    }

    @Override
    public void fullFence() {
        VarHandle.fullFence();
    }

    @Override
    public void readAcquire(long offset, ByteBuffer dst) {
        int length = dst.remaining();
        Objects.checkFromIndexSize(offset, length, size);
        if (GuardedCopy.worthIt(dst, length)) {
            checkOpen();
            if (dst.isReadOnly()) {
                throw new ReadOnlyBufferException(); // as ByteBuffer.put would: the native copy would not check
            }
            GuardedCopy.copy(GuardedCopy.destinationAddressOf(dst), address + offset, length);
            dst.position(dst.position() + length);
            VarHandle.acquireFence();
            return;
        }
        dst.position(copy(offset, dst, dst.position(), length, false));
        VarHandle.acquireFence();
    }

    @Override
    public void readAcquire(long offset, byte[] dst, int dstOffset, int length) {
        Objects.checkFromIndexSize(dstOffset, length, dst.length);
        Objects.checkFromIndexSize(offset, length, size);
        copy(offset, dst, dstOffset, length, false);
        VarHandle.acquireFence();
    }

    @Override
    public void writeRelease(long offset, ByteBuffer src) {
        int length = src.remaining();
        Objects.checkFromIndexSize(offset, length, size);
        VarHandle.releaseFence();
        if (GuardedCopy.worthIt(src, length)) {
            checkOpen();
            if (readOnly) {
                throw new ReadOnlyBufferException(); // the native copy would fault on a PROT_READ page
            }
            GuardedCopy.copy(address + offset, GuardedCopy.sourceAddressOf(src), length);
            src.position(src.position() + length);
            return;
        }
        src.position(copy(offset, src, src.position(), length, true));
    }

    @Override
    public void writeRelease(long offset, byte[] src, int srcOffset, int length) {
        Objects.checkFromIndexSize(srcOffset, length, src.length);
        Objects.checkFromIndexSize(offset, length, size);
        VarHandle.releaseFence();
        copy(offset, src, srcOffset, length, true);
    }

    /**
     * A slice of the window that holds the range, little-endian; null when the range crosses
     * a window's end (a {@code ByteBuffer} spans one window at most). A thread that keeps it
     * past {@link #close} touches the private memory that replaced the mapping, never a
     * fault; one that touches it after the segment was truncated faults as any access does,
     * and {@link #surfaceLateFault} reports it.
     */
    @Override
    public ByteBuffer view(long offset, int length) {
        Objects.checkFromIndexSize(offset, length, size);
        if (length > 0 && offset >>> WINDOW_SHIFT != (offset + length - 1) >>> WINDOW_SHIFT) {
            return null;
        }
        return window(offset).slice(windowIndex(offset), length).order(ByteOrder.LITTLE_ENDIAN);
    }

    // ---- extents (chunk records of checksummed rings: plain copies) ------------------------

    /** A direct buffer from the heap's allocator: shm needs no alignment for its copies. */
    @Override
    public ByteBuffer allocateExtentBuffer(int size) {
        return ByteBuffer.allocateDirect(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** {@link #writeRelease}: a copy into the mapping, of any offset and length (a copy needs no whole sectors). */
    @Override
    public void writeExtent(long offset, ByteBuffer src) {
        writeRelease(offset, src);
    }

    /** {@link #readAcquire}: a copy out of the mapping, of any offset and length. */
    @Override
    public void readExtent(long offset, ByteBuffer dst) {
        readAcquire(offset, dst);
    }

    @Override
    public void own(long offset, long length) {
        Objects.checkFromIndexSize(offset, length, size);
    }

    @Override
    public void disown(long offset, long length) {
        Objects.checkFromIndexSize(offset, length, size);
    }

    @Override
    public void awaitChange(long offset, int expected, long timeoutNanos) {
        checkWord(offset, Integer.BYTES);
        checkOpen();
        try {
            NativeLayer.as_futex_wait(address + offset, expected, timeoutNanos);
        } catch (LastErrorException e) {
            throw new MediumFaultException(futexWaitFailed(offset, e));
        }
    }

    @Override
    public boolean awaitAnyChange(long[] offsets, int[] expected, int count, long timeoutNanos) {
        if (!waitvWorks || count <= 0 || count > MAX_WAITV) {
            return false;
        }
        checkOpen();
        long[] addresses = WAITV_ADDRESSES.get();
        for (int i = 0; i < count; i++) {
            checkWord(offsets[i], Integer.BYTES);
            addresses[i] = address + offsets[i];
        }
        try {
            NativeLayer.as_futex_waitv(addresses, expected, count, timeoutNanos);
            return true;
        } catch (LastErrorException e) {
            if (e.getErrorCode() == ENOSYS) {
                waitvWorks = false;
                return false;
            }
            throw new MediumFaultException(futexWaitFailed(offsets[0], e));
        }
    }

    /**
     * Why the kernel refused a futex wait: on a truncated segment (EFAULT: the word's page is
     * gone) the truncation, else an I/O error naming the errno.
     */
    private IOException futexWaitFailed(long offset, LastErrorException e) {
        IOException failed = new IOException("futex wait at offset " + offset + " of " + path() + ": "
                + NativeErrors.describe(e.getErrorCode()), e);
        try {
            checkIntact();
            return failed;
        } catch (IOException truncated) {
            truncated.addSuppressed(failed);
            return truncated;
        }
    }

    @Override
    public void wake(long offset) {
        checkWord(offset, Integer.BYTES);
        checkOpen();
        NativeLayer.as_futex_wake(address + offset, Integer.MAX_VALUE);
    }

    @Override
    public boolean tryLock(long index) throws IOException {
        return file.tryLock(index);
    }

    @Override
    public void unlock(long index) throws IOException {
        file.unlock(index);
    }

    @Override
    public boolean isLockedElsewhere(long index) throws IOException {
        return file.isLockedElsewhere(index);
    }

    /**
     * Detaches from the segment. The address range is not unmapped but replaced by private
     * anonymous memory (it stays reserved): a thread that still holds a view of the mapping
     * and misses the closed check can never fault the JVM.
     */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            NativeLayer.as_retire_mapping(address, size);
        } catch (LastErrorException e) {
            throw NativeErrors.toIOException("mmap(MAP_FIXED) over the closed segment", path(), e);
        } finally {
            file.close();
        }
    }

    @Override
    public void checkIntact() throws IOException {
        long now = file.stat().size();
        if (now < size) {
            throw new MediumTruncatedException(path(), now, size);
        }
    }

    @Override
    public void surfaceLateFault() {
        long faults = GuardedCopy.faultCount();
        if (faults != faultsSeen) {
            lateFault(faults);
        }
    }

    private void lateFault(long faults) {
        if (lateFaults.elsewhere()) {
            faultsSeen = faults; // the fault was somewhere else in this process
            return;
        }
        IOException truncated = lateFaults.truncation();
        faultsSeen = TRUNCATED; // sticky: a thread whose fault another thread counted first still drains its own
        throw new MediumFaultException(truncated);
    }

    private void checkOpen() {
        if (closed) {
            throw new MediumFaultException(new MediumClosedException(path()));
        }
    }

    @Override
    public String toString() {
        return "shm:" + path() + " (" + size + " bytes)";
    }
}
