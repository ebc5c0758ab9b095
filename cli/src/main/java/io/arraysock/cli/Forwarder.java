package io.arraysock.cli;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * The accept loop of {@code arraysock forward}: each accepted connection becomes a
 * {@link Splice} to the target, up to a limit of connections at once; at the limit it
 * accepts no more until one ends, so new connections wait in the listener's backlog (a
 * client that connects and quits at a high rate, as redis-benchmark does between its
 * tests, is slowed down, not refused). {@link #close} (at exit: SIGTERM, SIGINT) stops
 * listening, cuts every live connection and detaches from the arrays.
 */
final class Forwarder implements AutoCloseable {
    private final ForwardListener listener;
    private final Splice.Setup setup;
    private final int maxConnections;
    private final Semaphore slots;
    private final Set<Splice> live = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;
    private int accepted;

    Forwarder(ForwardListener listener, Splice.Setup setup, int maxConnections) {
        this.listener = listener;
        this.setup = setup;
        this.maxConnections = maxConnections;
        this.slots = new Semaphore(maxConnections);
    }

    /** Forwards until {@link #close}; returns then. A failure to accept (the listener broke) is thrown. */
    void run() throws IOException, InterruptedException {
        setup.log().started(listener.address(), setup.target().spec());
        while (true) {
            if (!slots.tryAcquire()) {
                setup.log().full(maxConnections);
                slots.acquire();
            }
            Conduit client;
            try {
                client = listener.accept();
            } catch (IOException | RuntimeException e) {
                slots.release();
                if (stopping) {
                    return;
                }
                throw e;
            }
            int id = ++accepted;
            Splice[] self = new Splice[1];
            Splice s = new Splice(id, client, setup, () -> {
                live.remove(self[0]);
                slots.release();
            });
            self[0] = s;
            live.add(s);
            if (stopping) {
                s.stop();
            }
            s.start();
        }
    }

    /**
     * Stops: the listener first (no new connection), then the arrays (their sockets are
     * reset, so the far side sees each live connection cut, not ended), then the TCP and
     * Unix sides of live connections (a RST). Quiet: the connections it cuts are not errors.
     */
    @Override
    public void close() {
        stopping = true;
        listener.close();
        for (Splice s : live) {
            s.markStopped();
        }
        setup.arrays().close();
        for (Splice s : live) {
            s.stop();
        }
    }
}
