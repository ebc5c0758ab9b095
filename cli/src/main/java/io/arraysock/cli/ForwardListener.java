package io.arraysock.cli;

import java.io.IOException;

/** The listening side of {@code arraysock forward}: accepts the connections to forward. */
interface ForwardListener {
    /**
     * Waits for the next connection.
     *
     * @throws IOException also when {@link #close} ended the wait
     */
    Conduit accept() throws IOException;

    /** Where it listens, as the user would write it, with the real port after binding port 0. */
    String address();

    /** Stops listening (a waiting {@link #accept} fails); removes a Unix socket's file. Idempotent. */
    void close();
}
