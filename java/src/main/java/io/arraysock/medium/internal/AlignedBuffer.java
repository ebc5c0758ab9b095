package io.arraysock.medium.internal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Pointer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Native memory from {@code posix_memalign}, zero-filled, that O_DIRECT I/O can use: its
 * address is aligned for the device. Java reads and writes it through direct
 * {@code ByteBuffer} windows of {@value #WINDOW_SHIFT}-bit size (a {@code ByteBuffer}
 * holds at most 2 GiB), in little-endian order like every word on the medium.
 *
 * <p>Not thread-safe: its owner guards it. Offsets are the caller's to check; words must be
 * aligned to their width, so none straddles a window. {@link #close()} frees the memory;
 * any later use is a bug that may crash the JVM, so owners check before every use.
 */
public final class AlignedBuffer implements AutoCloseable {
    /** 1 GiB windows: a power of two below the 2 GiB limit of one {@code ByteBuffer}. */
    private static final int WINDOW_SHIFT = 30;
    private static final long WINDOW_SIZE = 1L << WINDOW_SHIFT;
    private static final long WINDOW_MASK = WINDOW_SIZE - 1;

    private final long address;
    private final long capacity;
    private final ByteBuffer[] windows;
    private boolean freed;

    private AlignedBuffer(long address, long capacity) {
        this.address = address;
        this.capacity = capacity;
        int count = (int) ((capacity + WINDOW_MASK) >>> WINDOW_SHIFT);
        this.windows = new ByteBuffer[count];
        Pointer base = new Pointer(address);
        for (int i = 0; i < count; i++) {
            long start = (long) i << WINDOW_SHIFT;
            windows[i] = base.getByteBuffer(start, Math.min(WINDOW_SIZE, capacity - start)).order(ByteOrder.LITTLE_ENDIAN);
        }
    }

    /**
     * Allocates {@code capacity} zeroed bytes aligned to {@code alignment} (a power of two).
     *
     * @throws IOException naming the sizes when the C library refuses (out of memory)
     */
    public static AlignedBuffer allocate(long alignment, long capacity) throws IOException {
        if (Long.bitCount(alignment) != 1 || capacity <= 0) {
            throw new IllegalArgumentException("alignment " + alignment + ", capacity " + capacity);
        }
        NativeLayer.ensureLoaded();
        try {
            return new AlignedBuffer(NativeLayer.as_aligned_alloc(alignment, capacity), capacity);
        } catch (LastErrorException e) {
            throw NativeErrors.toIOException("posix_memalign(" + alignment + ", " + capacity + ")", "(memory)", e);
        }
    }

    public long address() {
        return address;
    }

    public long capacity() {
        return capacity;
    }

    public boolean isFreed() {
        return freed;
    }

    private ByteBuffer window(long at) {
        return windows[(int) (at >>> WINDOW_SHIFT)];
    }

    private static int index(long at) {
        return (int) (at & WINDOW_MASK);
    }

    public int getInt(long at) {
        return window(at).getInt(index(at));
    }

    public long getLong(long at) {
        return window(at).getLong(index(at));
    }

    public void putInt(long at, int value) {
        window(at).putInt(index(at), value);
    }

    public void putLong(long at, long value) {
        window(at).putLong(index(at), value);
    }

    /** Copies {@code length} bytes at {@code at} into {@code dst} from its position, advancing it. */
    public void copyTo(long at, ByteBuffer dst, int length) {
        int to = dst.position();
        int left = length;
        while (left > 0) {
            int chunk = (int) Math.min(left, WINDOW_SIZE - index(at));
            dst.put(to, window(at), index(at), chunk);
            at += chunk;
            to += chunk;
            left -= chunk;
        }
        dst.position(to);
    }

    public void copyTo(long at, byte[] dst, int dstOffset, int length) {
        int left = length;
        while (left > 0) {
            int chunk = (int) Math.min(left, WINDOW_SIZE - index(at));
            window(at).get(index(at), dst, dstOffset, chunk);
            at += chunk;
            dstOffset += chunk;
            left -= chunk;
        }
    }

    /** Copies {@code length} bytes of {@code src} from its position to {@code at}, advancing it. */
    public void copyFrom(long at, ByteBuffer src, int length) {
        int from = src.position();
        int left = length;
        while (left > 0) {
            int chunk = (int) Math.min(left, WINDOW_SIZE - index(at));
            window(at).put(index(at), src, from, chunk);
            at += chunk;
            from += chunk;
            left -= chunk;
        }
        src.position(from);
    }

    public void copyFrom(long at, byte[] src, int srcOffset, int length) {
        int left = length;
        while (left > 0) {
            int chunk = (int) Math.min(left, WINDOW_SIZE - index(at));
            window(at).put(index(at), src, srcOffset, chunk);
            at += chunk;
            srcOffset += chunk;
            left -= chunk;
        }
    }

    /** Frees the memory; idempotent. */
    @Override
    public void close() {
        if (!freed) {
            freed = true;
            NativeLayer.as_free(address);
        }
    }
}
