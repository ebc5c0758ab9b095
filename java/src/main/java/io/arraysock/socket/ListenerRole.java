package io.arraysock.socket;

import io.arraysock.format.ControlBlockHeader;

import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;

import static io.arraysock.format.ControlBlockDescriptor.STATE_CONNECTING;
import static io.arraysock.format.ControlBlockDescriptor.STATE_LISTENING;
import static io.arraysock.format.ControlBlockDescriptor.STATE_OPEN;

/**
 * One socket's listening role, beside its client role ({@link ClientConnect}): listen, the
 * backlog our node's {@link Acceptor} fills ({@link AcceptQueue}), accept, and the end of
 * listening. Our control block stays the socket's: listen hands it back as each write left
 * it ({@link SocketCore#setHeader}). Listen and the end of listening hold the socket's
 * lock, as the socket's own state changes do; accept does not (it waits).
 */
final class ListenerRole {
    /** The backlog of a listen that asks for none. */
    private static final int DEFAULT_BACKLOG = 50;

    private final SocketCore socket;
    /** Our node's layer: its port binder, its table, its acceptor (which serves our listeners), the queue's bell. */
    private final SocketLayer layer;
    /** Set by listen. */
    private volatile AcceptQueue queue;

    ListenerRole(SocketCore socket, SocketLayer layer) {
        this.socket = socket;
        this.layer = layer;
    }

    /**
     * Listens: binds a free port if the socket is unbound, writes our block as LISTENING
     * with the listener's terms (backlog, checksums, key nonce, encryption) and has our
     * node's acceptor answer requests to it. Nothing when it listens already.
     */
    void listen(int backlog) throws IOException {
        synchronized (socket) {
            socket.ensureOpen();
            ControlBlockHeader header = socket.header();
            if (socket.isConnected() || header.state() == STATE_CONNECTING) {
                throw new SocketException("Socket is connected; it cannot listen");
            }
            if (header.state() == STATE_LISTENING) {
                return;
            }
            SocketOptions options = socket.options();
            options.checkListenable();
            if (header.state() == STATE_OPEN) {
                header = layer.binder.bind(socket.index, header, 0);
                socket.setHeader(header);
            }
            options.listening(); // from here the key and encryption stay as the listener's terms read them
            AcceptQueue q = new AcceptQueue(socket, layer, backlog < 1 ? DEFAULT_BACKLOG : backlog);
            this.queue = q;
            ControlBlockHeader h = header.withParameter(STATE_LISTENING, q.backlog());
            socket.setHeader(layer.table.write(socket.index, options.listenerTerms(h, q.backlog())));
            layer.startListening(socket);
        }
    }

    /** Whether the backlog takes one more connection (for the acceptor). */
    boolean hasBacklogRoom() {
        AcceptQueue q = queue;
        return q != null && q.hasRoom();
    }

    /** Called by the acceptor; false when the listener closed meanwhile. */
    boolean enqueue(SocketCore s) {
        return queue.offer(s);
    }

    /**
     * Takes a connection answered for this listener.
     *
     * @param timeoutNanos negative: wait forever; 0: do not wait (null when none)
     * @throws SocketTimeoutException when the timeout passes
     */
    SocketCore accept(long timeoutNanos) throws IOException {
        socket.ensureOpen();
        AcceptQueue q = queue;
        if (q == null || socket.header().state() != STATE_LISTENING) {
            throw new SocketException("Socket is not listening");
        }
        return q.take(timeoutNanos, socket.options().idleStrategy());
    }

    /** The listener closes (holding the socket's lock): the acceptor forgets it, and the connections not taken are aborted. */
    void stop() {
        layer.stopListening(socket);
        socket.options().stoppedListening();
        AcceptQueue q = queue;
        if (q != null) {
            q.abortAll();
        }
    }

    /** The socket is fenced: the connections not taken are forgotten, touching nothing on the medium. */
    void fenced() {
        AcceptQueue q = queue;
        if (q != null) {
            q.clear();
        }
    }
}
