package io.arraysock.socket;

import io.arraysock.IdleStrategy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

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
    /** How often a waiting socket re-reads its peer's control block, by medium. */
    private static final long PEER_CHECK_SHM_NANOS = 1_000_000;
    private static final long PEER_CHECK_BLOCK_NANOS = 10_000_000;
    private static final long CONNECT_POLL_MAX_NANOS = 2_000_000;
    private static final int CLOCK_ROUNDS = 8;
    /** Longest sleep of a thread in accept between looks (bounds the cost of a lost bell). */
    private static final long ACCEPT_SLEEP_MAX_NANOS = 1_000_000;
    /** A client awaiting an answer scans the listener's partition this often even unannounced. */
    private static final long CONNECT_LOOK_NANOS = 2_000_000;

    final SocketLayer layer;
    final int index;
    private final int type;
    private final long peerCheckNanos;

    private volatile ControlBlockHeader header;
    private volatile Connection connection;
    private volatile boolean closed;
    private volatile boolean outputShut;
    private volatile boolean inputShut;
    private volatile boolean peerGone;
    private volatile IdleStrategy idle;
    private volatile long receiveTimeoutNanos;
    private volatile int sendBufferSize = SocketLayer.DEFAULT_RING_SIZE;
    private volatile int receiveBufferSize = SocketLayer.DEFAULT_RING_SIZE;

    private volatile byte[] authKey;
    private volatile LinkedBlockingQueue<SocketCore> acceptQueue;
    private volatile int backlog;
    private long lastPeerCheck;

    SocketCore(SocketLayer layer, int index, ControlBlockHeader header) {
        this.layer = layer;
        this.index = index;
        this.header = header;
        this.type = header.type();
        this.idle = layer.idleStrategy();
        this.peerCheckNanos = layer.medium.supportsWakeups() ? PEER_CHECK_SHM_NANOS : PEER_CHECK_BLOCK_NANOS;
    }

    /** The server side of a new connection, answered by the acceptor for {@code listener}. */
    static SocketCore accepted(SocketLayer layer, SocketCore listener, int clientSlot, int clientIndex,
                               ControlBlockHeader client) throws IOException {
        int index = layer.allocateAnswerIndex();
        ControlBlockHeader h = layer.newHeader(index, client.type(), STATE_OPEN);
        long capacity = ringCapacity(Math.max(listener.sendBufferSize, client.parameter()), layer);
        long ring;
        try {
            ring = layer.allocateRing(capacity);
        } catch (IOException e) {
            layer.releaseBlock(index, h);
            throw e;
        }
        h = layer.table.write(index, h.withPort(STATE_OPEN, listener.localPort(), 0).withPeer(STATE_ESTABLISHED,
                clientSlot, clientIndex, client.generation(), client.ownerIncarnation(), client.localPort(),
                client.nonce(), ring, capacity, 0));
        SocketCore s = new SocketCore(layer, index, h);
        s.idle = listener.idle;
        s.receiveTimeoutNanos = listener.receiveTimeoutNanos;
        s.connection = new Connection(layer, index, h.generation(), client, clientSlot, clientIndex, client.nonce(),
                ring, capacity, client.localPort());
        layer.register(s);
        return s;
    }

    /** A ring size: a power of two within the limits and a quarter of the arena. */
    static long ringCapacity(long wanted, SocketLayer layer) {
        long max = Math.max(MIN_RING_CAPACITY, Math.min(MAX_RING_CAPACITY, Long.highestOneBit(layer.geometry.arenaSize() / 4)));
        long c = Math.max(MIN_RING_CAPACITY, Math.min(wanted, max));
        long pow2 = Long.highestOneBit(c) == c ? c : Long.highestOneBit(c) << 1;
        return Math.min(pow2, max);
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
        return inputShut;
    }

    public boolean isOutputShutdown() {
        return outputShut;
    }

    public IdleStrategy idleStrategy() {
        return idle;
    }

    public void idleStrategy(IdleStrategy strategy) {
        this.idle = java.util.Objects.requireNonNull(strategy, "strategy");
    }

    /** SO_TIMEOUT: 0 waits forever. */
    public void receiveTimeout(long millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("timeout must not be negative: " + millis);
        }
        this.receiveTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(millis);
    }

    public long receiveTimeoutMillis() {
        return TimeUnit.NANOSECONDS.toMillis(receiveTimeoutNanos);
    }

    /** The ring this side allocates for sending; takes effect at connect or, for a listener, for accepted sockets. */
    public void sendBufferSize(int bytes) {
        this.sendBufferSize = checkBufferSize(bytes);
    }

    public int sendBufferSize() {
        Connection c = connection;
        return c == null ? sendBufferSize : (int) Math.min(Integer.MAX_VALUE, c.producer.capacity());
    }

    /** The ring size asked of the peer at connect. */
    public void receiveBufferSize(int bytes) {
        this.receiveBufferSize = checkBufferSize(bytes);
    }

    public int receiveBufferSize() {
        Connection c = connection;
        return c == null ? receiveBufferSize : (int) Math.min(Integer.MAX_VALUE, c.consumer.capacity());
    }

    private static int checkBufferSize(int bytes) {
        if (bytes < MIN_RING_CAPACITY || bytes > MAX_RING_CAPACITY) {
            throw new IllegalArgumentException("buffer size must be in " + MIN_RING_CAPACITY + ".." + MAX_RING_CAPACITY + ": " + bytes);
        }
        return bytes;
    }

    /**
     * A pre-shared key: a listener with a key refuses connects that cannot prove it; a
     * client proves it to a listener that asks. Null removes it. Kept only in memory.
     */
    public synchronized void authenticationKey(byte[] key) throws SocketException {
        if (header.state() == STATE_LISTENING) {
            throw new SocketException("Set the key before listen");
        }
        if (key != null && key.length < 16) {
            throw new IllegalArgumentException("a key needs at least 16 bytes, got " + key.length);
        }
        this.authKey = key == null ? null : key.clone();
    }

    byte[] authKey() {
        return authKey;
    }

    /** Largest message a seqpacket socket may send (connected), or would send with its buffer size. */
    public int maxMessageSize() {
        Connection c = connection;
        return c == null ? RingProducer.maxMessage(ringCapacity(sendBufferSize, layer), layer.medium.kind()) : c.maxSendMessage;
    }

    /**
     * The exception to throw for an {@link InternalError} that came out of the medium (a
     * vanished page of a truncated segment): a SocketException naming the truncation. The
     * node is fenced: nothing more is written. Any other error is rethrown.
     */
    public SocketException faultOf(InternalError error) {
        java.io.IOException cause = layer.medium.faultOf(error);
        try {
            layer.fence();
        } catch (InternalError late) {
            cause.addSuppressed(late); // one more pending fault of the same truncation
        }
        SocketException e = new SocketException("Connection reset: " + cause.getMessage());
        e.initCause(cause);
        return e;
    }

    private void ensureOpen() throws SocketException {
        if (closed) {
            throw new SocketException("Socket is closed");
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

    public synchronized void listen(int backlog) throws IOException {
        ensureOpen();
        if (connection != null || header.state() == STATE_CONNECTING) {
            throw new SocketException("Socket is connected; it cannot listen");
        }
        if (header.state() == STATE_LISTENING) {
            return;
        }
        if (header.state() == STATE_OPEN) {
            header = layer.binder.bind(index, header, 0);
        }
        this.backlog = backlog < 1 ? 50 : backlog;
        this.acceptQueue = new LinkedBlockingQueue<>();
        ControlBlockHeader h = header.withParameter(STATE_LISTENING, this.backlog);
        if (authKey != null) {
            h = h.withFlags(h.flags() | FLAG_AUTH_REQUIRED).withPeer(STATE_LISTENING, 0, 0, 0, 0, 0,
                    ThreadLocalRandom.current().nextLong(), 0, 0, this.backlog);
        }
        header = layer.table.write(index, h);
        layer.startListening(this);
    }

    boolean hasBacklogRoom() {
        LinkedBlockingQueue<SocketCore> q = acceptQueue;
        return q != null && q.size() < backlog;
    }

    /** Called by the acceptor; false when the listener closed meanwhile. */
    boolean enqueue(SocketCore s) {
        if (closed) {
            return false;
        }
        acceptQueue.add(s);
        if (closed && acceptQueue.remove(s)) {
            return false;
        }
        return true;
    }

    /**
     * Takes a connection answered for this listener.
     *
     * @param timeoutNanos negative: wait forever; 0: do not wait (null when none)
     * @throws SocketTimeoutException when the timeout passes
     */
    public SocketCore accept(long timeoutNanos) throws IOException {
        ensureOpen();
        LinkedBlockingQueue<SocketCore> q = acceptQueue;
        if (q == null || header.state() != STATE_LISTENING) {
            throw new SocketException("Socket is not listening");
        }
        long start = System.nanoTime();
        long lastCheck = start;
        IdleStrategy.Sleeper bell = new AcceptSleeper(q);
        for (int round = 0; ; round++) {
            SocketCore s = q.poll();
            if (s == null) {
                layer.acceptPass(); // answer pending requests ourselves: no hand-off
                s = q.poll();
            }
            ensureOpen();
            if (s != null) {
                return s;
            }
            if (timeoutNanos == 0) {
                return null;
            }
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("accept interrupted");
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
            idle.idle(round, start, left, bell);
        }
    }

    /**
     * Sleeps on our node's connect bell, which clients ring after posting a request and the
     * acceptor thread rings after queueing a connection. Briefly: a ring that comes between
     * our last look and the sleep is lost (the bell is a bare wake, see SocketLayer).
     */
    private final class AcceptSleeper implements IdleStrategy.Sleeper {
        private final LinkedBlockingQueue<SocketCore> queue;

        AcceptSleeper(LinkedBlockingQueue<SocketCore> queue) {
            this.queue = queue;
        }

        @Override
        public boolean canSleep() {
            return layer.medium.supportsWakeups();
        }

        @Override
        public void sleep(long maxNanos) {
            long bell = layer.connectBell();
            int value = layer.medium.getIntAcquire(bell);
            if (queue.isEmpty() && !closed) {
                layer.medium.awaitChange(bell, value, Math.min(maxNanos, ACCEPT_SLEEP_MAX_NANOS));
            }
        }
    }

    // ---- connect -------------------------------------------------------------------------

    /**
     * Connects to the socket listening on {@code port}.
     *
     * @param timeoutNanos negative or 0: wait forever
     * @throws ConnectException       when nothing listens there, or the listener refuses
     * @throws SocketTimeoutException when no answer comes in time
     */
    public synchronized void connect(int port, long timeoutNanos) throws IOException {
        ensureOpen();
        layer.node.checkAttached();
        if (port < 1 || port > PortBinder.LAST_PORT) {
            throw new IllegalArgumentException("port out of range 1.." + PortBinder.LAST_PORT + ": " + port);
        }
        if (connection != null) {
            throw new SocketException("Already connected");
        }
        if (header.state() == STATE_LISTENING) {
            throw new SocketException("Socket is listening; it cannot connect");
        }
        long start = System.nanoTime();
        int[] found = locateListener(port);
        if (found == null) {
            throw new ConnectException("Connection refused: nothing listens on port " + port + " of " + layer.medium.path());
        }
        int lSlot = found[0];
        int lIndex = found[1];
        ControlBlockHeader listener = layer.table.read(lSlot, lIndex);
        if (listener == null || listener.state() != STATE_LISTENING || listener.localPort() != port) {
            throw new ConnectException("Connection refused: the listener on port " + port + " went away");
        }
        byte[] key = authKey;
        if (listener.hasFlag(FLAG_AUTH_REQUIRED) && key == null) {
            throw new ConnectException("Connection refused: the listener on port " + port
                    + " requires authentication (set a pre-shared key on this socket)");
        }
        long capacity = ringCapacity(sendBufferSize, layer);
        long ring = layer.allocateRing(capacity);
        long nonce = ThreadLocalRandom.current().nextLong() | 1;
        byte[] tag = listener.hasFlag(FLAG_AUTH_REQUIRED)
                ? ConnectProof.tag(key, listener.nonce(), new ConnectProof.Identity(lSlot, lIndex, listener.generation(),
                        listener.ownerIncarnation()), new ConnectProof.Identity(layer.slot, index, header.generation(),
                        layer.node.incarnation()), nonce)
                : ControlBlockHeader.NO_TAG;
        int restState = header.state();
        ControlBlockHeader before = header;
        boolean done = false;
        try {
            long answersSeen = layer.connectAnswers(lSlot); // before the request: any answer to it changes it
            header = layer.table.write(index, header.withPeer(STATE_CONNECTING, lSlot, lIndex, listener.generation(),
                    listener.ownerIncarnation(), port, nonce, ring, capacity, receiveBufferSize).withAuthTag(tag));
            layer.announceConnectRequest();
            layer.ringConnectBell(lSlot);
            awaitAnswer(port, lSlot, lIndex, listener, nonce, ring, capacity, start, timeoutNanos, answersSeen);
            done = true;
        } finally {
            if (!done) {
                header = layer.table.write(index, before.withSequence(header.sequence()).withState(restState));
                layer.arena.release(ring, capacity);
            }
        }
    }

    static String refusalReason(int code) {
        return switch (code) {
            case REFUSED_BACKLOG_FULL -> "backlog full";
            case REFUSED_AUTHENTICATION -> "authentication failed (wrong pre-shared key)";
            case REFUSED_TYPE_MISMATCH -> "socket types differ (stream vs seqpacket)";
            case REFUSED_BAD_REQUEST -> "malformed connect request";
            case REFUSED_NO_RESOURCES -> "the listener's node has no free control block or ring memory";
            default -> "reason " + code;
        };
    }

    /** Where the listener on {@code port} is: where it was last time if it is still there, else by a scan. */
    private int[] locateListener(int port) {
        int[] hint = layer.listenerHint(port);
        if (hint != null) {
            ControlBlockHeader h = layer.table.read(hint[0], hint[1]);
            long live = hint[0] == layer.slot ? layer.node.incarnation() : layer.node.liveIncarnation(hint[0]);
            if (h != null && h.state() == STATE_LISTENING && h.localPort() == port && h.ownerIncarnation() == live) {
                return hint;
            }
        }
        int[] found = findListener(port);
        if (found != null) {
            layer.rememberListener(port, found[0], found[1]);
        }
        return found;
    }

    private int[] findListener(int port) {
        int[] found = {-1, -1};
        layer.table.scan((s, i, h) -> {
            if (h.state() == STATE_LISTENING && h.localPort() == port) {
                found[0] = s;
                found[1] = i;
            }
        });
        return found[0] < 0 ? null : found;
    }

    /**
     * Waits for the listener's node to answer our request. It announces each answer it
     * writes in its node record, so we read that one word per round and scan its partition
     * only when it changed (and every {@value #CONNECT_LOOK_NANOS} ns regardless). Between
     * rounds we idle as the socket's strategy says; asleep, on our own head word, which the
     * acceptor wakes.
     */
    private void awaitAnswer(int port, int lSlot, int lIndex, ControlBlockHeader listener, long nonce, long ring,
                             long capacity, long start, long timeoutNanos, long answersSeen) throws IOException {
        int mySlot = layer.slot;
        int myGen = header.generation();
        long myInc = layer.node.incarnation();
        long ownHeadWord = layer.table.offset(mySlot, index) + RX_HEAD_OFFSET;
        int[] answer = {-1, -1};
        ControlBlockHeader[] answerHeader = {null};
        IdleStrategy.Sleeper sleeper = new IdleStrategy.Sleeper() {
            @Override
            public boolean canSleep() {
                return layer.medium.supportsWakeups();
            }

            @Override
            public void sleep(long maxNanos) {
                // The bell is a bare futex wake on a word only the listener's node may write,
                // so a ring that lands while its acceptor is between a look and its sleep is
                // lost: ring again before every sleep, which bounds the loss to one sleep.
                layer.ringConnectBell(lSlot);
                layer.medium.awaitChange(ownHeadWord, 0, Math.min(maxNanos, CONNECT_POLL_MAX_NANOS));
            }
        };
        long seen = answersSeen;
        long lastLook = start;
        long lastCheck = start;
        for (int round = 0; ; round++) {
            long posted = layer.connectAnswers(lSlot);
            long now = System.nanoTime();
            if (posted != seen || now - lastLook >= CONNECT_LOOK_NANOS) {
                seen = posted;
                lastLook = now;
                answer[0] = -1;
                layer.table.scanPartition(lSlot, (s, i, h) -> {
                    // CLOSED too: the server may accept and close before we look; like TCP, the
                    // connect still succeeds, and the first receive sees the end of the stream.
                    if ((h.state() == STATE_ESTABLISHED || h.state() == STATE_REFUSED || h.state() == STATE_CLOSED)
                            && h.nonce() == nonce
                            && h.pointsAt(mySlot, index, myGen, myInc)) {
                        answer[0] = s;
                        answer[1] = i;
                        answerHeader[0] = h;
                    }
                });
            }
            if (answer[0] >= 0) {
                ControlBlockHeader a = answerHeader[0];
                if (a.state() == STATE_REFUSED) {
                    throw new ConnectException("Connection refused by the listener on port " + port + ": "
                            + refusalReason(a.parameter()));
                }
                if (!a.ringFits(layer.geometry, lSlot)) {
                    throw new ConnectException("Connection refused: the answer's ring lies outside node " + lSlot + "'s arena");
                }
                header = layer.table.write(index, header.withPeer(STATE_ESTABLISHED, answer[0], answer[1], a.generation(),
                        a.ownerIncarnation(), port, nonce, ring, capacity, 0));
                connection = new Connection(layer, index, header.generation(), a, answer[0], answer[1], nonce, ring,
                        capacity, port);
                return;
            }
            long elapsed = now - start;
            if (timeoutNanos > 0 && elapsed >= timeoutNanos) {
                throw new SocketTimeoutException("Connect timed out after " + TimeUnit.NANOSECONDS.toMillis(elapsed)
                        + " ms (port " + port + ")");
            }
            if (now - lastCheck >= peerCheckNanos) {
                lastCheck = now;
                ControlBlockHeader l = layer.table.read(lSlot, lIndex);
                if (layer.node.liveIncarnation(lSlot) != listener.ownerIncarnation() || l == null
                        || l.state() != STATE_LISTENING || l.generation() != listener.generation()) {
                    throw new ConnectException("Connection refused: the listener on port " + port + " closed");
                }
                layer.node.checkAttached();
                layer.ringConnectBell(lSlot); // for a spinning client, which never sleeps (see the sleeper)
            }
            idle.idle(round, start, timeoutNanos > 0 ? timeoutNanos - elapsed : Long.MAX_VALUE, sleeper);
        }
    }

    // ---- data ----------------------------------------------------------------------------

    private Connection connected() throws SocketException {
        ensureOpen();
        Connection c = connection;
        if (c == null) {
            throw new SocketException("Socket is not connected");
        }
        return c;
    }

    /**
     * The clock for an idle loop, read every {@value #CLOCK_ROUNDS} rounds only: a read costs
     * tens of ns on a VM's paravirtual clock, about as much as a look at the ring, and the
     * timeouts and peer checks it serves need no finer grain.
     */
    private static long clockAt(int round, long last) {
        return (round & (CLOCK_ROUNDS - 1)) == 0 ? System.nanoTime() : last;
    }

    private void checkPeerEvery(Connection c, long now) throws SocketException {
        if (now - lastPeerCheck >= peerCheckNanos) {
            lastPeerCheck = now;
            checkPeer(c);
        }
    }

    private int checkPeer(Connection c) throws SocketException {
        try {
            return c.peerStatus();
        } catch (SocketException e) {
            peerGone = true;
            throw e;
        }
    }

    /**
     * Sends bytes of a stream socket. Blocking: sends all of {@code src}. Non-blocking:
     * sends what fits now (maybe 0).
     */
    public int send(ByteBuffer src, boolean blocking) throws IOException {
        Connection c = connected();
        requireType(TYPE_STREAM);
        if (outputShut) {
            throw new SocketException("Socket output is shutdown");
        }
        int total = 0;
        int round = 0;
        long since = 0;
        long now = 0;
        while (src.hasRemaining()) {
            int n = c.producer.offer(src);
            if (n > 0) {
                total += n;
                round = 0;
                continue;
            }
            if (c.producer.peerShut()) {
                return total + discardOrFail(c, src);
            }
            now = clockAt(round, now);
            checkPeerEvery(c, now);
            if (!blocking) {
                break;
            }
            if (round == 0) {
                since = now;
                c.producer.publishTail(); // block medium: the consumer may need it before we write again
            }
            ensureOpen();
            idle.idle(round++, since, Long.MAX_VALUE, c.producer);
        }
        return total;
    }

    /** The peer reads no more: like TCP, bytes sent after its shutdownInput vanish; after its close, the pipe is broken. */
    private int discardOrFail(Connection c, ByteBuffer src) throws SocketException {
        if ((checkPeer(c) & Connection.PEER_CLOSED) != 0) {
            throw new SocketException("Broken pipe: the peer closed the connection");
        }
        int n = src.remaining();
        src.position(src.limit());
        return n;
    }

    /**
     * Receives bytes of a stream socket: at least one byte, or -1 at end of stream
     * (blocking); what is there, maybe 0, or -1 (non-blocking).
     *
     * @throws SocketTimeoutException when the receive timeout passes with no byte
     */
    public int receive(ByteBuffer dst, boolean blocking) throws IOException {
        Connection c = connected();
        requireType(TYPE_STREAM);
        if (inputShut) {
            return -1;
        }
        int round = 0;
        long since = 0;
        long now = 0;
        long timeout = receiveTimeoutNanos;
        while (true) {
            int n = c.consumer.poll(dst);
            if (n > 0 || !dst.hasRemaining()) {
                return n;
            }
            if (c.consumer.peerEnded()) {
                n = c.consumer.poll(dst);
                return n > 0 ? n : -1;
            }
            c.consumer.publishHead();
            now = clockAt(round, now);
            if (round == 0) {
                since = now;
            }
            checkPeerEvery(c, now);
            if (!blocking) {
                return 0;
            }
            idleForReceive(c, round++, since, now, timeout);
        }
    }

    /**
     * Bytes a stream receive would return now without waiting: 0 when none, after input
     * shutdown, or on an unconnected socket (as {@code InputStream.available()}).
     */
    public int available() throws IOException {
        ensureOpen();
        Connection c = connection;
        if (c == null || inputShut || type != TYPE_STREAM) {
            return 0;
        }
        return (int) Math.min(Integer.MAX_VALUE, c.consumer.available());
    }

    private void idleForReceive(Connection c, int round, long since, long now, long timeout) throws IOException {
        long left = Long.MAX_VALUE;
        if (timeout > 0) {
            left = timeout - (now - since);
            if (left <= 0) {
                throw new SocketTimeoutException("Read timed out");
            }
        }
        ensureOpen();
        if (inputShut) {
            return;
        }
        idle.idle(round, since, left, c.consumer);
    }

    /**
     * Sends one message of a seqpacket socket, whole. Blocking: waits for room. Non-blocking:
     * returns false when the ring has no room for it now.
     */
    public boolean sendMessage(ByteBuffer src, boolean blocking) throws IOException {
        Connection c = connected();
        requireType(TYPE_SEQPACKET);
        if (outputShut) {
            throw new SocketException("Socket output is shutdown");
        }
        if (src.remaining() > c.maxSendMessage) {
            throw new java.io.IOException("Message too long: " + src.remaining() + " bytes, the maximum is "
                    + c.maxSendMessage + " (what one record of the send buffer holds)");
        }
        int round = 0;
        long since = 0;
        long now = 0;
        while (true) {
            if (c.producer.offerMessage(src)) {
                return true;
            }
            if (c.producer.peerShut()) {
                discardOrFail(c, src);
                return true;
            }
            now = clockAt(round, now);
            checkPeerEvery(c, now);
            if (!blocking) {
                return false;
            }
            if (round == 0) {
                since = now;
                c.producer.publishTail(); // block medium: the consumer may need it before we write again
            }
            ensureOpen();
            idle.idle(round++, since, Long.MAX_VALUE, c.producer);
        }
    }

    /**
     * Receives one message of a seqpacket socket.
     *
     * @return its length (0 is an empty message); -1 at end of stream; -2 when there is
     *     nothing yet (non-blocking only)
     * @throws io.arraysock.MessageTooLargeException when it does not fit {@code dst} and
     *     {@code truncate} is false; the message stays queued
     */
    public long receiveMessage(ByteBuffer dst, boolean blocking, boolean truncate) throws IOException {
        Connection c = connected();
        requireType(TYPE_SEQPACKET);
        if (inputShut) {
            return -1;
        }
        int round = 0;
        long since = 0;
        long now = 0;
        long timeout = receiveTimeoutNanos;
        int room = dst.remaining();
        while (true) {
            long len = c.consumer.pollMessage(dst, c.maxReceiveMessage, truncate);
            if (len == RingConsumer.EMPTY && c.consumer.peerEnded()) {
                len = c.consumer.pollMessage(dst, c.maxReceiveMessage, truncate);
                if (len == RingConsumer.EMPTY) {
                    return -1;
                }
            }
            if (len != RingConsumer.EMPTY) {
                if (len > room && !truncate) {
                    throw new io.arraysock.MessageTooLargeException(len, room);
                }
                return len;
            }
            c.consumer.publishHead();
            now = clockAt(round, now);
            if (round == 0) {
                since = now;
            }
            checkPeerEvery(c, now);
            if (!blocking) {
                return RingConsumer.EMPTY;
            }
            idleForReceive(c, round++, since, now, timeout);
        }
    }

    private void requireType(int wanted) {
        if (type != wanted) {
            throw new UnsupportedOperationException(type == TYPE_STREAM
                    ? "a stream socket sends and receives bytes, not messages"
                    : "a seqpacket socket sends and receives messages, not bytes");
        }
    }

    // ---- shutdown and close --------------------------------------------------------------

    public synchronized void shutdownOutput() throws IOException {
        Connection c = connected();
        if (!outputShut) {
            outputShut = true;
            c.producer.end();
        }
    }

    public synchronized void shutdownInput() throws IOException {
        Connection c = connected();
        if (!inputShut) {
            inputShut = true;
            c.consumer.shut();
        }
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
     * Marks the socket closed without touching the medium (our slot is no longer ours).
     * Without the socket's lock: the fence runs holding the heartbeat's, and a closing
     * thread holds the socket's while it asks the heartbeat whether we are attached (the
     * two deadlocked when a loaded machine stalled the heartbeat past the liveness timeout).
     */
    void fence() {
        closed = true;
        peerGone = true;
        LinkedBlockingQueue<SocketCore> q = acceptQueue;
        if (q != null) {
            q.clear();
        }
    }

    /** Closes without the courtesy of a clean end (array closing): peers see a reset. */
    void abort() {
        synchronized (this) {
            if (closed && connection == null) {
                return;
            }
            closed = true;
        }
        finish(false);
    }

    private synchronized void finish(boolean graceful) {
        int state = header.state();
        if (state == STATE_LISTENING) {
            layer.stopListening(this);
            LinkedBlockingQueue<SocketCore> q = acceptQueue;
            for (SocketCore s; q != null && (s = q.poll()) != null; ) {
                s.abort();
            }
        }
        Connection c = connection;
        if (c != null && graceful && !peerGone && header.state() == STATE_ESTABLISHED) {
            if (!outputShut) {
                outputShut = true;
                c.producer.end();
            }
            if (!inputShut) {
                inputShut = true;
                c.consumer.shut();
            }
            header = layer.table.write(index, header.withState(STATE_CLOSED));
            if (!peerDone(c)) {
                layer.linger(this);
                return;
            }
        }
        if (header.state() != STATE_FREE) {
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
        if (peerDone(c)) {
            layer.release(this, header);
            header = header.withState(STATE_FREE);
        }
    }

    /** Whether the peer will read our ring no more: it closed, or it is gone. */
    private static boolean peerDone(Connection c) {
        try {
            return (c.peerStatus() & Connection.PEER_CLOSED) != 0;
        } catch (SocketException gone) {
            return true;
        }
    }

    @Override
    public String toString() {
        return "socket " + layer.slot + "/" + index + " state " + header.state() + " port " + header.localPort();
    }
}
