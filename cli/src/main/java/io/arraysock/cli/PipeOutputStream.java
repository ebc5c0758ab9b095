package io.arraysock.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * The producer's end of a {@link BufferPipe} as a stream: small writes (record headers) are
 * gathered into the current buffer, and {@link #room} lends the buffer itself for a bulk
 * fill in place (a file read straight into it). A buffer goes to the consumer when it is
 * full or at {@link #flush}; {@link #close} ends the stream.
 */
final class PipeOutputStream extends OutputStream {
    private final BufferPipe pipe;
    private ByteBuffer current;

    PipeOutputStream(BufferPipe pipe) {
        this.pipe = pipe;
    }

    /**
     * The current buffer, with at least one byte of room between its position and limit.
     * The caller may put bytes there and advance the position; it must not change the limit
     * for longer than until its next call here.
     */
    ByteBuffer room() throws IOException {
        if (current != null && !current.hasRemaining()) {
            pipe.put(current);
            current = null;
        }
        if (current == null) {
            current = pipe.takeEmpty();
        }
        return current;
    }

    @Override
    public void write(int b) throws IOException {
        room().put((byte) b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            ByteBuffer r = room();
            int n = Math.min(len, r.remaining());
            r.put(b, off, n);
            off += n;
            len -= n;
        }
    }

    /** Hands the bytes gathered so far to the consumer (the buffer goes even when not full). */
    @Override
    public void flush() {
        if (current != null && current.position() > 0) {
            pipe.put(current);
            current = null;
        }
    }

    /** Flushes and ends the stream. */
    @Override
    public void close() {
        flush();
        pipe.finish();
    }
}
