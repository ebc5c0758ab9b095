package io.arraysock.cli;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * One side of a forwarded connection, as {@link Splice} moves bytes through it: a TCP or
 * Unix-domain socket ({@link ChannelConduit}) or an array socket ({@link ArrayConduit}).
 * One thread reads while another writes; {@link #abort} and {@link #close} may come from
 * either, and wake the other.
 */
interface Conduit {
    /** Reads at least one byte into {@code dst}, waiting as long as it takes; -1 at end of stream. */
    int read(ByteBuffer dst) throws IOException;

    /** Writes all of {@code src}, waiting for room (the back-pressure). */
    void write(ByteBuffer src) throws IOException;

    /** Ends this direction: the peer reads what was written, then end of stream. */
    void shutdownOutput() throws IOException;

    /** Closes at once, as a reset: what is unsent is dropped, and the peer sees the connection broken. */
    void abort();

    /** Closes cleanly (both directions have ended). Idempotent. */
    void close();

    /** The address as a user reads it in a log line: the peer or the target. */
    String describe();
}
