package io.arraysock.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * The consumer's end of a {@link BufferPipe} as a stream: small reads (record headers) come
 * from the current buffer, and {@link #slice} lends a part of the buffer itself for bulk use
 * in place (digest and file write, no copy). Each buffer goes back to the producer once used.
 */
final class PipeInputStream extends InputStream {
    private final BufferPipe pipe;
    private ByteBuffer current;
    private boolean ended;

    PipeInputStream(BufferPipe pipe) {
        this.pipe = pipe;
    }

    /** The current buffer with at least one byte left, or null at the end of the stream. */
    private ByteBuffer current() throws IOException {
        while (current == null || !current.hasRemaining()) {
            if (current != null) {
                pipe.recycle(current);
                current = null;
            }
            if (ended) {
                return null;
            }
            current = pipe.takeFilled();
            if (current == null) {
                ended = true;
                return null;
            }
        }
        return current;
    }

    /**
     * A view of the next bytes of the stream, 1 to {@code max} of them (max at least 1), or
     * null at the end of the stream. The view's bytes are valid until the next call on this
     * stream; the stream has moved past them already.
     */
    ByteBuffer slice(long max) throws IOException {
        ByteBuffer c = current();
        if (c == null) {
            return null;
        }
        int n = (int) Math.min(max, c.remaining());
        ByteBuffer view = c.slice(c.position(), n);
        c.position(c.position() + n);
        return view;
    }

    @Override
    public int read() throws IOException {
        ByteBuffer c = current();
        return c == null ? -1 : c.get() & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        ByteBuffer c = current();
        if (c == null) {
            return -1;
        }
        int n = Math.min(len, c.remaining());
        c.get(b, off, n);
        return n;
    }

    @Override
    public int available() {
        return current == null ? 0 : current.remaining();
    }
}
