package io.arraysock.socket;

import io.arraysock.api.IdleStrategy;
import io.arraysock.medium.Medium;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A listener's backlog: connections its node answered (the {@link Acceptor} queues them)
 * that accept() has not taken yet, and the wait of a thread in accept(). An accepting
 * thread answers pending requests itself before it waits, so a connect needs no hand-off
 * to the acceptor thread; while waiting it sleeps on the node's connect bell.
 */
final class AcceptQueue {
    /** Longest sleep of a thread in accept between looks (bounds the cost of a lost bell). */
    private static final long ACCEPT_SLEEP_MAX_NANOS = 1_000_000;

    private final SocketCore listener;
    private final SocketLayer layer;
    private final int backlog;
    private final long peerCheckNanos;
    private final LinkedBlockingQueue<SocketCore> queue = new LinkedBlockingQueue<>();

    AcceptQueue(SocketCore listener, SocketLayer layer, int backlog) {
        this.listener = listener;
        this.layer = layer;
        this.backlog = backlog;
        this.peerCheckNanos = layer.ringPolicy.peerCheckNanos();
    }

    int backlog() {
        return backlog;
    }

    boolean hasRoom() {
        return queue.size() < backlog;
    }

    /** Queues an answered connection; false when the listener closed meanwhile. */
    boolean offer(SocketCore s) {
        if (listener.isClosed()) {
            return false;
        }
        queue.add(s);
        if (listener.isClosed() && queue.remove(s)) {
            return false;
        }
        layer.loopBell.ring(); // an event loop serving the listener may sleep on it
        return true;
    }

    /** Aborts every connection not yet taken (the listener closes: their peers see a reset). */
    void abortAll() {
        for (SocketCore s; (s = queue.poll()) != null; ) {
            s.abort();
        }
    }

    /** Forgets every connection not yet taken, touching nothing on the medium (the node is fenced). */
    void clear() {
        queue.clear();
    }

    /**
     * Takes a connection answered for the listener.
     *
     * @param timeoutNanos negative: wait forever; 0: do not wait (null when none)
     * @throws SocketTimeoutException when the timeout passes
     */
    SocketCore take(long timeoutNanos, IdleStrategy idle) throws IOException {
        long start = System.nanoTime();
        long lastCheck = start;
        IdleStrategy.Sleeper bell = null; // made on the first wait: acceptNow (an event loop's look) allocates nothing
        for (int round = 0; ; round++) {
            SocketCore s = queue.poll();
            if (s == null) {
                layer.acceptPass(); // answer pending requests ourselves: no hand-off
                s = queue.poll();
            }
            listener.ensureOpen();
            if (s != null) {
                return s;
            }
            if (timeoutNanos == 0) {
                return null;
            }
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("accept interrupted");
            }
            long now = System.nanoTime();
            long left = Long.MAX_VALUE;
            if (timeoutNanos > 0) {
                left = timeoutNanos - (now - start);
                if (left <= 0) {
                    throw new SocketTimeoutException("Accept timed out");
                }
            }
            if (now - lastCheck >= peerCheckNanos) {
                lastCheck = now;
                layer.node.checkAttached();
            }
            if (bell == null) {
                bell = new AcceptBell();
            }
            idle.idle(round, start, left, bell);
        }
    }

    /**
     * Sleeps on our node's connect bell, which clients ring after posting a request and the
     * acceptor thread rings after queueing a connection. Briefly: a ring that comes between
     * our last look and the sleep is lost (the bell is a bare wake, see SocketLayer).
     */
    private final class AcceptBell extends BellSleeper {
        AcceptBell() {
            super(layer.medium, layer.connectWords.connectBell(), ACCEPT_SLEEP_MAX_NANOS);
        }

        @Override
        int expectedValue(Medium medium, long bell) {
            return medium.getIntAcquire(bell);
        }

        @Override
        boolean stillWaiting() {
            return queue.isEmpty() && !listener.isClosed();
        }
    }
}
