package io.arraysock.medium;

import com.sun.jna.LastErrorException;
import io.arraysock.medium.internal.FileIdentity;
import io.arraysock.medium.internal.FileInfo;
import io.arraysock.medium.internal.NativeConstants;
import io.arraysock.medium.internal.NativeErrors;
import io.arraysock.medium.internal.NativeFile;

import java.io.IOException;

/**
 * Sector I/O of the block medium: whole-sector {@code pread}/{@code pwrite} of the device
 * (or the regular file opened with {@code O_DIRECT}), and the shrink fence (see
 * {@link BlockMedium}, "Shrinking"): once the medium is found shorter than at open it is
 * never written again, and every failed I/O is classified as that truncation or as the I/O
 * error itself, thrown as a {@link MediumFaultException}.
 */
final class SectorFile {
    private final NativeFile file;
    private final FileIdentity identity;
    private final boolean blockDevice;
    private final long size;
    private final int sectorSize;
    /** What the medium shrank to once found shorter than {@link #size}; -1 while whole. Never reset. */
    private volatile long shrunkTo = -1;

    private SectorFile(NativeFile file, FileInfo info, long size, int sectorSize) {
        this.file = file;
        this.identity = info.identity();
        this.blockDevice = info.isBlockDevice();
        this.size = size;
        this.sectorSize = sectorSize;
    }

    /**
     * Opens a block device or a regular file with {@code O_DIRECT} (read-only: to look only).
     * Its sector is its logical block size, at least {@code minSector}; its usable size the
     * device or file size rounded down to whole sectors, at least {@code minSize}.
     *
     * @throws IOException as {@link BlockMedium#open} says
     */
    static SectorFile open(String path, boolean readOnly, int minSector, long minSize) throws IOException {
        NativeFile f = openDirect(path, readOnly);
        try {
            FileInfo info = f.stat();
            if (!info.isBlockDevice() && !info.isRegularFile()) {
                throw new IOException(path + " is neither a block device nor a regular file (mode 0"
                        + Integer.toOctalString(info.mode()) + ")");
            }
            int sector = Math.max(minSector, info.logicalBlockSize());
            if (Integer.bitCount(sector) != 1) {
                throw new IOException(path + " reports a logical block size that is not a power of two: " + sector);
            }
            long usable = info.size() - info.size() % sector;
            if (usable < minSize) {
                throw new IOException(path + " is too small to be an array: " + info.size()
                        + " bytes, at least " + minSize + " needed");
            }
            return new SectorFile(f, info, usable, sector);
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

    NativeFile file() {
        return file;
    }

    FileIdentity identity() {
        return identity;
    }

    boolean isBlockDevice() {
        return blockDevice;
    }

    long size() {
        return size;
    }

    String path() {
        return file.path();
    }

    int sectorSize() {
        return sectorSize;
    }

    long floorSector(long offset) {
        return offset - offset % sectorSize;
    }

    long ceilSector(long offset) {
        long rem = offset % sectorSize;
        return rem == 0 ? offset : offset + sectorSize - rem;
    }

    /** Reads {@code length} bytes at {@code offset} (whole sectors) into native memory at {@code buffer}. */
    void pread(long buffer, long length, long offset) {
        try {
            file.pread(buffer, length, offset);
        } catch (IOException e) {
            throw new MediumFaultException(shrunkOr(e));
        }
    }

    /** {@link #pread}, failing with the typed IOException itself (for {@code own}, which throws it). */
    void preadChecked(long buffer, long length, long offset) throws IOException {
        try {
            file.pread(buffer, length, offset);
        } catch (IOException e) {
            throw shrunkOr(e);
        }
    }

    /** Writes {@code bytes} at {@code address} to {@code offset}: never past a shrunk file's end. */
    void pwrite(long address, long bytes, long offset) {
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
    void ensureWhole() {
        long now = shrunkTo;
        if (now >= 0) {
            throw new MediumFaultException(new MediumTruncatedException(path(), now, size));
        }
    }

    /** See {@link Medium#checkIntact()}: one {@code fstat}; once found shorter, fenced for good. */
    void checkIntact() throws IOException {
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
}
