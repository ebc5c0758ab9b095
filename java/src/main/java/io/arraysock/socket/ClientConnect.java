package io.arraysock.socket;

import io.arraysock.format.ControlBlockHeader;

import java.io.IOException;
import java.net.SocketException;
import java.nio.channels.ConnectionPendingException;
import java.nio.channels.NoConnectionPendingException;

import static io.arraysock.format.ControlBlockDescriptor.STATE_LISTENING;

/**
 * One socket's client role: the blocking connect, and the non-blocking one ({@link #connectNow},
 * then {@link #finishConnect} until answered) with the attempt pending between the two. Each
 * attempt is a {@link ClientHandshake}; a posted one not answered yet is a
 * {@link PendingConnect}. Our control block stays the socket's: each call hands back the block
 * as the attempt left it ({@link SocketCore#setHeader}) and a connection to
 * {@link SocketCore#established}. Every call but {@link #isConnectionPending} holds the
 * socket's lock, as the socket's own state changes do.
 */
public final class ClientConnect {
    private final SocketCore socket;
    private final NodeContext node;
    private final ControlBlockTable table;
    private final ConnectWords words;
    private final SocketBlocks blocks;

    /** A connect started by {@link #connectNow}, not answered yet; guarded by the socket. */
    private volatile PendingConnect pending;

    /** The client role of {@code socket}, whose attempts use our node's table, connect words and blocks. */
    ClientConnect(SocketCore socket, NodeContext node, ControlBlockTable table, ConnectWords words, SocketBlocks blocks) {
        this.socket = socket;
        this.node = node;
        this.table = table;
        this.words = words;
        this.blocks = blocks;
    }

    /**
     * Connects to the socket listening on {@code port}.
     *
     * @param timeoutNanos negative or 0: wait forever
     * @throws java.net.ConnectException when nothing listens there, or the listener refuses
     * @throws java.net.SocketTimeoutException when no answer comes in time
     */
    public void connect(int port, long timeoutNanos) throws IOException {
        synchronized (socket) {
            ClientHandshake handshake = starting(port);
            try {
                socket.established(handshake.connect(port, timeoutNanos));
            } finally {
                socket.setHeader(handshake.header());
                socket.options().connecting(socket.isConnected());
            }
        }
    }

    /**
     * Starts connecting to the socket listening on {@code port} without waiting for the
     * answer: true when it connected at once; false when the request is pending (then
     * {@link #finishConnect} completes it).
     *
     * @throws java.net.ConnectException when nothing listens there, or the listener refuses us
     */
    public boolean connectNow(int port) throws IOException {
        synchronized (socket) {
            ClientHandshake handshake = starting(port);
            try {
                pending = handshake.begin(port, 0);
            } finally {
                socket.setHeader(handshake.header());
                socket.options().connecting(pending != null);
            }
            return finishConnect();
        }
    }

    /**
     * Looks once, without waiting, whether the pending connect was answered: true when
     * connected (also when connected already), false while pending. A refusal ends the
     * attempt (the socket is as before it) and is thrown.
     *
     * @throws NoConnectionPendingException when no connect was started
     * @throws java.net.ConnectException when the listener refused, closed or died
     */
    public boolean finishConnect() throws IOException {
        synchronized (socket) {
            socket.ensureOpen(); // first: a closed socket that had connected is not "connected" any more
            if (socket.isConnected()) {
                return true;
            }
            PendingConnect p = pending;
            if (p == null) {
                throw new NoConnectionPendingException();
            }
            Connection c = null;
            try {
                c = p.pollOrAbandon(System.nanoTime());
            } finally {
                if (c != null || p.isOver()) {
                    pending = null;
                    socket.setHeader(p.header());
                    socket.options().connecting(c != null);
                }
            }
            if (c == null) {
                return false;
            }
            socket.established(c);
            return true;
        }
    }

    /** Whether a connect started by {@link #connectNow} awaits its answer. */
    public boolean isConnectionPending() {
        return pending != null;
    }

    /**
     * The socket closes: takes a pending connect back. Returns our block as it was before
     * the attempt (OPEN or BOUND), or null when none was pending. Called holding the socket's lock.
     */
    ControlBlockHeader abandon() {
        PendingConnect p = pending;
        if (p == null) {
            return null;
        }
        pending = null;
        p.abandon();
        return p.header();
    }

    /** The checks before any connect; the handshake it starts from. */
    private ClientHandshake starting(int port) throws IOException {
        socket.ensureOpen();
        node.checkAttached();
        if (port < 1 || port > PortBinder.LAST_PORT) {
            throw new IllegalArgumentException("port out of range 1.." + PortBinder.LAST_PORT + ": " + port);
        }
        if (socket.isConnected()) {
            throw new SocketException("Already connected");
        }
        if (pending != null) {
            throw new ConnectionPendingException();
        }
        if (socket.header().state() == STATE_LISTENING) {
            throw new SocketException("Socket is listening; it cannot connect");
        }
        socket.options().connecting(true); // from here the payload checksums stay as the handshake reads them
        return new ClientHandshake(node, table, words, blocks, socket.index, socket.header(), socket.options());
    }
}
