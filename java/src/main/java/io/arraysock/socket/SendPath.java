package io.arraysock.socket;

import io.arraysock.medium.RingPolicy;

import java.io.IOException;
import java.net.SocketException;
import java.nio.ByteBuffer;

/**
 * The sending direction of a connection: stream bytes or whole messages into our ring,
 * and the wait for room when it is full. One sender at a time (the socket's contract), so
 * the wait state needs no lock. A peer that shut its input takes no more bytes: like TCP,
 * they vanish; once it closed, the pipe is broken.
 */
final class SendPath {
    private final SocketCore socket;
    private final RingProducer producer;
    private final IdleLoop loop;
    /** A chunked ring (block medium): a send only stages its bytes (the writer thread writes them). */
    private final boolean staged;
    /** What this direction sent: one add per call (published by {@link CounterPublisher}). */
    final DirectionCounters counters = new DirectionCounters();

    SendPath(SocketCore socket, Connection connection, RingPolicy policy) {
        this.socket = socket;
        this.producer = connection.producer;
        this.loop = new IdleLoop(socket, connection, policy.peerCheckNanos());
        this.staged = policy.chunked();
    }

    /**
     * Block medium: a lost node takes no more bytes. A send that only stages would otherwise
     * succeed until the writer's next I/O failed, though this node may no longer write: the
     * socket is fenced with it, which stops its writer. (That the failed send's close ends
     * no stream cleanly is SocketCore's rule for every failed send.)
     */
    private void checkNode() throws IOException {
        if (staged) {
            try {
                socket.layer.node.checkAttached();
            } catch (SocketException e) {
                throw e;
            } catch (IOException e) {
                socket.fence(e); // at once: nothing more of ours reaches the medium
                throw SocketCore.resetBy(e);
            }
        }
    }

    /** Stream bytes. Blocking: sends all of {@code src}. Non-blocking: what fits now (maybe 0). */
    int send(ByteBuffer src, boolean blocking) throws IOException {
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
     * @throws SocketException "Connection reset" when the peer is gone
     */
    long sendable() throws IOException {
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

    /** One whole message. Blocking: waits for room. Non-blocking: false when there is none now. */
    boolean sendMessage(ByteBuffer src, boolean blocking) throws IOException {
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
