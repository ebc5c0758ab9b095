package io.arraysock.socket;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static io.arraysock.format.ChunkDescriptor.MESSAGE_LENGTH_SIZE;

/**
 * What a block-medium sender handed over and its writer thread has not yet put into
 * chunks: a single-producer/single-consumer byte ring in process memory, between the
 * sending thread ({@link #offer}, {@link #offerMessage}) and the writer ({@link #copyOut},
 * {@link #take}). Positions count bytes since the ring began; the index is
 * {@code position & mask}. A message is staged as it goes into a chunk: a u32
 * little-endian length, then its bytes, unpadded.
 *
 * <p>{@code written} is stored by the sender only and {@code taken} by the writer only,
 * each after the bytes it covers (volatile: release/acquire), so neither side locks.
 */
final class StagingRing {
    private final ByteBuffer bytes;
    private final int capacity;
    private final int mask;
    private volatile long written;
    private volatile long taken;

    /** @param capacity a power of two */
    StagingRing(int capacity) {
        if (Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("staging capacity " + capacity + " is not a power of two");
        }
        this.bytes = ByteBuffer.allocateDirect(capacity).order(ByteOrder.LITTLE_ENDIAN);
        this.capacity = capacity;
        this.mask = capacity - 1;
    }

    int capacity() {
        return capacity;
    }

    // ---- sender side ----------------------------------------------------------------------

    /** Stages as many bytes of {@code src} as fit (advancing it); returns the count, maybe 0. */
    int offer(ByteBuffer src) {
        long w = written;
        int n = (int) Math.min(src.remaining(), capacity - (w - taken));
        if (n > 0) {
            put(w, src, n);
            written = w + n;
        }
        return n;
    }

    /** Stages {@code src}'s remaining bytes as one message if it fits whole; false otherwise. */
    boolean offerMessage(ByteBuffer src) {
        long w = written;
        int length = src.remaining();
        if (MESSAGE_LENGTH_SIZE + (long) length > capacity - (w - taken)) {
            return false;
        }
        for (int i = 0; i < MESSAGE_LENGTH_SIZE; i++) {
            bytes.put((int) ((w + i) & mask), (byte) (length >>> (8 * i)));
        }
        put(w + MESSAGE_LENGTH_SIZE, src, length);
        written = w + MESSAGE_LENGTH_SIZE + length;
        return true;
    }

    private void put(long position, ByteBuffer src, int n) {
        int index = (int) (position & mask);
        int first = Math.min(n, capacity - index);
        bytes.put(index, src, src.position(), first);
        if (first < n) {
            bytes.put(0, src, src.position() + first, n - first);
        }
        src.position(src.position() + n);
    }

    // ---- writer side ----------------------------------------------------------------------

    /** The position of the first byte not yet taken. */
    long takenPosition() {
        return taken;
    }

    /** Bytes staged and not yet taken. */
    long available() {
        return written - taken;
    }

    /** The length of the message staged at {@code position} (a position the writer walked to). */
    int messageLength(long position) {
        int length = 0;
        for (int i = 0; i < MESSAGE_LENGTH_SIZE; i++) {
            length |= (bytes.get((int) ((position + i) & mask)) & 0xFF) << (8 * i);
        }
        return length;
    }

    /** Copies the next {@code n} untaken bytes to {@code dst}'s position (advancing it); takes nothing. */
    void copyOut(ByteBuffer dst, int n) {
        int index = (int) (taken & mask);
        int first = Math.min(n, capacity - index);
        dst.put(dst.position(), bytes, index, first);
        if (first < n) {
            dst.put(dst.position() + first, bytes, 0, n - first);
        }
        dst.position(dst.position() + n);
    }

    /** The next {@code n} bytes are written (or dropped): their room is the sender's again. */
    void take(long n) {
        taken = taken + n;
    }

    /** Drops everything staged (the peer reads no more). */
    void discard() {
        taken = written;
    }
}
