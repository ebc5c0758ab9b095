package io.arraysock;

import io.arraysock.api.Doorbell;
import io.arraysock.api.IdleStrategy;
import io.arraysock.api.MessageTooLargeException;
import io.arraysock.api.ReceiveHandler;
import io.arraysock.api.SocketType;
import io.arraysock.medium.MediumFaultException;
import io.arraysock.socket.NodeCounters;
import io.arraysock.socket.SocketCore;

import java.io.Closeable;
import java.io.IOException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;

/**
 * A socket through the array: the BSD socket calls of a stream or seqpacket socket, whose
 * bytes travel through the array's shared storage. Made by {@link StorageArray#openSocket}.
 *
 * <pre>{@code
 * try (StorageArray array = StorageArray.attach("/dev/shm/backup");
 *      ArraySocket server = array.openSocket(SocketType.STREAM)) {
 *     server.bind(7000);
 *     server.listen(16);
 *     try (ArraySocket peer = server.accept()) {
 *         ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
 *         while (peer.receive(buf.clear()) >= 0) { ... }
 *     }
 * }
 * }</pre>
 *
 * <p>Errors have {@code java.net}'s meaning: {@link java.net.BindException} (port in use),
 * {@link java.net.ConnectException} (nothing listens, or the backlog is full),
 * {@link java.net.SocketTimeoutException}, and {@link java.net.SocketException} for a reset
 * connection (the peer died or its socket vanished), a broken pipe, or any call on a closed
 * socket ("Socket is closed"). When the medium fails under a call (an I/O error: the
 * storage path failed; or a truncated segment) the call throws a SocketException
 * "Connection reset: ..." whose cause is the typed
 * {@link io.arraysock.api.StoragePathFailedException} or
 * {@link io.arraysock.medium.MediumTruncatedException}; the node then stops writing, and
 * every other call on its sockets fails the same way.
 *
 * <p>Thread safety: like {@code SocketChannel}, one thread may receive while another sends;
 * two concurrent senders (or receivers) must synchronize between themselves. Other calls
 * may come from any thread.
 */
public final class ArraySocket implements Closeable {
    /** {@link #receiveMessageNow} found no message. */
    public static final int NO_MESSAGE = -2;

    private static final Transfer SEND = (c, b) -> c.sending().send(b, true);
    private static final Transfer SEND_NOW = (c, b) -> c.sending().send(b, false);
    private static final Gather SEND_ALL = (s, c, b, o, n) -> c.sending().send((ByteBuffer[]) b, o, n, true);
    private static final Gather SEND_ALL_NOW = (s, c, b, o, n) -> c.sending().send((ByteBuffer[]) b, o, n, false);
    private static final Gather RECEIVE_ALL = (s, c, b, o, n) -> c.receiving().receive((ByteBuffer[]) b, o, n, true);
    private static final Gather RECEIVE_ALL_NOW = (s, c, b, o, n) -> c.receiving().receive((ByteBuffer[]) b, o, n, false);
    private static final Transfer RECEIVE = (c, b) -> c.receiving().receive(b, true);
    private static final Transfer RECEIVE_NOW = (c, b) -> c.receiving().receive(b, false);
    private static final Transfer AVAILABLE = (c, b) -> c.available();
    private static final Transfer READABLE = (c, b) -> c.receiving().readable() ? 1 : 0;
    private static final Transfer SENDABLE = (c, b) -> c.sending().sendable();
    private static final Transfer SEND_MESSAGE = (c, b) -> c.sending().sendMessage(b, true) ? 1 : 0;
    private static final Transfer SEND_MESSAGE_NOW = (c, b) -> c.sending().sendMessage(b, false) ? 1 : 0;
    private static final Transfer RECEIVE_MESSAGE = (c, b) -> c.receiving().receiveMessage(b, true, false);
    private static final Transfer RECEIVE_MESSAGE_TRUNCATING = (c, b) -> c.receiving().receiveMessage(b, true, true);
    private static final Transfer RECEIVE_MESSAGE_NOW = (c, b) -> c.receiving().receiveMessage(b, false, false);
    private static final Gather SEND_MESSAGES = (s, c, b, o, n) -> c.sending().sendMessages((ByteBuffer[]) b, o, n, true);
    private static final Gather SEND_MESSAGES_NOW = (s, c, b, o, n) -> c.sending().sendMessages((ByteBuffer[]) b, o, n, false);
    private static final Gather RECEIVE_MESSAGES = (s, c, b, o, n) -> c.receiving().receiveMessages((ByteBuffer[]) b, o, n, true);
    private static final Gather RECEIVE_MESSAGES_NOW = (s, c, b, o, n) -> c.receiving().receiveMessages((ByteBuffer[]) b, o, n, false);
    private static final Gather CLAIM = (s, c, a, unused, n) -> ((SendClaim) a).open(s, c.sending(), n, true);
    private static final Gather TRY_CLAIM = (s, c, a, unused, n) -> ((SendClaim) a).open(s, c.sending(), n, false);
    private static final Gather COMMIT = (s, c, a, unused, n) -> {
        c.sending().commit();
        return 0;
    };
    private static final Gather POLL = (s, c, a, unused, n) -> c.receiving().poll((ReceiveHandler) a, n);

    private final SocketCore core;
    private final SocketType type;
    /** The node's counters: connects, accepts, resets (each connection's first). */
    private final NodeCounters counters;
    private final Jmx jmx;
    private volatile boolean resetCounted;
    private final ArrayView sendView = new ArrayView();
    private final ArrayView receiveView = new ArrayView();

    ArraySocket(SocketCore core, SocketType type, NodeCounters counters, Jmx jmx) {
        this.core = core;
        this.type = type;
        this.counters = counters;
        this.jmx = jmx;
    }

    public SocketType type() {
        return type;
    }

    // ---- addresses --------------------------------------------------------------------

    /**
     * Binds to {@code port}: a well-known port (1..49151), or 0 for a free port from the
     * ephemeral range (49152..65535), which {@link #localPort()} then returns.
     *
     * @throws java.net.BindException when another socket on the array holds the port
     */
    public void bind(int port) throws IOException {
        run(c -> c.bind(port));
    }

    /** getsockname: the bound port, or 0. */
    public int localPort() {
        return core.localPort();
    }

    /** getpeername: the port connected to (client) or the client's bound port (server side; 0 if unbound). */
    public int remotePort() {
        return core.remotePort();
    }

    /** The node slot of this socket's process on the array. */
    public int localNode() {
        return core.localNode();
    }

    /** The node slot of the peer's process, or -1 when unconnected. */
    public int remoteNode() {
        return core.remoteNode();
    }

    public boolean isBound() {
        return core.isBound();
    }

    public boolean isConnected() {
        return core.isConnected();
    }

    public boolean isListening() {
        return core.isListening();
    }

    public boolean isClosed() {
        return core.isClosed();
    }

    public boolean isInputShutdown() {
        return core.isInputShutdown();
    }

    public boolean isOutputShutdown() {
        return core.isOutputShutdown();
    }

    // ---- listen and accept ------------------------------------------------------------

    /**
     * Listens for connections (binding an ephemeral port first if unbound). Up to
     * {@code backlog} connections complete before {@link #accept} takes them; more are
     * refused. A backlog below 1 means 50.
     */
    public void listen(int backlog) throws IOException {
        run(c -> c.listen(backlog));
    }

    /** Waits for a connection, as long as it takes. */
    public ArraySocket accept() throws IOException {
        return wrap(call(c -> c.accept(-1)));
    }

    /**
     * Waits at most {@code timeout} for a connection.
     *
     * @throws java.net.SocketTimeoutException when none comes
     */
    public ArraySocket accept(Duration timeout) throws IOException {
        long nanos = timeout.toNanos();
        return wrap(call(c -> c.accept(nanos <= 0 ? 1 : nanos)));
    }

    /** A waiting connection, or null: never waits. */
    public ArraySocket acceptNow() throws IOException {
        return wrap(call(c -> c.accept(0)));
    }

    private ArraySocket wrap(SocketCore s) {
        if (s == null) {
            return null;
        }
        counters.accepted();
        ArraySocket a = new ArraySocket(s, type, counters, jmx);
        jmx.registerSocket(a, s);
        return a;
    }

    // ---- connect ----------------------------------------------------------------------

    /** Connects to the socket listening on {@code port}, waiting as long as it takes for its answer. */
    public void connect(int port) throws IOException {
        connecting(() -> run(c -> c.client().connect(port, 0)));
    }

    /**
     * Connects to the socket listening on {@code port}.
     *
     * @throws java.net.ConnectException       nothing listens there, or the listener refused
     * @throws java.net.SocketTimeoutException no answer within {@code timeout}
     */
    public void connect(int port, Duration timeout) throws IOException {
        long nanos = timeout.toNanos();
        connecting(() -> run(c -> c.client().connect(port, nanos <= 0 ? 1 : nanos)));
    }

    /**
     * Starts connecting to the socket listening on {@code port} without waiting (as a
     * non-blocking {@code SocketChannel.connect}): true when connected at once, false when
     * the request is pending; then {@link #finishConnect} looks for the answer. A close
     * meanwhile takes the request back.
     *
     * @throws java.net.ConnectException nothing listens there, or the listener's terms exclude this socket
     * @throws java.nio.channels.ConnectionPendingException a connect is already pending
     */
    public boolean connectNow(int port) throws IOException {
        return connected(() -> call(c -> c.client().connectNow(port)));
    }

    /**
     * Looks once, without waiting, for the answer to {@link #connectNow}: true when
     * connected, false while pending. A refusal ends the attempt (the socket is as before
     * it, and may connect again) and is thrown.
     *
     * @throws java.net.ConnectException the listener refused, closed or died
     * @throws java.nio.channels.NoConnectionPendingException no connect was started
     */
    public boolean finishConnect() throws IOException {
        return connected(() -> call(c -> c.client().finishConnect()));
    }

    /** A blocking connect, counted as a connect or a failure. */
    private void connecting(Connect step) throws IOException {
        connected(() -> {
            step.run();
            return true;
        });
    }

    /** A connect call that answers whether it connected, counted as a connect or a failure. */
    private boolean connected(Attempt step) throws IOException {
        boolean done;
        try {
            done = step.run();
        } catch (IOException e) {
            counters.connectFailed(e);
            throw e;
        }
        if (done) {
            counters.connected();
            jmx.registerSocket(this, core);
        }
        return done;
    }

    /** Whether a connect started by {@link #connectNow} awaits its answer. */
    public boolean isConnectionPending() {
        return core.client().isConnectionPending();
    }

    // ---- stream data ------------------------------------------------------------------

    /** Sends all of {@code src} (stream), waiting for ring space as needed; returns the count. */
    public int send(ByteBuffer src) throws IOException {
        return (int) transfer(SEND, src);
    }

    public int send(byte[] src, int offset, int length) throws IOException {
        return (int) transfer(SEND, sendView.over(src, offset, length));
    }

    /** Sends what fits now (stream), maybe nothing; returns the count. */
    public int sendNow(ByteBuffer src) throws IOException {
        return (int) transfer(SEND_NOW, src);
    }

    /**
     * Gathering send (stream): all of {@code srcs[offset .. offset + length)}, in order, waiting
     * for room as {@link #send(ByteBuffer)} does. Each round of copying is published to the peer
     * once, however many buffers it took: many small buffers cost one publish, not one each.
     *
     * @return the bytes sent
     * @throws IndexOutOfBoundsException when offset and length do not lie within {@code srcs}
     */
    public long send(ByteBuffer[] srcs, int offset, int length) throws IOException {
        return buffers(SEND_ALL, srcs, offset, length);
    }

    /** {@link #send(ByteBuffer[], int, int)} of the whole array. */
    public long send(ByteBuffer[] srcs) throws IOException {
        return send(srcs, 0, srcs.length);
    }

    /** Gathering send of what fits now (stream), in order, published once: the count, maybe 0. */
    public long sendNow(ByteBuffer[] srcs, int offset, int length) throws IOException {
        return buffers(SEND_ALL_NOW, srcs, offset, length);
    }

    /**
     * Receives at least one byte (stream), waiting up to the receive timeout; -1 at end of
     * stream.
     *
     * @throws java.net.SocketTimeoutException when the receive timeout passes
     */
    public int receive(ByteBuffer dst) throws IOException {
        return (int) transfer(RECEIVE, dst);
    }

    public int receive(byte[] dst, int offset, int length) throws IOException {
        return (int) transfer(RECEIVE, receiveView.over(dst, offset, length));
    }

    /**
     * Scattering receive (stream) into {@code dsts[offset .. offset + length)}, in order: waits
     * up to the receive timeout for at least one byte, then takes what is there, released to the
     * peer once however many buffers it filled; -1 at end of stream.
     *
     * @throws IndexOutOfBoundsException when offset and length do not lie within {@code dsts}
     */
    public long receive(ByteBuffer[] dsts, int offset, int length) throws IOException {
        return buffers(RECEIVE_ALL, dsts, offset, length);
    }

    /** {@link #receive(ByteBuffer[], int, int)} into the whole array. */
    public long receive(ByteBuffer[] dsts) throws IOException {
        return receive(dsts, 0, dsts.length);
    }

    /** Scattering receive of what is there now (stream): a count, maybe 0, or -1 at end of stream. */
    public long receiveNow(ByteBuffer[] dsts, int offset, int length) throws IOException {
        return buffers(RECEIVE_ALL_NOW, dsts, offset, length);
    }

    /** Receives what is there now (stream): a count, maybe 0, or -1 at end of stream. */
    public int receiveNow(ByteBuffer dst) throws IOException {
        return (int) transfer(RECEIVE_NOW, dst);
    }

    /**
     * Bytes of a stream socket that {@link #receive} would return now without waiting (0 when
     * none or after input shutdown): what {@code InputStream.available()} reports.
     */
    public int available() throws IOException {
        return (int) transfer(AVAILABLE, null);
    }

    /**
     * Whether {@link #receiveNow} would return now something other than 0: bytes, or -1 at
     * the end of the stream (always after {@link #shutdownInput}). Takes nothing; a receive
     * side call (one receiver at a time). What a selector's {@code OP_READ} is made of.
     *
     * @throws java.net.SocketException "Connection reset" when the peer is gone, as a receive would
     */
    public boolean readable() throws IOException {
        return transfer(READABLE, null) != 0;
    }

    /**
     * How many bytes {@link #sendNow} would take now (stream), at least: 0 while the ring is
     * full; {@code Integer.MAX_VALUE} once the peer shut its input (a send then drops the
     * bytes, or fails once it closed). A send side call (one sender at a time). What a
     * selector's {@code OP_WRITE} is made of.
     *
     * @throws java.net.SocketException after {@link #shutdownOutput}, or "Connection reset" when the peer is gone
     */
    public int sendable() throws IOException {
        return (int) Math.min(Integer.MAX_VALUE, transfer(SENDABLE, null));
    }

    // ---- messages ---------------------------------------------------------------------

    /**
     * Sends {@code src}'s remaining bytes as one message (seqpacket), waiting for room.
     *
     * @throws IOException "Message too long" above {@link #maxMessageSize()}
     */
    public void sendMessage(ByteBuffer src) throws IOException {
        transfer(SEND_MESSAGE, src);
    }

    /** Sends one message if there is room now; false (nothing sent) otherwise. */
    public boolean sendMessageNow(ByteBuffer src) throws IOException {
        return transfer(SEND_MESSAGE_NOW, src) != 0;
    }

    /**
     * Receives one whole message into {@code dst} (seqpacket); -1 at end of stream.
     *
     * @throws MessageTooLargeException when it does not fit; it stays queued
     */
    public int receiveMessage(ByteBuffer dst) throws IOException {
        return (int) transfer(RECEIVE_MESSAGE, dst);
    }

    /**
     * Receives one message; with {@code truncate}, what does not fit {@code dst} is dropped
     * and the message's full length is returned.
     */
    public int receiveMessage(ByteBuffer dst, boolean truncate) throws IOException {
        return (int) transfer(truncate ? RECEIVE_MESSAGE_TRUNCATING : RECEIVE_MESSAGE, dst);
    }

    /** A message if one is there now; {@link #NO_MESSAGE} if none; -1 at end of stream. */
    public int receiveMessageNow(ByteBuffer dst) throws IOException {
        return (int) transfer(RECEIVE_MESSAGE_NOW, dst);
    }

    /**
     * Sends each buffer of {@code srcs[offset .. offset + length)} as one message (seqpacket),
     * in order, as many per publish as the ring takes, waiting for room; returns {@code length}.
     * Every length is checked before any message is sent.
     *
     * @throws IOException "Message too long" when one is above {@link #maxMessageSize()} (none sent)
     * @throws IndexOutOfBoundsException when offset and length do not lie within {@code srcs}
     */
    public int sendMessages(ByteBuffer[] srcs, int offset, int length) throws IOException {
        return (int) buffers(SEND_MESSAGES, srcs, offset, length);
    }

    /** {@link #sendMessages(ByteBuffer[], int, int)} of the whole array. */
    public int sendMessages(ByteBuffer[] srcs) throws IOException {
        return sendMessages(srcs, 0, srcs.length);
    }

    /** The messages of {@code srcs[offset .. offset + length)} that fit now, in order, published once: the count, maybe 0. */
    public int sendMessagesNow(ByteBuffer[] srcs, int offset, int length) throws IOException {
        return (int) buffers(SEND_MESSAGES_NOW, srcs, offset, length);
    }

    /**
     * Receives whole messages (seqpacket) into {@code dsts[offset .. offset + length)}, one per
     * buffer, in order: waits up to the receive timeout for the first, then takes those that
     * are there and fit their buffers, released to the peer once. The count; -1 at end of stream.
     *
     * @throws MessageTooLargeException when the first message does not fit the first buffer; it stays queued
     * @throws IndexOutOfBoundsException when offset and length do not lie within {@code dsts}
     */
    public int receiveMessages(ByteBuffer[] dsts, int offset, int length) throws IOException {
        return (int) buffers(RECEIVE_MESSAGES, dsts, offset, length);
    }

    /** {@link #receiveMessages(ByteBuffer[], int, int)} into the whole array. */
    public int receiveMessages(ByteBuffer[] dsts) throws IOException {
        return receiveMessages(dsts, 0, dsts.length);
    }

    /** The messages there now (seqpacket), one per buffer, released once: the count, maybe 0, or -1 at end of stream. */
    public int receiveMessagesNow(ByteBuffer[] dsts, int offset, int length) throws IOException {
        return (int) buffers(RECEIVE_MESSAGES_NOW, dsts, offset, length);
    }

    /** The largest message this socket may send. */
    public int maxMessageSize() {
        return core.maxMessageSize();
    }

    // ---- zero-copy --------------------------------------------------------------------

    /**
     * Claims {@code length} bytes to write in place, if there is room now (never waits): a
     * stream's next bytes, or a seqpacket socket's next message of exactly {@code length}
     * bytes. True: write them in {@link SendClaim#buffer()}, then {@link SendClaim#commit()} or
     * {@link SendClaim#abort()}; until then the socket sends nothing else. False: no room,
     * nothing claimed. On shm the buffer is the ring itself (one copy less than
     * {@link #send}); see {@link SendClaim} for where it is not. Allocates nothing.
     *
     * @throws io.arraysock.api.ClaimStateException a claim is open on this socket or in {@code claim}
     * @throws IllegalArgumentException a stream claim longer than {@link #sendBufferSize()} (the ring), or
     *     negative; on a chunked ring (block medium, payload checksums) longer than one chunk's
     *     staging, {@code min(ring, 1 MiB)} ({@link #claim} takes it)
     * @throws IOException "Message too long" above {@link #maxMessageSize()}; otherwise as {@link #sendNow}
     */
    public boolean tryClaim(int length, SendClaim claim) throws IOException {
        return gather(TRY_CLAIM, Objects.requireNonNull(claim, "claim"), 0, length) != 0;
    }

    /** {@link #tryClaim}, waiting for room as {@link #send} does. */
    public void claim(int length, SendClaim claim) throws IOException {
        gather(CLAIM, Objects.requireNonNull(claim, "claim"), 0, length);
    }

    /** {@link SendClaim#commit()}: through the fault boundary. */
    void commit(SendClaim claim) throws IOException {
        gather(COMMIT, claim, 0, 0);
    }

    /**
     * Zero-copy receive, never waits: hands what is ready to {@code handler} where it lies
     * (on shm, in the peer's ring; read-only), then releases it to the peer. A stream socket
     * hands at most {@code limit} bytes, in one piece or two (where the ring wraps); a
     * seqpacket socket at most {@code limit} whole messages, one call each. Every length and
     * position read from the peer is checked as {@link #receive} checks it, and the peer's
     * block is confirmed before and after each handler call: if it changed, the connection
     * is reset and this throws, and what the handler saw must be dropped. The buffer is empty
     * once the handler returned: copy what must outlive it. A handler that throws consumes
     * what it was given (for messages: up to the one it threw on), and its exception comes
     * out of here. Allocates nothing on shm (the buffers are made by the first call).
     *
     * @return the bytes (stream) or messages (seqpacket) handled, maybe 0; -1 at end of stream
     * @throws IllegalArgumentException a negative limit
     * @throws java.net.SocketException as {@link #receiveNow}
     */
    public int poll(ReceiveHandler handler, int limit) throws IOException {
        return (int) gather(POLL, handler, 0, limit);
    }

    // ---- options ----------------------------------------------------------------------

    /** SO_TIMEOUT for receives: zero waits forever. */
    public void setReceiveTimeout(Duration timeout) {
        core.options().receiveTimeout(timeout.toMillis());
    }

    public Duration receiveTimeout() {
        return Duration.ofMillis(core.options().receiveTimeoutMillis());
    }

    /** SO_SNDBUF: the size of the ring this side writes into, chosen at connect (or for accepted sockets). */
    public void setSendBufferSize(int bytes) {
        core.options().sendBufferSize(bytes);
    }

    public int sendBufferSize() {
        return core.options().sendBufferSize();
    }

    /** SO_RCVBUF: the ring size this side asks its peer to write into, at connect. */
    public void setReceiveBufferSize(int bytes) {
        core.options().receiveBufferSize(bytes);
    }

    public int receiveBufferSize() {
        return core.options().receiveBufferSize();
    }

    /**
     * A pre-shared key (at least 16 bytes). On a listener, set before {@link #listen}: only
     * clients that prove the key connect; others get {@link java.net.ConnectException}. On a
     * client, set before {@link #connect}: proves the key to a listener that asks for it. The
     * key never touches the medium: the client writes an HMAC-SHA256 over the listener's
     * nonce and both sockets' identities. Null removes the key.
     */
    public void setAuthenticationKey(byte[] key) throws IOException {
        run(c -> c.options().authenticationKey(key));
    }

    /**
     * Authenticated encryption of the payload (block medium only; docs/SECURITY.md). On a
     * listener, set before {@link #listen} with {@link #setAuthenticationKey a key}: each
     * connection's chunks are encrypted and authenticated with AES-GCM under a key derived
     * in the handshake from the pre-shared key, so a reader of the medium learns nothing of
     * the payload and a writer cannot forge it (the receiver resets the connection,
     * "payload authentication failed"). On a client, set before {@link #connect}: connect
     * only to a listener that encrypts (a client of such a listener encrypts anyway).
     *
     * @throws java.net.SocketException on the shm medium ("encryption needs the block
     *     medium's chunk framing"), or on a listening socket
     */
    public void setEncryptionRequired(boolean required) throws IOException {
        run(c -> c.options().encryption(required));
    }

    /** Whether the connection is encrypted (connected), or this socket requires it (not yet). */
    public boolean isEncrypted() {
        return core.options().encryption();
    }

    // ---- event loops -------------------------------------------------------------------

    /**
     * The loop bell of this socket's node: what an event loop serving it sleeps on (shm),
     * the same for every socket of one attached array. {@code io.arraysock.net.LoopWaiter}
     * uses it; see {@link Doorbell}.
     */
    public Doorbell doorbell() {
        return core.doorbell();
    }

    /**
     * For an event loop about to sleep on {@link #doorbell()}: says (or, both false, unsays)
     * that it waits to read ({@code read}) or for room to write ({@code write}), so the peer
     * rings the bell when it publishes or frees room. Only for a socket no other thread
     * receives or sends on blockingly meanwhile; nothing on the block medium.
     */
    public void loopWaiting(boolean read, boolean write) throws IOException {
        run(c -> c.loopWaiting(read, write));
    }

    /**
     * Payload checksums on shm (docs/PROTOCOL.md, "Payload checksums"; off by default). On a
     * listener, set before {@link #listen}: every connection it accepts carries its payload
     * in chunk records with a CRC32C, which the receiver checks before it delivers a byte: a
     * chunk damaged in the shared segment resets the connection ({@link java.net.SocketException}
     * "Connection reset: payload checksum mismatch at stream position P (node N)") instead of
     * delivering wrong bytes. Clients of such a listener follow. On a client, set before
     * {@link #connect}: its own connection is checksummed whatever the listener says. The
     * block medium checksums every chunk always; there this changes nothing.
     *
     * @throws java.net.SocketException when listening, connecting or connected already
     */
    public void setPayloadChecksums(boolean on) throws IOException {
        run(c -> c.options().checksums(on));
    }

    /** Whether the connection's payload is checksummed (connected; always on block), or this socket asks for it (not yet). */
    public boolean isPayloadChecksummed() {
        return core.options().checksums();
    }

    public void setIdleStrategy(IdleStrategy strategy) {
        core.options().idleStrategy(Objects.requireNonNull(strategy, "strategy"));
    }

    public IdleStrategy idleStrategy() {
        return core.options().idleStrategy();
    }

    // ---- shutdown and close -----------------------------------------------------------

    /** Ends the stream: the peer reads everything sent so far, then end of stream. */
    public void shutdownOutput() throws IOException {
        run(SocketCore::shutdownOutput);
    }

    /** Reads no more: receives return end of stream; what the peer sends is dropped. */
    public void shutdownInput() throws IOException {
        run(SocketCore::shutdownInput);
    }

    /** Closes the socket; the peer reads what was sent, then end of stream. Idempotent. */
    @Override
    public void close() {
        letGo();
        try {
            run(SocketCore::close);
        } catch (IOException faulted) {
            // a truncated medium or a failed path: the socket is closed here all the same; what
            // matters is that the node was fenced and the JVM's pending error taken here
        }
    }

    /**
     * Closes at once, as a TCP close with {@code SO_LINGER} 0: what is unsent or unread is
     * dropped, the socket is released, and the peer's next call fails with "Connection
     * reset" instead of reading a clean end of stream (an accepted socket whose client has
     * not yet seen the answer closes as {@link #close} does: its client connects and reads
     * the end of the stream). Idempotent; after {@link #close} it does nothing more.
     */
    public void abort() {
        letGo();
        try {
            run(SocketCore::abort);
        } catch (IOException faulted) {
            // as in close: the socket is gone here all the same
        }
    }

    /** What either end of a socket lets go of: its views, and its bean (the registry holds the socket, and with it its buffers). */
    private void letGo() {
        sendView.release();
        receiveView.release();
        jmx.unregisterSocket(this);
    }

    // ---- the fault boundary -----------------------------------------------------------

    /** A data call of the core on one buffer, as a count: held in constants, so a call allocates nothing. */
    @FunctionalInterface
    private interface Transfer {
        long on(SocketCore core, ByteBuffer buf) throws IOException;
    }

    /**
     * {@link Transfer} over a slice of an array of buffers (gathering sends, scattering
     * receives), or a zero-copy call (its {@link SendClaim} or {@link ReceiveHandler}, and a
     * length or a limit).
     */
    @FunctionalInterface
    private interface Gather {
        long on(ArraySocket socket, SocketCore core, Object with, int offset, int length) throws IOException;
    }

    /** Any other call of the core that touches the medium. */
    @FunctionalInterface
    private interface Call<T> {
        T on(SocketCore core) throws IOException;
    }

    /** A connect call that answers whether it connected. */
    @FunctionalInterface
    private interface Attempt {
        boolean run() throws IOException;
    }

    @FunctionalInterface
    private interface Action {
        void on(SocketCore core) throws IOException;
    }

    /** A blocking connect call. */
    @FunctionalInterface
    private interface Connect {
        void run() throws IOException;
    }

    /**
     * Every call that touches the medium goes through here (or {@link #call}): a fault of the
     * medium under it (an {@link InternalError} of a vanished page, a
     * {@link MediumFaultException} carrying an I/O error) leaves as the typed
     * {@code SocketException} of {@link SocketCore#faultOf}, and a fault the JVM has not
     * raised yet is taken on the way out ({@link SocketCore#surfaceLateFault}).
     */
    private long transfer(Transfer t, ByteBuffer buf) throws IOException {
        try {
            return t.on(core, buf);
        } catch (SocketException e) {
            throw countedReset(e);
        } catch (InternalError | MediumFaultException e) {
            throw core.faultOf(e);
        } finally {
            core.surfaceLateFault();
        }
    }

    /** {@link #gather} over {@code bufs[offset .. offset + length)}, the slice checked first (as the JDK's channels do). */
    private long buffers(Gather g, ByteBuffer[] bufs, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, bufs.length);
        return gather(g, bufs, offset, length);
    }

    /** {@link #transfer} over an array of buffers, or for a zero-copy call. */
    private long gather(Gather g, Object with, int offset, int length) throws IOException {
        try {
            return g.on(this, core, with, offset, length);
        } catch (SocketException e) {
            throw countedReset(e);
        } catch (InternalError | MediumFaultException e) {
            throw core.faultOf(e);
        } finally {
            core.surfaceLateFault();
        }
    }

    /** A reset is counted once per connection (its first): every later call throws it again. */
    private SocketException countedReset(SocketException e) {
        if (!resetCounted && NodeCounters.isReset(e)) {
            resetCounted = true;
            counters.reset(e);
        }
        return e;
    }

    /** {@link #transfer} for a call with a result of another kind. */
    private <T> T call(Call<T> c) throws IOException {
        try {
            return c.on(core);
        } catch (InternalError | MediumFaultException e) {
            throw core.faultOf(e);
        } finally {
            core.surfaceLateFault();
        }
    }

    private void run(Action a) throws IOException {
        call(c -> {
            a.on(c);
            return null;
        });
    }

    @Override
    public String toString() {
        return "ArraySocket[" + type + ", node " + localNode() + ", port " + localPort()
                + (isConnected() ? ", peer node " + remoteNode() + " port " + remotePort() : "") + "]";
    }
}
