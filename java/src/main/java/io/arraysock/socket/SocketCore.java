package io.arraysock.socket;

import io.arraysock.format.ControlBlockHeader;

import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;

import static io.arraysock.format.ControlBlockDescriptor.*;

/**
 * One socket's state machine over its control block (see docs/PROTOCOL.md):
 * <pre>
 *  OPEN --bind--> BOUND --listen--> LISTENING
 *    |              |
 *    +---connect----+--> CONNECTING --answer--> ESTABLISHED --close--> CLOSED --peer lets go--> FREE
 * </pre>
 * Internal: the public face is {@code io.arraysock.ArraySocket}. One thread may receive
 * while another sends; state changes (bind, listen, connect, shutdown, close) are
 * serialized on the socket.
 */
public final class SocketCore {
    final SocketLayer layer;
    final int index;
    private final int type;
    private final SocketOptions options;

    private volatile ControlBlockHeader header;
    /** Set once, after {@link #sender} and {@link #receiver}: a non-null connection has both. */
    private volatile Connection connection;
    private SendPath sender;
    private ReceivePath receiver;
    private volatile boolean closed;
    /** Why the socket was fenced, if it was (see {@link #fence}). */
    private volatile IOException fencedBecause;
    private volatile boolean peerGone;

    /** The client role: connect, and a non-blocking connect's pending attempt. */
    private final ClientConnect client;
    /** The listening role: listen, the backlog, accept. */
    private final ListenerRole server;

    SocketCore(SocketLayer layer, int index, ControlBlockHeader header) {
        this(layer, index, header, new SocketOptions(layer.idleStrategy(), layer.ringPolicy, layer.medium.path()));
    }

    /** A socket with {@code options} of its own (an accepted one: its listener's, inherited). */
    SocketCore(SocketLayer layer, int index, ControlBlockHeader header, SocketOptions options) {
        this.layer = layer;
        this.index = index;
        this.header = header;
        this.type = header.type();
        this.options = options;
        this.client = new ClientConnect(this, layer.node, layer.table, layer.connectWords, layer.blocks);
        this.server = new ListenerRole(this, layer);
    }

    ControlBlockHeader header() {
        return header;
    }

    int generation() {
        return header.generation();
    }

    public int typeCode() {
        return type;
    }

    public int localPort() {
        return header.localPort();
    }

    /** The peer's port (the port connected to, for a client); 0 when unconnected or the peer is unbound. */
    public int remotePort() {
        Connection c = connection;
        return c == null ? 0 : c.remotePort;
    }

    /** The peer's node slot, or -1 when unconnected. */
    public int remoteNode() {
        Connection c = connection;
        return c == null ? -1 : c.peerSlot;
    }

    public int localNode() {
        return layer.slot;
    }

    public boolean isConnected() {
        return connection != null;
    }

    public boolean isListening() {
        return header.state() == STATE_LISTENING && !closed;
    }

    public boolean isBound() {
        return header.localPort() != 0;
    }

    public boolean isClosed() {
        return closed;
    }

    public boolean isInputShutdown() {
        return connection != null && receiver.isShut();
    }

    public boolean isOutputShutdown() {
        return connection != null && sender.isShut();
    }

    /** This socket's settings: idle strategy, receive timeout, buffer sizes, key and encryption. */
    public SocketOptions options() {
        return options;
    }

    /** Largest message a seqpacket socket may send (connected), or would send with its buffer size. */
    public int maxMessageSize() {
        Connection c = connection;
        return c == null ? options.maxMessage(layer.blocks.ringCapacity(options.sendBufferSize())) : c.maxSendMessage;
    }

    /** The typed exception for a fault that came out of the medium, the node fenced ({@link SocketFaults#faultOf}). */
    public SocketException faultOf(Throwable fault) {
        return layer.faults.faultOf(fault);
    }

    /** Ends a public call: a fault the JVM has not raised yet fails it now ({@link SocketFaults#surfaceLateFault}). */
    public void surfaceLateFault() throws SocketException {
        layer.faults.surfaceLateFault();
    }

    void ensureOpen() throws SocketException {
        if (closed) {
            IOException why = fencedBecause;
            if (why == null) {
                throw new SocketException("Socket is closed");
            }
            throw SocketFaults.resetBy(why);
        }
    }

    // ---- bind, listen, accept -------------------------------------------------------------

    public synchronized void bind(int port) throws IOException {
        ensureOpen();
        layer.node.checkAttached();
        if (header.state() != STATE_OPEN) {
            throw new SocketException("Already bound to port " + header.localPort());
        }
        header = layer.binder.bind(index, header, port);
    }

    /** Listens, with {@code backlog} connections answered ahead of accept (below 1: 50); see {@link ListenerRole#listen}. */
    public void listen(int backlog) throws IOException {
        server.listen(backlog);
    }

    /**
     * Takes a connection answered for this listener.
     *
     * @param timeoutNanos negative: wait forever; 0: do not wait (null when none)
     * @throws SocketTimeoutException when the timeout passes
     */
    public SocketCore accept(long timeoutNanos) throws IOException {
        return server.accept(timeoutNanos);
    }

    /** This socket's listening role (for the acceptor: the backlog). */
    ListenerRole server() {
        return server;
    }

    // ---- connect -------------------------------------------------------------------------

    /** This socket's client role: the blocking and the non-blocking connect. */
    public ClientConnect client() {
        return client;
    }

    /**
     * Our block as a role's state change left it: a connect attempt (established, or as
     * before it), each write of a listen. Holding the socket's lock.
     */
    void setHeader(ControlBlockHeader h) {
        header = h;
    }

    /** Sets up both directions' data paths, then publishes the connection. */
    void established(Connection c) {
        sender = new SendPath(this, c, c.policy);
        receiver = new ReceivePath(this, c, c.policy);
        options.connected(c);
        connection = c;
    }

    // ---- data ----------------------------------------------------------------------------

    /** The connection, or null before one is established. */
    Connection connection() {
        return connection;
    }

    /** What the sending direction counted, or null before a connection (for counters and JMX). */
    DirectionCounters sent() {
        return connection == null ? null : sender.counters;
    }

    /** What the receiving direction counted, or null before a connection. */
    DirectionCounters received() {
        return connection == null ? null : receiver.counters;
    }

    private Connection connected() throws SocketException {
        ensureOpen();
        Connection c = connection;
        if (c == null) {
            throw new SocketException("Socket is not connected");
        }
        return c;
    }

    /** The peer was found gone: a close then releases at once, without the courtesy of an end. */
    void peerLost() {
        peerGone = true;
    }

    /**
     * The sending direction, for a data call of the connection (its calls check the socket
     * type): throws as every data call does when the socket is closed or not connected.
     */
    public SendPath sending() throws SocketException {
        connected();
        return sender;
    }

    /** The receiving direction, for a data call: as {@link #sending}. */
    public ReceivePath receiving() throws SocketException {
        connected();
        return receiver;
    }

    /**
     * Bytes a stream receive would return now without waiting: 0 when none, after input
     * shutdown, or on an unconnected socket (as {@code InputStream.available()}).
     */
    public int available() throws IOException {
        ensureOpen();
        if (connection == null || receiver.isShut() || type != TYPE_STREAM) {
            return 0;
        }
        return (int) Math.min(Integer.MAX_VALUE, receiver.available());
    }

    /**
     * For an event loop about to sleep on our node's loop bell: marks (or clears) our rx
     * waiting word ({@code read}) and tx waiting word ({@code write}), so the peer rings the
     * bell when it publishes or frees room (docs/PROTOCOL.md, "Event loops"). Nothing on a
     * medium without wake-ups, or when not connected. The loop is both directions' thread.
     */
    public void loopWaiting(boolean read, boolean write) {
        Connection c = connection;
        if (c != null) {
            c.consumer.loopWaiting(read);
            c.producer.loopWaiting(write);
        }
    }

    /** Our node's loop bell, which an event loop serving this socket sleeps on. */
    public io.arraysock.api.Doorbell doorbell() {
        return layer.loopBell;
    }

    /** Refuses a data call of the other socket type: {@code type} is the socket's, {@code wanted} the call's. */
    static void requireType(int type, int wanted) {
        if (type != wanted) {
            throw new UnsupportedOperationException(type == TYPE_STREAM
                    ? "a stream socket sends and receives bytes, not messages"
                    : "a seqpacket socket sends and receives messages, not bytes");
        }
    }

    // ---- shutdown and close --------------------------------------------------------------

    public synchronized void shutdownOutput() throws IOException {
        connected();
        sender.shutdown();
    }

    public synchronized void shutdownInput() throws IOException {
        connected();
        receiver.shutdown();
    }

    /**
     * Closes the socket. A connected socket ends its stream and stays on the medium as
     * CLOSED until the peer lets go (then the node releases it); anything else is released
     * at once. Idempotent.
     */
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        finish(true);
    }

    /**
     * Marks the socket closed without touching the medium (our slot is no longer ours);
     * later calls fail with "Connection reset: " and {@code why}'s message, caused by it
     * (null: "Socket is closed").
     * Without the socket's lock: the fence runs holding the heartbeat's, and a closing
     * thread holds the socket's while it asks the heartbeat whether we are attached (the
     * two deadlocked when a loaded machine stalled the heartbeat past the liveness timeout).
     */
    void fence(IOException why) {
        if (!closed) {
            fencedBecause = why;
        }
        closed = true;
        peerGone = true;
        Connection c = connection;
        if (c != null) {
            c.producer.stop(false); // no wait: a write of its may hang on the failed path
        }
        server.fenced();
    }

    /** Closes without the courtesy of a clean end (array closing, {@code ArraySocket.abort}): peers see a reset. */
    public void abort() {
        synchronized (this) {
            if (closed && connection == null) {
                return;
            }
            closed = true;
        }
        finish(false);
    }

    private synchronized void finish(boolean graceful) {
        ControlBlockHeader before = client.abandon(); // a pending connect taken back: released below
        if (before != null) {
            header = before;
        }
        int state = header.state();
        if (state == STATE_LISTENING) {
            server.stop();
        }
        Connection c = connection;
        // An abort before the client saw our answer closes as a close does: released at once,
        // the answer would vanish and the client wait out its whole connect for it.
        boolean unseen = !graceful && c != null && !peerGone && header.state() == STATE_ESTABLISHED && c.peerConnecting();
        if (c != null && (graceful || unseen) && !peerGone && header.state() == STATE_ESTABLISHED) {
            sender.shutdown();
            receiver.shutdown();
            header = layer.table.write(index, header.withState(STATE_CLOSED));
            if (!c.peerDone()) {
                layer.linger(this);
                return;
            }
        }
        if (header.state() != STATE_FREE) {
            if (c != null) {
                c.producer.stop(true); // an array closing gave its peer time already (StorageArray.close)
            }
            layer.release(this, header);
            header = header.withState(STATE_FREE);
        }
    }

    /** For a lingering closed socket: releases it once the peer is closed, released, or dead. */
    synchronized void releaseIfPeerDone() {
        Connection c = connection;
        if (header.state() != STATE_CLOSED) {
            return;
        }
        if (c.peerDone()) {
            c.producer.stop(true);
            layer.release(this, header);
            header = header.withState(STATE_FREE);
        }
    }

    @Override
    public String toString() {
        return "socket " + layer.slot + "/" + index + " state " + header.state() + " port " + header.localPort();
    }
}
