package io.arraysock.medium;

import io.arraysock.medium.internal.FileIdentity;
import com.sun.jna.LastErrorException;
import io.arraysock.medium.internal.AlignedBuffer;
import io.arraysock.medium.internal.FileInfo;
import io.arraysock.medium.internal.MappedBuffer;
import io.arraysock.medium.internal.NativeConstants;
import io.arraysock.medium.internal.NativeErrors;
import io.arraysock.medium.internal.NativeFile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ReadOnlyBufferException;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * A block device (a LUN several hosts attach) opened with {@code O_DIRECT}: every read and
 * write is an aligned {@code pread}/{@code pwrite} of whole sectors, and nothing goes
 * through this host's page cache, so a write is seen by every host that reads the sector
 * after it, whichever device node it opened. A regular file is accepted too, also with
 * {@code O_DIRECT} (for tests); a file system that refuses {@code O_DIRECT} is an error.
 *
 * <p><b>Ownership.</b> Each sector has one writer: the process that {@linkplain #own owns}
 * it. {@code own} reads the covering sectors once into a <i>shadow</i> in native memory;
 * a write changes the shadow, then rewrites exactly the touched sectors from it with one
 * {@code pwrite}, so the rest of each sector keeps what its owner last wrote. Writing any
 * sector not owned here is a bug and throws {@link IllegalStateException}. Reads inside
 * one owned range are served from the shadow (this process is the only writer there);
 * every other read goes to the device: foreign sectors are never cached.
 *
 * <p><b>Order.</b> I/O is synchronous, so program order is device order: a {@code Release}
 * write has reached the device when it returns, an {@code Acquire} read reads the device
 * when it is called, and {@link #fullFence()} has nothing to do. Within this process a lock
 * per owned range orders threads: a sector's shadow is not changed while it is written out.
 *
 * <p>There are no wake-ups on a disk: {@link #supportsWakeups()} is false and waiters poll.
 * Safe for many threads; each thread that reads foreign sectors keeps a bounce buffer
 * (growing to {@value #MAX_IO} bytes; longer reads are split) until {@link #close()}.
 *
 * <p>A read or write the device fails throws {@link MediumFaultException} carrying a
 * {@link io.arraysock.api.StoragePathFailedException} (device, offset, length, errno); {@link #own} throws
 * the latter itself.
 *
 * <p><b>Shrinking.</b> A medium found shorter than it was at open (a file truncated, a device
 * resized) is fenced for good: the failure carries a {@link MediumTruncatedException}
 * ("shrank to N bytes under this process (it had M)") instead, and every later write throws
 * it without touching the medium, so the process never writes to it again. Found by any
 * read or write that fails (it looks at the size then), by {@link #checkIntact}, and, for a
 * regular file, by every write: a {@code pwrite} past the end of a file extends it, so on a
 * regular file each write is refused unless it lies within the file's current size (one
 * {@code fstat} in the same native call; a device cannot grow, and its writes pay nothing).
 * A truncation between that {@code fstat} and the {@code pwrite} can still lose the race.
 *
 * <p>{@link #openReadOnly} opens to look only ({@code status}): every write and {@link #own}
 * throws {@link java.nio.ReadOnlyBufferException}, and the device need only be readable.
 */
public final class BlockMedium implements Medium {
    /** The protocol's unit of ownership; a device with larger logical blocks uses those. */
    private static final int MIN_SECTOR_SIZE = 512;
    /**
     * Buffer alignment: a page, or the sector if larger. O_DIRECT needs the device's logical
     * block size (or DMA alignment); a page satisfies both on every device we support.
     */
    private static final int MIN_BUFFER_ALIGNMENT = 4096;
    /** What anonymous memory from mmap is aligned to (x86-64). */
    private static final int PAGE_SIZE = 4096;
    /** Largest single read of foreign sectors: bounds each thread's bounce buffer. */
    static final int MAX_IO = 1 << 20;
    /** A first bounce buffer holds one 4 KiB sector: word reads never grow it. */
    private static final int INITIAL_BOUNCE = 4096;
    /** Smallest usable device: the superblock region alone is 4 KiB ({@code Geometry.REGION_ALIGNMENT}). */
    static final long MIN_SIZE = 4096;

    private final NativeFile file;
    private final FileIdentity identity;
    private final boolean blockDevice;
    /** Opened read-only: to look only (status). */
    private final boolean readOnly;
    private final long size;
    /** What the medium shrank to once found shorter than {@link #size}; -1 while whole. Never reset. */
    private volatile long shrunkTo = -1;
    /**
     * Extent transfers (ring chunks, up to 1 MiB each) this attachment has in flight at
     * most: with one per ring, 64 connections queued 64 MiB on an NBD path, and the
     * heartbeat's sector write, behind them, waited past the liveness timeout.
     */
    private final Semaphore extentIo = new Semaphore(MAX_EXTENT_IO);
    private static final int MAX_EXTENT_IO = 4;
    private final int sectorSize;
    private final int alignment;
    /** Owned ranges by first byte; sector-aligned, never overlapping. Changed under {@link #ownership}. */
    private final ConcurrentSkipListMap<Long, Shadow> shadows = new ConcurrentSkipListMap<>();
    private final Object ownership = new Object();
    private final Set<Bounce> bounces = ConcurrentHashMap.newKeySet();
    private final ThreadLocal<Bounce> bounce = ThreadLocal.withInitial(this::newBounce);
    private volatile boolean closed;

    /** One owned range [start, end) and its in-memory copy; guarded by its own monitor. */
    private static final class Shadow {
        final long start;
        final long end;
        final AlignedBuffer buffer;

        Shadow(long start, long end, AlignedBuffer buffer) {
            this.start = start;
            this.end = end;
            this.buffer = buffer;
        }

        @Override
        public String toString() {
            return "[" + start + ", " + end + ")";
        }
    }

    /** One thread's buffer for reading foreign sectors; replaced when too small. */
    private static final class Bounce {
        AlignedBuffer buffer;
    }

    private BlockMedium(NativeFile file, FileInfo info, long size, int sectorSize, boolean readOnly) {
        this.file = file;
        this.identity = info.identity();
        this.blockDevice = info.isBlockDevice();
        this.readOnly = readOnly;
        this.size = size;
        this.sectorSize = sectorSize;
        this.alignment = Math.max(sectorSize, MIN_BUFFER_ALIGNMENT);
    }

    /**
     * Opens a block device, or a regular file, with {@code O_DIRECT}. Its usable size is the
     * device size (BLKGETSIZE64) or file size, rounded down to whole sectors.
     *
     * @throws java.nio.file.NoSuchFileException if the path does not exist
     * @throws java.nio.file.AccessDeniedException if this user may not read and write it
     * @throws IOException if the file system refuses O_DIRECT, if it is neither a block
     *                     device nor a regular file, or if it is smaller than {@value #MIN_SIZE} bytes
     */
    public static BlockMedium open(String path) throws IOException {
        return open(path, false);
    }

    /**
     * Opens a block device, or a regular file, read-only with {@code O_DIRECT}: to look at an
     * array one may only read, as {@code status} does. Every write and {@link #own} throws
     * {@link java.nio.ReadOnlyBufferException}; locks cannot be taken, only probed.
     *
     * @throws java.nio.file.AccessDeniedException if this user may not read it
     * @throws IOException as {@link #open}
     */
    public static BlockMedium openReadOnly(String path) throws IOException {
        return open(path, true);
    }

    private static BlockMedium open(String path, boolean readOnly) throws IOException {
        Objects.requireNonNull(path, "path");
        NativeFile f = openDirect(path, readOnly);
        try {
            FileInfo info = f.stat();
            if (!info.isBlockDevice() && !info.isRegularFile()) {
                throw new IOException(path + " is neither a block device nor a regular file (mode 0"
                        + Integer.toOctalString(info.mode()) + ")");
            }
            int sector = Math.max(MIN_SECTOR_SIZE, info.logicalBlockSize());
            if (Integer.bitCount(sector) != 1) {
                throw new IOException(path + " reports a logical block size that is not a power of two: " + sector);
            }
            long usable = info.size() - info.size() % sector;
            if (usable < MIN_SIZE) {
                throw new IOException(path + " is too small to be an array: " + info.size()
                        + " bytes, at least " + MIN_SIZE + " needed");
            }
            return new BlockMedium(f, info, usable, sector, readOnly);
        } catch (IOException | RuntimeException e) {
            try {
                f.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private static NativeFile openDirect(String path, boolean readOnly) throws IOException {
        try {
            return NativeFile.open(path, NativeConstants.OPEN_DIRECT | (readOnly ? NativeConstants.OPEN_RDONLY : 0), 0);
        } catch (IOException e) {
            if (e.getCause() instanceof LastErrorException le && le.getErrorCode() == NativeErrors.EINVAL) {
                throw new IOException("open " + path + " with O_DIRECT: the file system refuses direct I/O ("
                        + NativeErrors.describe(NativeErrors.EINVAL) + "); use a block device, or a file on a "
                        + "file system that supports O_DIRECT", e);
            }
            throw e;
        }
    }

    @Override
    public Kind kind() {
        return Kind.BLOCK;
    }

    @Override
    public RingPolicy ringPolicy() {
        return RingPolicy.BLOCK_DEVICE;
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
        return sectorSize;
    }

    @Override
    public FileIdentity identity() {
        return identity;
    }

    /** Whether the path is a block device (false: a regular file opened with O_DIRECT). */
    public boolean isBlockDevice() {
        return blockDevice;
    }

    // ---- sectors -------------------------------------------------------------------------

    private long floorSector(long offset) {
        return offset - offset % sectorSize;
    }

    private long ceilSector(long offset) {
        long rem = offset % sectorSize;
        return rem == 0 ? offset : offset + sectorSize - rem;
    }

    private void ensureOpen() {
        if (closed) {
            throw new MediumFaultException(new MediumClosedException(path()));
        }
    }

    private static void checkWord(long offset, int width, long size) {
        Objects.checkFromIndexSize(offset, width, size);
        if ((offset & (width - 1)) != 0) {
            throw new IllegalArgumentException("unaligned " + width + "-byte word at " + offset);
        }
    }

    /** The owned range holding all of [offset, offset + length), or null. */
    private Shadow ownedRange(long offset, long length) {
        Map.Entry<Long, Shadow> e = shadows.floorEntry(offset);
        if (e == null || e.getValue().end < offset + length) {
            return null;
        }
        return e.getValue();
    }

    // ---- reads ---------------------------------------------------------------------------

    @Override
    public int getIntAcquire(long offset) {
        return (int) readWord(offset, Integer.BYTES);
    }

    @Override
    public long getLongAcquire(long offset) {
        return readWord(offset, Long.BYTES);
    }

    /** A 4- or 8-byte word: from our shadow if we own it, else from the device. */
    private long readWord(long offset, int width) {
        checkWord(offset, width, size);
        ensureOpen();
        Shadow s = ownedRange(offset, width);
        if (s != null) {
            synchronized (s) {
                if (!s.buffer.isFreed()) {
                    return word(s.buffer, offset - s.start, width);
                }
            }
        }
        long sector = floorSector(offset);
        return word(readSectors(sector, sectorSize), offset - sector, width);
    }

    private static long word(AlignedBuffer b, long at, int width) {
        return width == Long.BYTES ? b.getLong(at) : b.getInt(at);
    }

    @Override
    public void readAcquire(long offset, ByteBuffer dst) {
        int length = dst.remaining();
        Objects.checkFromIndexSize(offset, length, size);
        ensureOpen();
        if (length == 0) {
            return;
        }
        Shadow s = ownedRange(offset, length);
        if (s != null) {
            synchronized (s) {
                if (!s.buffer.isFreed()) {
                    s.buffer.copyTo(offset - s.start, dst, length);
                    return;
                }
            }
        }
        long pos = offset;
        long end = offset + length;
        while (pos < end) {
            long first = floorSector(pos);
            long chunkEnd = Math.min(end, first + MAX_IO);
            AlignedBuffer b = readSectors(first, ceilSector(chunkEnd) - first);
            b.copyTo(pos - first, dst, (int) (chunkEnd - pos));
            pos = chunkEnd;
        }
    }

    @Override
    public void readAcquire(long offset, byte[] dst, int dstOffset, int length) {
        Objects.checkFromIndexSize(dstOffset, length, dst.length);
        readAcquire(offset, ByteBuffer.wrap(dst, dstOffset, length));
    }

    /** Reads whole sectors [first, first + length) from the device into this thread's bounce buffer. */
    private AlignedBuffer readSectors(long first, long length) {
        Bounce b = bounce.get();
        if (b.buffer.capacity() < length) {
            grow(b, length);
        }
        pread(b.buffer.address(), length, first);
        return b.buffer;
    }

    private Bounce newBounce() {
        Bounce b = new Bounce();
        b.buffer = allocateUnchecked(INITIAL_BOUNCE);
        bounces.add(b);
        return b;
    }

    private void grow(Bounce b, long needed) {
        long capacity = Math.min(MAX_IO, Long.highestOneBit(needed - 1) << 1);
        AlignedBuffer bigger = allocateUnchecked(Math.max(capacity, needed));
        AlignedBuffer old = b.buffer;
        b.buffer = bigger;
        old.close();
    }

    private AlignedBuffer allocateUnchecked(long capacity) {
        try {
            return AlignedBuffer.allocate(alignment, capacity);
        } catch (IOException e) {
            throw new MediumFaultException(e);
        }
    }

    private void pread(long buffer, long length, long offset) {
        try {
            file.pread(buffer, length, offset);
        } catch (IOException e) {
            throw new MediumFaultException(shrunkOr(e));
        }
    }

    /**
     * What a failed I/O means: if the medium is now shorter than it was at open, it shrank
     * under us (the I/O was past its new end, or the device went away with its sectors) and
     * is fenced from now on; else the I/O error itself.
     */
    private IOException shrunkOr(IOException failed) {
        try {
            checkIntact();
            return failed;
        } catch (MediumTruncatedException truncated) {
            truncated.initCause(failed);
            return truncated;
        } catch (IOException unknown) {
            failed.addSuppressed(unknown);
            return failed;
        }
    }

    /** A medium that shrank is never written again: this throws before any write. */
    private void ensureWhole() {
        long now = shrunkTo;
        if (now >= 0) {
            throw new MediumFaultException(new MediumTruncatedException(path(), now, size));
        }
    }

    // ---- writes --------------------------------------------------------------------------

    /** The owned range that must hold [offset, offset + length): anything else is a bug. */
    private Shadow ownedForWrite(long offset, long length) {
        ensureOpen();
        if (readOnly) {
            throw new ReadOnlyBufferException();
        }
        ensureWhole();
        Shadow s = ownedRange(floorSector(offset), ceilSector(offset + length) - floorSector(offset));
        if (s == null) {
            throw new IllegalStateException("write of " + length + " bytes at offset " + offset + " of " + path()
                    + " touches sectors [" + floorSector(offset) + ", " + ceilSector(offset + length)
                    + ") not within one range this process owns; owned: " + shadows.values());
        }
        return s;
    }

    /** Called holding the shadow's monitor: it must not have been disowned meanwhile. */
    private static void checkStillOwned(Shadow s, long offset, String path) {
        if (s.buffer.isFreed()) {
            throw new IllegalStateException("write at offset " + offset + " of " + path + ": range " + s
                    + " was disowned meanwhile");
        }
    }

    /** Called holding the shadow's monitor: writes the sectors covering [offset, offset + length) from it. */
    private void writeOut(Shadow s, long offset, long length) {
        long first = floorSector(offset);
        long bytes = ceilSector(offset + length) - first;
        pwrite(s.buffer.address() + (first - s.start), bytes, first);
    }

    /** Writes {@code bytes} at {@code address} to {@code offset}: never past a shrunk file's end. */
    private void pwrite(long address, long bytes, long offset) {
        ensureWhole(); // checked again here: another thread may have found it shrunk meanwhile
        try {
            if (blockDevice) {
                file.pwrite(address, bytes, offset);
            } else {
                file.pwriteWithin(address, bytes, offset); // never grows the file back
            }
        } catch (IOException e) {
            throw new MediumFaultException(shrunkOr(e));
        }
    }

    @Override
    public void putIntRelease(long offset, int value) {
        checkWord(offset, Integer.BYTES, size);
        Shadow s = ownedForWrite(offset, Integer.BYTES);
        synchronized (s) {
            checkStillOwned(s, offset, path());
            s.buffer.putInt(offset - s.start, value);
            writeOut(s, offset, Integer.BYTES);
        }
    }

    @Override
    public void putLongRelease(long offset, long value) {
        checkWord(offset, Long.BYTES, size);
        Shadow s = ownedForWrite(offset, Long.BYTES);
        synchronized (s) {
            checkStillOwned(s, offset, path());
            s.buffer.putLong(offset - s.start, value);
            writeOut(s, offset, Long.BYTES);
        }
    }

    @Override
    public void writeRelease(long offset, ByteBuffer src) {
        int length = src.remaining();
        Objects.checkFromIndexSize(offset, length, size);
        if (length == 0) {
            ensureOpen();
            return;
        }
        Shadow s = ownedForWrite(offset, length);
        synchronized (s) {
            checkStillOwned(s, offset, path());
            s.buffer.copyFrom(offset - s.start, src, length);
            writeOut(s, offset, length);
        }
    }

    @Override
    public void writeRelease(long offset, byte[] src, int srcOffset, int length) {
        Objects.checkFromIndexSize(srcOffset, length, src.length);
        writeRelease(offset, ByteBuffer.wrap(src, srcOffset, length));
    }

    // ---- extents -------------------------------------------------------------------------

    /**
     * A direct little-endian buffer of exactly {@code size} bytes (a multiple of the
     * alignment), aligned for {@link #writeExtent} and {@link #readExtent}, zero-filled.
     * Its pages cost nothing until touched ({@link MappedBuffer}): every connection has two
     * 1 MiB extent buffers, of which small messages use a page or two, and allocating
     * them with {@code allocateDirect} (every page cleared) was most of a connect's time.
     *
     * @throws OutOfMemoryError when the kernel has no memory for it
     */
    public ByteBuffer allocateExtentBuffer(int size) {
        if (size % alignment != 0) {
            throw new IllegalArgumentException("extent buffer of " + size + " bytes is not a multiple of " + alignment);
        }
        int extra = alignment > PAGE_SIZE ? alignment : 0; // mmap aligns to a page only
        ByteBuffer mapped;
        try {
            mapped = MappedBuffer.allocate(Math.addExact(size, extra));
        } catch (IOException e) {
            OutOfMemoryError oom = new OutOfMemoryError("extent buffer of " + size + " bytes for " + path() + ": "
                    + e.getMessage());
            oom.initCause(e);
            throw oom;
        }
        return mapped.alignedSlice(alignment).limit(size).slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Alignment of the buffers {@link #writeExtent} and {@link #readExtent} take (a page, or the sector if larger). */
    public int extentAlignment() {
        return alignment;
    }

    /**
     * Writes {@code src}'s remaining bytes, whole sectors from an aligned direct buffer, to
     * the sectors at {@code offset} with one {@code pwrite} straight from that buffer: no
     * copy into the shadow, and no shadow lock held during the I/O, so writes of several
     * rings overlap. The shadow of those sectors is left stale: a range written with
     * extents (the rings' chunks) is written and read with extents only. Advances src.
     *
     * @throws IllegalStateException    if the sectors are not within one range owned here
     * @throws IllegalArgumentException if offset, length or buffer are not aligned
     */
    public void writeExtent(long offset, ByteBuffer src) {
        int length = src.remaining();
        long address = extentAddress(offset, src);
        ownedForWrite(offset, length);
        extentIo.acquireUninterruptibly();
        try {
            pwrite(address, length, offset);
        } finally {
            extentIo.release();
        }
        src.position(src.limit());
    }

    /**
     * Reads the sectors at {@code offset} into {@code dst}'s remaining bytes (whole sectors
     * of an aligned direct buffer) with one {@code pread} straight into it, from the device
     * even where this process owns them. Advances dst.
     *
     * @throws IllegalArgumentException if offset, length or buffer are not aligned
     */
    public void readExtent(long offset, ByteBuffer dst) {
        int length = dst.remaining();
        long address = extentAddress(offset, dst);
        ensureOpen();
        extentIo.acquireUninterruptibly();
        try {
            pread(address, length, offset);
        } finally {
            extentIo.release();
        }
        dst.position(dst.limit());
    }

    /** The native address of {@code buf}'s position, after checking the extent's alignment. */
    private long extentAddress(long offset, ByteBuffer buf) {
        int length = buf.remaining();
        Objects.checkFromIndexSize(offset, length, size);
        if (!buf.isDirect()) {
            throw new IllegalArgumentException("extent I/O needs a direct buffer");
        }
        long address = com.sun.jna.Pointer.nativeValue(com.sun.jna.Native.getDirectBufferPointer(buf)) + buf.position();
        if (offset % sectorSize != 0 || length % sectorSize != 0 || length == 0 || address % alignment != 0) {
            throw new IllegalArgumentException("extent of " + length + " bytes at offset " + offset + " from buffer address "
                    + address + ": offset and length must be whole " + sectorSize + "-byte sectors, the buffer "
                    + alignment + "-aligned");
        }
        return address;
    }

    /** Synchronous I/O leaves nothing to order: each call has reached the device when it returns. */
    @Override
    public void fullFence() {
        // nothing: see the class comment
    }

    // ---- ownership -----------------------------------------------------------------------

    /**
     * Owns the sectors covering [offset, offset + length) and reads them into a shadow.
     *
     * @throws IllegalStateException if any of them is already owned by this medium
     * @throws IOException           if they cannot be read, or the shadow cannot be allocated
     */
    @Override
    public void own(long offset, long length) throws IOException {
        Objects.checkFromIndexSize(offset, length, size);
        if (readOnly) {
            throw new ReadOnlyBufferException();
        }
        if (length == 0) {
            throw new IllegalArgumentException("cannot own an empty range at " + offset);
        }
        long first = floorSector(offset);
        long end = ceilSector(offset + length);
        synchronized (ownership) {
            ensureOpen();
            Map.Entry<Long, Shadow> before = shadows.floorEntry(end - 1);
            if (before != null && before.getValue().end > first) {
                throw new IllegalStateException("own(" + offset + ", " + length + ") of " + path() + ": sectors ["
                        + first + ", " + end + ") overlap the owned range " + before.getValue());
            }
            AlignedBuffer buffer = AlignedBuffer.allocate(alignment, end - first);
            try {
                file.pread(buffer.address(), end - first, first);
            } catch (IOException e) {
                buffer.close();
                throw shrunkOr(e);
            }
            shadows.put(first, new Shadow(first, end, buffer));
        }
    }

    /**
     * Gives up a range given to {@link #own} (the same sectors) and frees its shadow.
     *
     * @throws IllegalStateException if those sectors are not exactly one owned range
     */
    @Override
    public void disown(long offset, long length) {
        Objects.checkFromIndexSize(offset, length, size);
        long first = floorSector(offset);
        long end = ceilSector(offset + length);
        synchronized (ownership) {
            ensureOpen();
            Shadow s = shadows.get(first);
            if (s == null || s.end != end) {
                throw new IllegalStateException("disown(" + offset + ", " + length + ") of " + path() + ": sectors ["
                        + first + ", " + end + ") are not one owned range; owned: " + shadows.values());
            }
            shadows.remove(first);
            synchronized (s) {
                s.buffer.close();
            }
        }
    }

    // ---- waiting and locks ---------------------------------------------------------------

    /** @throws UnsupportedOperationException always: a disk has no wake-ups; poll instead */
    @Override
    public void awaitChange(long offset, int expected, long timeoutNanos) {
        throw new UnsupportedOperationException("the block medium " + path() + " has no wake-ups: poll with back-off");
    }

    /** Nothing to do: no one sleeps on a block medium. */
    @Override
    public void wake(long offset) {
        checkWord(offset, Integer.BYTES, size);
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
     * Checks that the medium still has the size it had at open (one {@code fstat}); once it
     * was found shorter, it stays fenced: this throws from then on, and nothing is written.
     */
    @Override
    public void checkIntact() throws IOException {
        long known = shrunkTo;
        if (known >= 0) {
            throw new MediumTruncatedException(path(), known, size);
        }
        long now = file.stat().size();
        if (now < size) {
            shrunkTo = now;
            throw new MediumTruncatedException(path(), now, size);
        }
    }

    /** Frees every shadow and bounce buffer and closes the device; idempotent. */
    @Override
    public void close() throws IOException {
        synchronized (ownership) {
            if (closed) {
                return;
            }
            closed = true;
            for (Shadow s : shadows.values()) {
                synchronized (s) {
                    s.buffer.close();
                }
            }
            shadows.clear();
        }
        for (Bounce b : bounces) {
            b.buffer.close();
        }
        bounces.clear();
        file.close();
    }

    @Override
    public String toString() {
        return "block:" + path() + " (" + size + " bytes, " + sectorSize + "-byte sectors"
                + (blockDevice ? "" : ", regular file") + (readOnly ? ", read-only" : "") + ")";
    }
}
