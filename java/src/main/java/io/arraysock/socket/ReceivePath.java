package io.arraysock.socket;

import io.arraysock.api.MessageTooLargeException;
import io.arraysock.api.ReceiveHandler;
import io.arraysock.medium.RingPolicy;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;

import static io.arraysock.format.ControlBlockDescriptor.TYPE_SEQPACKET;
import static io.arraysock.format.ControlBlockDescriptor.TYPE_STREAM;

/**
 * The receiving direction of a connection: stream bytes or whole messages out of the
 * peer's ring, and the wait for data when it is empty, bounded by the receive timeout.
 * One receiver at a time (the socket's contract), so the wait state needs no lock. A head
 * held back (block medium) is published once a wait has lasted the ring policy's
 * {@code heldHeadWaitNanos} (1 ms), and by every non-blocking receive that finds nothing,
 * so the sender sees all the room there is. Reached through {@link SocketCore#receiving()},
 * which refuses a closed or unconnected socket; each call here refuses the other socket
 * type. Internal: the public face is {@code io.arraysock.ArraySocket}.
 */
public final class ReceivePath {
    /**
     * Block medium: within one waiting call, the peer's end flag is read at most this often
     * (the first look of every call reads it): each read is a sector read on the device the
     * peer's writer needs, and a spinning receiver read it at every empty look.
     */
    private static final long END_LOOK_NANOS = 1_000_000;

    private final SocketCore socket;
    private final Connection connection;
    private final RingConsumer consumer;
    private final IdleLoop loop;
    /** How long a blocking receive waits before it publishes a head held back (block medium; shm publishes every release). */
    private final long heldHeadWaitNanos;
    private final boolean wakeups;
    /** The socket's type: stream calls and message calls each refuse the other. */
    private final int type;
    /** The socket's settings: the receive timeout, read at each call. */
    private final SocketOptions options;
    private long lastEndLook;
    /** The zero-copy receive: made by the first poll. */
    private HandlerPoll handlers;
    private volatile boolean shut;
    /** What this direction received: one add per call (published by {@link CounterPublisher}). */
    final DirectionCounters counters;

    ReceivePath(SocketCore socket, Connection connection, RingPolicy policy) {
        this.socket = socket;
        this.connection = connection;
        this.consumer = connection.consumer;
        this.counters = consumer.counters;
        this.loop = new IdleLoop(socket, connection, policy.peerCheckNanos());
        this.heldHeadWaitNanos = policy.heldHeadWaitNanos();
        this.wakeups = policy.wakeups();
        this.type = socket.typeCode();
        this.options = socket.options();
    }

    /** Whether our input was shut (shutdownInput, or close): receives return the end of stream. */
    boolean isShut() {
        return shut;
    }

    /** Shuts our input (the peer sees it, and its sends discard). Under the socket's lock. */
    void shutdown() {
        if (!shut) {
            shut = true;
            consumer.shut();
        }
    }

    /** Whether this look reads the peer's end flag (always on shm, where it is one load). */
    private boolean endLookDue() {
        if (wakeups) {
            return true;
        }
        long now = loop.now();
        if (loop.firstRound() || now - lastEndLook >= END_LOOK_NANOS) {
            lastEndLook = now;
            return true;
        }
        return false;
    }

    /**
     * Stream bytes: at least one, or -1 at end of stream (blocking); what is there, maybe 0,
     * or -1 (non-blocking).
     *
     * @throws SocketTimeoutException when the receive timeout passes with no byte
     */
    public int receive(ByteBuffer dst, boolean blocking) throws IOException {
        SocketCore.requireType(type, TYPE_STREAM);
        long timeoutNanos = options.receiveTimeoutNanos();
        if (shut) {
            return -1;
        }
        loop.reset();
        while (true) {
            int n = consumer.poll(dst);
            if (n > 0 || !dst.hasRemaining()) {
                return counters.moved(n);
            }
            if (consumer.peerEnded(endLookDue())) {
                n = consumer.poll(dst);
                if (n > 0) {
                    return counters.moved(n);
                }
                if (consumer.endConfirmed()) {
                    return -1; // the end flag was our peer's, not that of a block given to another socket
                }
            }
            if (!awaitData(blocking, timeoutNanos)) {
                return 0;
            }
        }
    }

    /**
     * Scattering stream receive into {@code dsts[offset .. offset + length)}, in order, one
     * release per round: as {@link #receive(ByteBuffer, boolean)} (at least one byte when
     * blocking, -1 at end of stream, 0 when the buffers have no room).
     */
    public long receive(ByteBuffer[] dsts, int offset, int length, boolean blocking) throws IOException {
        SocketCore.requireType(type, TYPE_STREAM);
        long timeoutNanos = options.receiveTimeoutNanos();
        if (shut) {
            return -1;
        }
        loop.reset();
        while (true) {
            long n = consumer.poll(dsts, offset, length);
            if (n > 0 || !anyRoom(dsts, offset, length)) {
                return counters.moved(n);
            }
            if (consumer.peerEnded(endLookDue())) {
                n = consumer.poll(dsts, offset, length);
                if (n > 0) {
                    return counters.moved(n);
                }
                if (consumer.endConfirmed()) {
                    return -1;
                }
            }
            if (!awaitData(blocking, timeoutNanos)) {
                return 0;
            }
        }
    }

    private static boolean anyRoom(ByteBuffer[] dsts, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            if (dsts[i].hasRemaining()) {
                return true;
            }
        }
        return false;
    }

    /**
     * One message: its length (0 is an empty message), -1 at end of stream, or
     * {@link RingConsumer#EMPTY} when there is none yet (non-blocking only).
     *
     * @throws MessageTooLargeException when it does not fit {@code dst} and {@code truncate}
     *     is false; the message stays queued
     */
    public long receiveMessage(ByteBuffer dst, boolean blocking, boolean truncate) throws IOException {
        SocketCore.requireType(type, TYPE_SEQPACKET);
        long timeoutNanos = options.receiveTimeoutNanos();
        if (shut) {
            return -1;
        }
        int room = dst.remaining();
        loop.reset();
        while (true) {
            long len = consumer.pollMessage(dst, connection.maxReceiveMessage, truncate);
            if (len == RingConsumer.EMPTY && consumer.peerEnded(endLookDue())) {
                len = consumer.pollMessage(dst, connection.maxReceiveMessage, truncate);
                if (len == RingConsumer.EMPTY && consumer.endConfirmed()) {
                    return -1;
                }
            }
            if (len != RingConsumer.EMPTY) {
                if (len > room && !truncate) {
                    throw new MessageTooLargeException(len, room);
                }
                return counters.message(len);
            }
            if (!awaitData(blocking, timeoutNanos)) {
                return RingConsumer.EMPTY;
            }
        }
    }

    /**
     * Zero-copy receive, non-blocking: hands up to {@code limit} ready bytes (stream) or whole
     * messages (seqpacket) to {@code handler} in place, then releases them ({@link HandlerPoll}).
     *
     * @return the bytes or messages handled, maybe 0; -1 at end of stream (or after input shutdown)
     * @throws IllegalArgumentException a negative limit
     */
    public long poll(ReceiveHandler handler, int limit) throws IOException {
        if (limit < 0) {
            throw new IllegalArgumentException("a poll's limit is 0 or more, not " + limit);
        }
        Objects.requireNonNull(handler, "handler");
        if (shut) {
            return -1;
        }
        if (handlers == null) {
            handlers = new HandlerPoll(consumer, connection.policy.chunked(), connection.maxReceiveMessage);
        }
        if (limit == 0) {
            return 0;
        }
        loop.reset();
        long n = handOut(handler, limit);
        if (n == 0 && consumer.peerEnded(endLookDue())) {
            n = handOut(handler, limit);
            if (n == 0 && consumer.endConfirmed()) {
                return -1;
            }
        }
        if (n == 0) {
            awaitData(false, 0);
        }
        return n;
    }

    private long handOut(ReceiveHandler handler, int limit) throws IOException {
        if (type == TYPE_STREAM) {
            return counters.moved(handlers.bytes(handler, limit));
        }
        return handlers.messages(handler, limit); // counts each message
    }

    /**
     * Whole messages (seqpacket) into {@code dsts[offset .. offset + length)}, one per buffer,
     * in order: what is there and fits, released once. When none is there, waits (blocking)
     * for one as {@link #receiveMessage} does, then takes what came with it. The count; 0 when
     * none is there (non-blocking); -1 at end of stream.
     *
     * @throws MessageTooLargeException when the first message does not fit the first buffer; it stays queued
     */
    public int receiveMessages(ByteBuffer[] dsts, int offset, int length, boolean blocking) throws IOException {
        SocketCore.requireType(type, TYPE_SEQPACKET);
        if (shut) {
            return -1;
        }
        if (length == 0) {
            return 0;
        }
        int n = consumer.pollMessages(dsts, offset, length, connection.maxReceiveMessage);
        if (n > 0) {
            return n;
        }
        long first = receiveMessage(dsts[offset], blocking, false);
        if (first < 0) {
            return first == -1 ? -1 : 0;
        }
        return 1 + consumer.pollMessages(dsts, offset + 1, length - 1, connection.maxReceiveMessage);
    }

    /**
     * Whether a non-blocking receive would return now something other than 0 (bytes, or
     * the end of the stream; always after input shutdown), taking nothing: a selector's
     * look. Checks the peer as a receive that finds nothing does.
     *
     * @throws SocketException "Connection reset" when the peer is gone
     */
    public boolean readable() throws IOException {
        SocketCore.requireType(type, TYPE_STREAM);
        if (shut) {
            return true;
        }
        loop.reset();
        if (consumer.available() > 0) {
            return true;
        }
        if (consumer.peerEnded(readableEndLookDue()) && (consumer.available() > 0 || consumer.endConfirmed())) {
            return true;
        }
        loop.tick();
        consumer.publishHead();
        return false;
    }

    /** {@link #endLookDue} for the looks of {@link #readable}, each a call of its own: on the block medium once per ms. */
    private boolean readableEndLookDue() {
        if (wakeups) {
            return true;
        }
        long now = System.nanoTime();
        if (now - lastEndLook >= END_LOOK_NANOS) {
            lastEndLook = now;
            return true;
        }
        return false;
    }

    /** Bytes readable now without waiting. */
    long available() throws IOException {
        return consumer.available();
    }

    /** One round of waiting for data; false when the caller must not wait. */
    private boolean awaitData(boolean blocking, long timeoutNanos) throws IOException {
        if (loop.firstRound()) {
            counters.waited();
        }
        long waited = loop.tick();
        if (!blocking) {
            consumer.publishHead(); // the caller may not come back soon
            return false;
        }
        if (waited >= heldHeadWaitNanos) {
            // block medium: a head write is a sector write; a quick answer (a round trip) needs
            // none, and a producer short of room gets it within this
            consumer.publishHead();
        }
        long left = Long.MAX_VALUE;
        if (timeoutNanos > 0) {
            left = timeoutNanos - waited;
            if (left <= 0) {
                throw new SocketTimeoutException("Read timed out");
            }
        }
        socket.ensureOpen();
        if (shut) {
            return true;
        }
        long pause = consumer.lookPause();
        if (pause > 0) {
            LockSupport.parkNanos(Math.min(pause, left)); // block medium, a stream: the next chunk is not due yet
        } else {
            loop.idle(left, consumer);
        }
        return true;
    }
}
