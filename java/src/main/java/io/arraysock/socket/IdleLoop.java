package io.arraysock.socket;

import io.arraysock.api.IdleStrategy;

import java.io.IOException;
import java.net.SocketException;

/**
 * What a data path keeps between the rounds of one waiting call: the round count, when
 * the wait began, the clock as last read, and when the peer was last checked. Each
 * direction has its own (the sender's and the receiver's threads never share one), so no
 * field is written by two threads.
 *
 * <p>The clock is read every {@value #CLOCK_ROUNDS} rounds only: a read costs tens of ns
 * on a VM's paravirtual clock, about as much as a look at the ring, and the timeouts and
 * peer checks it serves need no finer grain.
 */
final class IdleLoop {
    private static final int CLOCK_ROUNDS = 8;

    private final SocketCore socket;
    private final Connection connection;
    private final long peerCheckNanos;
    private int round;
    private long since;
    private long now;
    private long lastPeerCheck;

    /** @param peerCheckNanos how often the peer's control block is re-read ({@link io.arraysock.medium.RingPolicy#peerCheckNanos()}) */
    IdleLoop(SocketCore socket, Connection connection, long peerCheckNanos) {
        this.socket = socket;
        this.connection = connection;
        this.peerCheckNanos = peerCheckNanos;
    }

    /**
     * A new call begins, or it made progress: the next wait starts afresh. Written only
     * when it changes: this runs on every send and receive, and a store would pull the
     * line away from wherever the other direction's loop shares it.
     */
    void reset() {
        if (round != 0) {
            round = 0;
        }
    }

    /**
     * One round without progress: reads the clock on its cadence, and checks the peer on
     * its own. Returns the nanoseconds since this wait began.
     *
     * @throws SocketException "Connection reset" when the peer is gone
     */
    long tick() throws SocketException {
        if ((round & (CLOCK_ROUNDS - 1)) == 0) {
            now = System.nanoTime();
        }
        if (round == 0) {
            since = now;
        }
        if (now - lastPeerCheck >= peerCheckNanos) {
            lastPeerCheck = now;
            checkPeer();
        }
        return now - since;
    }

    /** Whether no round of this wait has passed yet. */
    boolean firstRound() {
        return round == 0;
    }

    /** The clock as this wait last read it (every {@value #CLOCK_ROUNDS} rounds). */
    long now() {
        return now;
    }

    /** Idles once as the socket's strategy says, at most {@code maxNanos}. */
    void idle(long maxNanos, IdleStrategy.Sleeper sleeper) throws IOException {
        socket.ensureOpen();
        socket.options().idleStrategy().idle(round++, since, maxNanos, sleeper);
    }

    /** Reads the peer's status now; a gone peer is remembered by the socket. */
    int checkPeer() throws SocketException {
        try {
            return connection.peerStatus();
        } catch (SocketException e) {
            socket.peerLost();
            throw e;
        }
    }
}
