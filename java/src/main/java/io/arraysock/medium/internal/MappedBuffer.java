package io.arraysock.medium.internal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Pointer;

import java.io.IOException;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A direct buffer on private anonymous memory ({@code mmap}), page-aligned for O_DIRECT,
 * unmapped when the buffer becomes unreachable. The kernel zero-fills each page when it is
 * first touched, so a large buffer of which a connection uses a few pages costs a few page
 * faults, where {@code ByteBuffer.allocateDirect} clears (and faults) every page at once:
 * measured 150-500 µs per MiB, twice per connection on each side of a connect.
 */
public final class MappedBuffer {
    private static final Cleaner CLEANER = Cleaner.create();

    private MappedBuffer() {
    }

    /**
     * A little-endian direct buffer of {@code size} bytes (a multiple of the page size),
     * page-aligned, zero-filled.
     *
     * @throws IOException naming the size when the kernel refuses (out of memory or address space)
     */
    public static ByteBuffer allocate(int size) throws IOException {
        if (size <= 0) {
            throw new IllegalArgumentException("size " + size);
        }
        NativeLayer.ensureLoaded();
        long address;
        try {
            address = NativeLayer.as_anon_map(size);
        } catch (LastErrorException e) {
            throw NativeErrors.toIOException("mmap(" + size + " bytes, anonymous)", "(memory)", e);
        }
        ByteBuffer b = new Pointer(address).getByteBuffer(0, size).order(ByteOrder.LITTLE_ENDIAN);
        CLEANER.register(b, new Unmap(address, size));
        return b;
    }

    /** Holds no reference to the buffer, only where its memory is. */
    private record Unmap(long address, long size) implements Runnable {
        @Override
        public void run() {
            try {
                NativeLayer.as_munmap(address, size);
            } catch (LastErrorException ignored) {
                // the mapping is ours and whole: munmap of it does not fail
            }
        }
    }
}
