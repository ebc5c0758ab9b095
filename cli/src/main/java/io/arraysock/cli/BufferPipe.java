package io.arraysock.cli;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A byte stream between two threads of one process, in a few large direct buffers that go
 * round: the producer takes an empty buffer, fills it and hands it over; the consumer takes
 * it, uses its bytes and gives it back. Bounded (at most {@code count} buffers exist), with
 * no copy of its own: the producer fills a buffer in place (a file read, a socket receive)
 * and the consumer uses it in place (a socket send, a digest, a file write).
 *
 * <p>One producer thread and one consumer thread. Either may {@link #fail} the pipe; the
 * other then gets that failure (as the cause of a {@link Failed}) from its next take, so
 * neither waits for a partner that has gone.
 */
final class BufferPipe {
    /** The end of the stream in the filled queue, and the poison after a failure. */
    private static final ByteBuffer END = ByteBuffer.allocate(0);
    private static final ByteBuffer POISON = ByteBuffer.allocate(0);

    private final BlockingQueue<ByteBuffer> empty;
    private final BlockingQueue<ByteBuffer> filled;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final int bufferBytes;

    /** The other side's failure, as seen by this side. */
    static final class Failed extends IOException {
        Failed(Throwable cause) {
            super(cause.getMessage(), cause);
        }
    }

    BufferPipe(int count, int bufferBytes) {
        if (count < 1 || bufferBytes < 1) {
            throw new IllegalArgumentException("a pipe needs at least one buffer of at least one byte");
        }
        this.bufferBytes = bufferBytes;
        this.empty = new ArrayBlockingQueue<>(count + 1);
        this.filled = new ArrayBlockingQueue<>(count + 2);
        for (int i = 0; i < count; i++) {
            empty.add(ByteBuffer.allocateDirect(bufferBytes));
        }
    }

    int bufferBytes() {
        return bufferBytes;
    }

    // ---- producer ----------------------------------------------------------------------

    /** An empty buffer (position 0, limit its capacity), waiting for one to come back. */
    ByteBuffer takeEmpty() throws IOException {
        return take(empty);
    }

    /** Hands {@code b}'s bytes from 0 to its position over (the buffer is the consumer's until recycled). */
    void put(ByteBuffer b) {
        b.flip();
        filled.add(b); // never full: at most count buffers and the END marker are ever in it
    }

    /** The end of the stream: the consumer's {@link #takeFilled} returns null after the last buffer. */
    void finish() {
        filled.add(END);
    }

    // ---- consumer ----------------------------------------------------------------------

    /** The next filled buffer (its bytes between position and limit), or null at the end of the stream. */
    ByteBuffer takeFilled() throws IOException {
        ByteBuffer b = take(filled);
        if (b == END) {
            filled.add(END); // the end stays the end
            return null;
        }
        return b;
    }

    /** Gives a buffer taken with {@link #takeFilled} back to the producer. */
    void recycle(ByteBuffer b) {
        b.clear();
        empty.add(b);
    }

    // ---- either side -------------------------------------------------------------------

    /** Ends the pipe for both sides because of {@code cause} (the first failure is kept). */
    void fail(Throwable cause) {
        if (failure.compareAndSet(null, cause)) {
            empty.offer(POISON);
            filled.offer(POISON);
        }
    }

    private ByteBuffer take(BlockingQueue<ByteBuffer> q) throws IOException {
        ByteBuffer b;
        try {
            b = q.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            InterruptedIOException stop = new InterruptedIOException("interrupted while waiting for a buffer");
            fail(stop);
            throw stop;
        }
        Throwable failed = failure.get();
        if (failed != null) {
            q.offer(POISON); // for the next take
            throw new Failed(failed);
        }
        return b;
    }
}
