package io.arraysock.medium;

import io.arraysock.medium.SectorShadows.Shadow;
import io.arraysock.medium.internal.FileIdentity;
import io.arraysock.medium.internal.AlignedBuffer;
import io.arraysock.medium.internal.MappedBuffer;
import io.arraysock.medium.internal.NativeFile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.Objects;

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
    /** Largest single read of foreign sectors: bounds each thread's bounce buffer. */
    static final int MAX_IO = BounceBuffers.MAX_IO;
    /** Smallest usable device: the superblock region alone is 4 KiB ({@code Geometry.REGION_ALIGNMENT}). */
    static final long MIN_SIZE = 4096;

    private final NativeFile file;
    private final boolean blockDevice;
    /** Opened read-only: to look only (status). */
    private final boolean readOnly;
    private final long size;
    private final int sectorSize;
    private final int alignment;
    /** Whole-sector pread/pwrite and the shrink fence. */
    private final SectorFile sectors;
    /** The owned ranges and their shadows. */
    private final SectorShadows shadows;
    /** Each thread's buffer for reading foreign sectors. */
    private final BounceBuffers bounces;
    /** Ring chunks: straight from and to aligned buffers, a few in flight at most. */
    private final ExtentIo extents;
    private volatile boolean closed;

    private BlockMedium(SectorFile sectors, boolean readOnly) {
        this.sectors = sectors;
        this.file = sectors.file();
        this.blockDevice = sectors.isBlockDevice();
        this.readOnly = readOnly;
        this.size = sectors.size();
        this.sectorSize = sectors.sectorSize();
        this.alignment = Math.max(sectorSize, MIN_BUFFER_ALIGNMENT);
        this.shadows = new SectorShadows(sectors, alignment);
        this.bounces = new BounceBuffers(sectors, alignment);
        this.extents = new ExtentIo(sectors, size, alignment);
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
        return new BlockMedium(SectorFile.open(path, readOnly, MIN_SECTOR_SIZE, MIN_SIZE), readOnly);
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
        return sectors.identity();
    }

    /** Whether the path is a block device (false: a regular file opened with O_DIRECT). */
    public boolean isBlockDevice() {
        return blockDevice;
    }

    // ---- checks --------------------------------------------------------------------------

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
        Shadow s = shadows.holding(offset, width);
        if (s != null) {
            synchronized (s) {
                if (!s.buffer().isFreed()) {
                    return word(s.buffer(), offset - s.start(), width);
                }
            }
        }
        long sector = sectors.floorSector(offset);
        return word(bounces.read(sector, sectorSize), offset - sector, width);
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
        Shadow s = shadows.holding(offset, length);
        if (s != null) {
            synchronized (s) {
                if (!s.buffer().isFreed()) {
                    s.buffer().copyTo(offset - s.start(), dst, length);
                    return;
                }
            }
        }
        long pos = offset;
        long end = offset + length;
        while (pos < end) {
            long first = sectors.floorSector(pos);
            long chunkEnd = Math.min(end, first + MAX_IO);
            AlignedBuffer b = bounces.read(first, sectors.ceilSector(chunkEnd) - first);
            b.copyTo(pos - first, dst, (int) (chunkEnd - pos));
            pos = chunkEnd;
        }
    }

    @Override
    public void readAcquire(long offset, byte[] dst, int dstOffset, int length) {
        Objects.checkFromIndexSize(dstOffset, length, dst.length);
        readAcquire(offset, ByteBuffer.wrap(dst, dstOffset, length));
    }

    // ---- writes --------------------------------------------------------------------------

    /** The owned range that must hold [offset, offset + length): anything else is a bug. */
    private Shadow ownedForWrite(long offset, long length) {
        ensureOpen();
        if (readOnly) {
            throw new ReadOnlyBufferException();
        }
        sectors.ensureWhole();
        return shadows.forWrite(offset, length);
    }

    @Override
    public void putIntRelease(long offset, int value) {
        writeWord(offset, Integer.BYTES, value);
    }

    @Override
    public void putLongRelease(long offset, long value) {
        writeWord(offset, Long.BYTES, value);
    }

    /** A 4- or 8-byte word into our shadow, then its sector to the device. */
    private void writeWord(long offset, int width, long value) {
        checkWord(offset, width, size);
        Shadow s = ownedForWrite(offset, width);
        synchronized (s) {
            shadows.checkStillOwned(s, offset);
            if (width == Long.BYTES) {
                s.buffer().putLong(offset - s.start(), value);
            } else {
                s.buffer().putInt(offset - s.start(), (int) value);
            }
            shadows.writeOut(s, offset, width);
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
            shadows.checkStillOwned(s, offset);
            s.buffer().copyFrom(offset - s.start(), src, length);
            shadows.writeOut(s, offset, length);
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
    @Override
    public ByteBuffer allocateExtentBuffer(int size) {
        return extents.allocateBuffer(size);
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
    @Override
    public void writeExtent(long offset, ByteBuffer src) {
        int length = src.remaining();
        long address = extents.address(offset, src);
        ownedForWrite(offset, length);
        extents.transfer(address, length, offset, true);
        src.position(src.limit());
    }

    /**
     * Reads the sectors at {@code offset} into {@code dst}'s remaining bytes (whole sectors
     * of an aligned direct buffer) with one {@code pread} straight into it, from the device
     * even where this process owns them. Advances dst.
     *
     * @throws IllegalArgumentException if offset, length or buffer are not aligned
     */
    @Override
    public void readExtent(long offset, ByteBuffer dst) {
        int length = dst.remaining();
        long address = extents.address(offset, dst);
        ensureOpen();
        extents.transfer(address, length, offset, false);
        dst.position(dst.limit());
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
        shadows.own(offset, length, this::ensureOpen);
    }

    /**
     * Gives up a range given to {@link #own} (the same sectors) and frees its shadow.
     *
     * @throws IllegalStateException if those sectors are not exactly one owned range
     */
    @Override
    public void disown(long offset, long length) {
        Objects.checkFromIndexSize(offset, length, size);
        shadows.disown(offset, length, this::ensureOpen);
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
        sectors.checkIntact();
    }

    /** Frees every shadow and bounce buffer and closes the device; idempotent. */
    @Override
    public void close() throws IOException {
        if (!shadows.close(() -> closed = true)) {
            return;
        }
        bounces.close();
        file.close();
    }

    @Override
    public String toString() {
        return "block:" + path() + " (" + size + " bytes, " + sectorSize + "-byte sectors"
                + (blockDevice ? "" : ", regular file") + (readOnly ? ", read-only" : "") + ")";
    }
}
