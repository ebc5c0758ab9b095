package io.arraysock.medium;

import io.arraysock.api.NoSpaceException;
import io.arraysock.medium.internal.FileIdentity;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Shared storage as the protocol sees it: a byte range that several processes, possibly
 * on several hosts, read and write. Two implementations: {@link ShmMedium} (a mapped
 * shared-memory segment) and {@link BlockMedium} (a block device through O_DIRECT).
 *
 * <p>The protocol obeys one rule that lets it run on both: every sector has one writer,
 * the node that {@linkplain #own owns} it. Memory order is named in each method: a
 * {@code Release} write makes every earlier write of this thread visible before it; an
 * {@code Acquire} read keeps every later read after it. On the block medium each write is
 * a synchronous whole-sector {@code pwrite} and each read of a foreign sector a
 * {@code pread}, so program order is device order.
 *
 * <p>Offsets and lengths are checked against {@link #size()} on every call; a bad one is
 * an {@link IndexOutOfBoundsException} (a bug in the caller, who must range-check every
 * value read from the medium first). Implementations are safe for many threads. The
 * accessors are unchecked: an I/O error of the block medium surfaces as a
 * {@link MediumFaultException} (whose cause is typically a {@link io.arraysock.api.StoragePathFailedException}),
 * and a vanished page of a truncated segment as an {@link InternalError}; callers turn
 * either into the checked exception with {@link #faultOf}.
 */
public interface Medium extends Closeable {

    /** The two kinds of storage. */
    enum Kind {
        /** A POSIX shared-memory segment (or any tmpfs file) mapped into every process. */
        SHM,
        /** A block device (or an O_DIRECT file, for tests) shared by hosts. */
        BLOCK
    }

    Kind kind();

    /** How socket rings are driven on this medium: socket code asks this, never {@link #kind()}. */
    RingPolicy ringPolicy();

    /** The path this medium was opened from. */
    String path();

    /** Usable length in bytes. */
    long size();

    /** The unit of ownership and of I/O: 512, or the device's logical block size if larger. */
    int sectorSize();

    /** Device and inode of the opened file: equal identities share OFD locks. */
    FileIdentity identity();

    int getIntAcquire(long offset);

    long getLongAcquire(long offset);

    /** Stores a 32-bit word in an owned sector, after every earlier write. */
    void putIntRelease(long offset, int value);

    /** Stores a 64-bit word in an owned sector, after every earlier write. */
    void putLongRelease(long offset, long value);

    /**
     * Orders this thread's earlier writes before its later reads (store-load): the
     * "I said I sleep, now I look again" step of a wake-up handshake.
     */
    void fullFence();

    /** Copies {@code dst.remaining()} bytes from {@code offset} into dst, advancing its position. */
    void readAcquire(long offset, ByteBuffer dst);

    void readAcquire(long offset, byte[] dst, int dstOffset, int length);

    /** Copies {@code src.remaining()} bytes into owned sectors at {@code offset}, advancing its position. */
    void writeRelease(long offset, ByteBuffer src);

    void writeRelease(long offset, byte[] src, int srcOffset, int length);

    /**
     * A view of the medium's bytes {@code [offset, offset + length)} as mapped memory, for the
     * zero-copy calls of the sockets: stores into it are stores into the medium (plain ones:
     * the caller orders them with a release store after). Null where the medium maps nothing
     * (the block medium) or the range does not lie within one window of the mapping; the
     * caller then copies. Read-only on a medium opened to look only. Allocates: made once per
     * ring, not per call.
     *
     * @throws IndexOutOfBoundsException when the range is not within {@link #size()}
     */
    default ByteBuffer view(long offset, int length) {
        Objects.checkFromIndexSize(offset, length, size());
        return null;
    }

    /**
     * A direct little-endian buffer of exactly {@code size} bytes, fit for
     * {@link #writeExtent} and {@link #readExtent} (on the block medium: aligned, and
     * {@code size} a multiple of its alignment), zero-filled.
     *
     * @throws OutOfMemoryError when there is no memory for it
     */
    ByteBuffer allocateExtentBuffer(int size);

    /**
     * Writes {@code src}'s remaining bytes (block medium: whole sectors, from a buffer of
     * {@link #allocateExtentBuffer}) to owned sectors at {@code offset}, after every
     * earlier write: the rings' chunk records. The block medium writes them with one
     * {@code pwrite} past its shadow (a range written with extents is read with extents
     * only); shm copies them. Advances src.
     */
    void writeExtent(long offset, ByteBuffer src);

    /**
     * Reads the sectors at {@code offset} into {@code dst}'s remaining bytes (block medium:
     * whole sectors, into a buffer of {@link #allocateExtentBuffer}), from the medium even where
     * this process owns them; every later read stays after it. Advances dst.
     */
    void readExtent(long offset, ByteBuffer dst);

    /**
     * Declares the sectors covering [offset, offset + length) owned by this process: from
     * now on it is their only writer. The block medium loads them into an in-memory shadow.
     */
    void own(long offset, long length) throws IOException;

    /** Gives up ownership: later writes to these sectors are bugs. */
    void disown(long offset, long length);

    /** Whether {@link #awaitChange} really sleeps (shm: futex) or is unsupported (block): the policy's {@link RingPolicy#wakeups()}. */
    default boolean supportsWakeups() {
        return ringPolicy().wakeups();
    }

    /**
     * Sleeps while the 32-bit word at {@code offset} equals {@code expected}, at most
     * {@code timeoutNanos} (negative: no limit). Returns early on {@link #wake}, on a value
     * change, or spuriously: callers re-check their condition.
     *
     * @throws UnsupportedOperationException if {@link #supportsWakeups()} is false
     */
    void awaitChange(long offset, int expected, long timeoutNanos);

    /**
     * As {@link #awaitChange}, on the first {@code count} words of {@code offsets} at once: returns
     * when one of them is woken or no longer holds its {@code expected} value, or after
     * {@code timeoutNanos}. Returns false, without sleeping, where the medium cannot (then the
     * caller sleeps on one word); this default cannot.
     */
    default boolean awaitAnyChange(long[] offsets, int[] expected, int count, long timeoutNanos) {
        return false;
    }

    /** Wakes every process sleeping in {@link #awaitChange} on the word at {@code offset}. */
    void wake(long offset);

    /**
     * Takes an open-file-description lock on byte {@code index} of the opened file, without
     * waiting. Locks only exclude holders that opened the same {@link #identity()}.
     *
     * @return false when another open file description holds it
     */
    boolean tryLock(long index) throws IOException;

    void unlock(long index) throws IOException;

    /** Whether another open file description (another process) holds the lock on byte {@code index}. */
    boolean isLockedElsewhere(long index) throws IOException;

    /**
     * Checks that the medium still has its full length.
     *
     * @throws MediumTruncatedException if it shrank under this process
     */
    void checkIntact() throws IOException;

    /**
     * Ends a call that touched this medium: if an access of this thread may have faulted
     * since the last look (the JVM lets a faulting access in compiled Java code carry on
     * with garbage and raises its InternalError only at a later safepoint), takes that
     * pending error here and throws it as a {@link MediumFaultException}, so the caller's
     * call fails with the typed reason instead of returning garbage and leaving the error to
     * surface later in code that does not expect it. Costs one load when nothing faulted.
     * Nothing to do on media that do not map memory.
     */
    default void surfaceLateFault() {
    }

    /**
     * The checked exception for a fault out of an access to this medium: for a
     * {@link MediumFaultException}, the I/O error it carries (typically a
     * {@link io.arraysock.api.StoragePathFailedException}); for an {@link InternalError},
     * what {@link #faultOf(InternalError)} makes of it. Any other throwable is rethrown.
     */
    default IOException faultOf(Throwable fault) {
        if (fault instanceof MediumFaultException io) {
            return io.getCause();
        }
        if (fault instanceof InternalError error) {
            return faultOf(error);
        }
        if (fault instanceof RuntimeException r) {
            throw r;
        }
        if (fault instanceof Error e) {
            throw e;
        }
        throw new IllegalArgumentException("not a fault of the medium " + path(), fault);
    }

    /**
     * What an {@link InternalError} from an access to this medium means: the JVM raises one
     * when a mapped page vanished (the segment was truncated: a {@link MediumTruncatedException})
     * or could not be allocated when first touched (its tmpfs is full: a
     * {@link NoSpaceException}). Returns the exception to throw instead; an error that is not
     * a memory fault is rethrown.
     */
    default IOException faultOf(InternalError error) {
        if (!isMemoryFault(error)) {
            throw error;
        }
        // several faulting accesses may each leave an error pending, delivered at any later
        // point: absorb the ones that arrive while we look
        for (int tries = 0; ; tries++) {
            try {
                checkIntact();
                break;
            } catch (MediumTruncatedException truncated) {
                truncated.initCause(error);
                return truncated;
            } catch (IOException unreadable) {
                error.addSuppressed(unreadable);
                throw error;
            } catch (InternalError again) {
                if (again == error || tries > MAX_FAULTS) {
                    throw again;
                }
            }
        }
        NoSpaceException unbacked = new NoSpaceException(path(), "a page of the medium could not be allocated when "
                + "first touched: its file system is full (format the array with --preallocate to reserve its pages)");
        unbacked.initCause(error);
        return unbacked;
    }

    /** The JVM's (and the guarded copy's) report of a SIGBUS in an access to mapped memory. */
    static boolean isMemoryFault(InternalError error) {
        String m = error.getMessage();
        return m != null && m.startsWith("a fault occurred");
    }

    /** How many pending faults {@link #faultOf} absorbs before it gives up. */
    int MAX_FAULTS = 64;

    /** Unmaps or closes the medium. The caller must have stopped every thread using it. */
    @Override
    void close() throws IOException;
}
