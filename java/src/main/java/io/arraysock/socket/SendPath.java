package io.arraysock.socket;

import io.arraysock.api.ClaimStateException;
import io.arraysock.medium.RingPolicy;

import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;

import static io.arraysock.format.ControlBlockDescriptor.TYPE_SEQPACKET;
import static io.arraysock.format.ControlBlockDescriptor.TYPE_STREAM;

/**
 * The sending direction of a connection: stream bytes or whole messages into our ring,
 * and the wait for room when it is full. One sender at a time (the socket's contract), so
 * the wait state needs no lock. A peer that shut its input takes no more bytes: like TCP,
 * they vanish; once it closed, the pipe is broken. Reached through
 * {@link SocketCore#sending()}, which refuses a closed or unconnected socket; each call here
 * refuses the other socket type. Internal: the public face is {@code io.arraysock.ArraySocket}.
 */
public final class SendPath {
    private final SocketCore socket;
    private final RingProducer producer;
    private final IdleLoop loop;
    /** A chunked ring (block medium): a send only stages its bytes (the writer thread writes them). */
    private final boolean staged;
    private final int maxMessage;
    /** The socket's type: stream calls and message calls each refuse the other. */
    private final int type;
    private volatile boolean shut;
    /**
     * A send failed (not a timeout): bytes the application meant to send may be missing, so
     * the stream must never end cleanly: shutdown and close raise no end of stream, and the
     * peer sees a reset once we let go, never a short stream taken for a whole one.
     */
    private volatile boolean broken;
    /** What this direction sent: one add per call (published by {@link CounterPublisher}). */
    final DirectionCounters counters;
    /** The zero-copy claim: made by the first claim, null before it. */
    private RingClaim claim;

    SendPath(SocketCore socket, Connection connection, RingPolicy policy) {
        this.socket = socket;
        this.producer = connection.producer;
        this.counters = producer.counters;
        this.loop = new IdleLoop(socket, connection, policy.peerCheckNanos());
        this.staged = policy.chunked();
        this.maxMessage = connection.maxSendMessage;
        this.type = socket.typeCode();
    }

    /** Whether our output was shut (shutdownOutput, or close). */
    boolean isShut() {
        return shut;
    }

    /** Shuts our output: ends our stream, unless a send failed (see {@link #broken}). Under the socket's lock. */
    void shutdown() {
        if (!shut) {
            shut = true;
            if (!broken) {
                producer.end();
            }
        }
    }

    /**
     * Block medium: a lost node takes no more bytes. A send that only stages would otherwise
     * succeed until the writer's next I/O failed, though this node may no longer write: the
     * socket is fenced with it, which stops its writer. (That the failed send's close ends
     * no stream cleanly is the rule for every failed send: see {@link #broken}.)
     */
    private void checkNode() throws IOException {
        if (staged) {
            try {
                socket.layer.node.checkAttached();
            } catch (SocketException e) {
                throw e;
            } catch (IOException e) {
                socket.fence(e); // at once: nothing more of ours reaches the medium
                throw SocketFaults.resetBy(e);
            }
        }
    }

    /** Stream bytes. Blocking: sends all of {@code src}. Non-blocking: what fits now (maybe 0). */
    public int send(ByteBuffer src, boolean blocking) throws IOException {
        SocketCore.requireType(type, TYPE_STREAM);
        return (int) transfer(src, blocking, false);
    }

    /**
     * Gathering stream send of {@code srcs[offset .. offset + length)}, in order, each round of
     * copying published once. Blocking: sends all of it. Non-blocking: what fits now (maybe 0).
     */
    public long send(ByteBuffer[] srcs, int offset, int length, boolean blocking) throws IOException {
        SocketCore.requireType(type, TYPE_STREAM);
        ensureNotShut();
        try {
            return sendAll(srcs, offset, length, blocking);
        } catch (IOException | RuntimeException e) {
            failed(e);
            throw e;
        }
    }

    private long sendAll(ByteBuffer[] srcs, int offset, int length, boolean blocking) throws IOException {
        checkNode();
        long total = 0;
        loop.reset();
        int end = offset + length;
        for (int i = offset; ; ) {
            while (i < end && !srcs[i].hasRemaining()) {
                i++; // skip what is sent
            }
            if (i == end) {
                break;
            }
            long n = producer.offer(srcs, i, end - i);
            if (n > 0) {
                total += n;
                loop.reset();
            } else if (producer.peerShut()) {
                for (; i < end; i++) {
                    total += discardOrFail(srcs[i]);
                }
                break;
            } else if (!awaitRoom(blocking)) {
                break;
            }
        }
        return counters.moved(total);
    }

    /** One whole message (seqpacket). Blocking: waits for room. Non-blocking: false when there is none now. */
    public boolean sendMessage(ByteBuffer src, boolean blocking) throws IOException {
        SocketCore.requireType(type, TYPE_SEQPACKET);
        return transfer(src, blocking, true) != 0;
    }

    /**
     * A send of either kind: refused after shutdown (and a message longer than one record);
     * any failure but a timeout marks our stream {@link #broken}. A message returns 1 when
     * sent, 0 when not (non-blocking, no room); stream bytes return their count.
     */
    private long transfer(ByteBuffer src, boolean blocking, boolean message) throws IOException {
        ensureNotShut();
        if (message) {
            checkLength(src.remaining());
        }
        try {
            return message ? (sendWhole(src, blocking) ? 1 : 0) : sendBytes(src, blocking);
        } catch (IOException | RuntimeException e) {
            failed(e);
            throw e;
        }
    }

    private void checkLength(int length) throws IOException {
        if (length > maxMessage) {
            throw new IOException("Message too long: " + length + " bytes, the maximum is "
                    + maxMessage + " (what one record of the send buffer holds)");
        }
    }

    /**
     * Whole messages (seqpacket), {@code srcs[offset .. offset + length)} in order, as many per
     * publish as fit. Blocking: sends them all. Non-blocking: those that fit now (maybe none).
     * The count sent. Every length is checked before any is sent.
     */
    public int sendMessages(ByteBuffer[] srcs, int offset, int length, boolean blocking) throws IOException {
        SocketCore.requireType(type, TYPE_SEQPACKET);
        ensureNotShut();
        for (int i = offset; i < offset + length; i++) {
            checkLength(srcs[i].remaining());
        }
        try {
            return sendBatch(srcs, offset, length, blocking);
        } catch (IOException | RuntimeException e) {
            failed(e);
            throw e;
        }
    }

    private int sendBatch(ByteBuffer[] srcs, int offset, int length, boolean blocking) throws IOException {
        checkNode();
        loop.reset();
        int sent = 0;
        while (sent < length) {
            int k = producer.offerMessages(srcs, offset + sent, length - sent);
            if (k > 0) {
                sent += k;
                loop.reset();
            } else if (producer.peerShut()) {
                for (; sent < length; sent++) {
                    ByteBuffer src = srcs[offset + sent];
                    int bytes = src.remaining();
                    discardOrFail(src);
                    counters.message(bytes);
                }
            } else if (!awaitRoom(blocking)) {
                break;
            }
        }
        return sent;
    }

    /** A send, a claim or a commit failed with {@code e}: unless it timed out, our stream is {@link #broken}. */
    private void failed(Exception e) {
        if (!(e instanceof SocketTimeoutException)) {
            broken = true;
        }
    }

    /** A send or a claim: refused after shutdown, and while a claim is open (it holds the tail). */
    private void ensureNotShut() throws SocketException {
        ensureOutputOpen();
        if (claim != null && claim.isOpen()) {
            throw new ClaimStateException("a claim is open on this socket: commit or abort it first");
        }
    }

    private void ensureOutputOpen() throws SocketException {
        if (shut) {
            throw new SocketException("Socket output is shutdown");
        }
    }

    // ---- zero-copy claims ---------------------------------------------------------------

    /**
     * Claims {@code length} bytes of stream (or a message of {@code length} bytes): the buffer to
     * write them into, its position where they start and its limit where they end; null when
     * there is no room now (non-blocking). In place in the ring on shm when they lie in one
     * piece; else (they would wrap, the ring is chunked, the peer shut its input) the socket's
     * staging buffer, which the commit sends by the copy path.
     *
     * @throws ClaimStateException a claim is open already
     * @throws IllegalArgumentException a stream claim longer than the ring, or negative
     * @throws IOException "Message too long" above the largest message, as a send says
     */
    public ByteBuffer claim(int length, boolean blocking) throws IOException {
        ensureNotShut();
        boolean message = type == TYPE_SEQPACKET;
        if (message) {
            checkLength(length);
        }
        RingClaim c = claim;
        if (c == null) {
            c = claim = new RingClaim(producer, staged, message);
        }
        c.checkLength(length, blocking);
        try {
            return claimRoom(c, length, blocking);
        } catch (IOException | RuntimeException e) {
            failed(e);
            throw e;
        }
    }

    private ByteBuffer claimRoom(RingClaim c, int length, boolean blocking) throws IOException {
        checkNode();
        loop.reset();
        ByteBuffer b;
        while ((b = c.open(length, blocking)) == null) {
            if (!awaitRoom(blocking)) {
                return null; // counted the wait, looked at the peer on its cadence
            }
        }
        return b;
    }

    /**
     * Publishes the open claim: in place, one tail store (a message's length first); staged,
     * by the copy path (waiting for room as a blocking send does, which on shm it never needs:
     * the claim found room). The claim is over whatever happens. A claim made after the peer
     * shut its input was staged: its commit drops the bytes, as a send drops them, or finds
     * the pipe broken.
     *
     * @throws ClaimStateException no claim is open
     */
    public void commit() throws IOException {
        RingClaim c = openClaim("commit");
        boolean inRing = c.end();
        try {
            ensureOutputOpen();
            if (inRing) {
                c.publishInRing();
            } else if (type == TYPE_SEQPACKET) {
                sendWhole(c.stagedBytes(), true);
            } else {
                sendBytes(c.stagedBytes(), true);
            }
        } catch (IOException | RuntimeException e) {
            failed(e);
            throw e;
        } finally {
            c.retire();
        }
    }

    /** Ends the open claim with nothing sent. Touches nothing shared. */
    public void abort() {
        RingClaim c = openClaim("abort");
        c.end();
        c.retire();
    }

    /** The open claim, for its commit or abort ({@code call}). */
    private RingClaim openClaim(String call) {
        RingClaim c = claim;
        if (c == null || !c.isOpen()) {
            throw new ClaimStateException("no claim is open to " + call + " (committed or aborted already?)");
        }
        return c;
    }

    private int sendBytes(ByteBuffer src, boolean blocking) throws IOException {
        checkNode();
        int total = 0;
        loop.reset();
        while (src.hasRemaining()) {
            int n = producer.offer(src);
            if (n > 0) {
                total += n;
                loop.reset();
            } else if (producer.peerShut()) {
                return total + discardOrFail(src);
            } else if (!awaitRoom(blocking)) {
                break;
            }
        }
        return counters.moved(total);
    }

    /**
     * Stream bytes a non-blocking send would take now (a selector's look): the room, or
     * {@code Integer.MAX_VALUE} when the peer shut its input (a send drops the bytes or
     * fails). With no room the peer is checked on the cadence of a waiting send.
     *
     * @throws SocketException "Socket output is shutdown" after shutdownOutput; "Connection
     *     reset" when the peer is gone
     */
    public long sendable() throws IOException {
        SocketCore.requireType(type, TYPE_STREAM);
        ensureOutputOpen();
        checkNode();
        if (producer.peerShut()) {
            return Integer.MAX_VALUE;
        }
        long room = producer.room();
        if (room == 0) {
            loop.reset();
            loop.tick();
        }
        return room;
    }

    private boolean sendWhole(ByteBuffer src, boolean blocking) throws IOException {
        checkNode();
        loop.reset();
        int length = src.remaining();
        while (!producer.offerMessage(src)) {
            if (producer.peerShut()) {
                discardOrFail(src);
                counters.message(length);
                return true;
            }
            if (!awaitRoom(blocking)) {
                return false;
            }
        }
        counters.message(length);
        return true;
    }

    /** One round of waiting for room; false when the caller must not wait. */
    private boolean awaitRoom(boolean blocking) throws IOException {
        if (loop.firstRound()) {
            counters.waited();
        }
        loop.tick();
        if (!blocking) {
            return false;
        }
        loop.idle(Long.MAX_VALUE, producer.sleeper());
        return true;
    }

    private int discardOrFail(ByteBuffer src) throws SocketException {
        if ((loop.checkPeer() & Connection.PEER_CLOSED) != 0) {
            throw new SocketException("Broken pipe: the peer closed the connection");
        }
        int n = src.remaining();
        src.position(src.limit());
        return n;
    }
}
