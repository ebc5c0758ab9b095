package io.arraysock.socket;

import io.arraysock.format.ControlBlockHeader;
import io.arraysock.api.IdleStrategy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static io.arraysock.format.ControlBlockDescriptor.*;

/**
 * The client half of the handshake (docs/PROTOCOL.md, "Connecting"); {@link Acceptor} is
 * the server half. One attempt: find the listener, allocate our ring, post the request in
 * our control block (with the proof of the pre-shared key when the listener asks for
 * one), ring the listener's bell, and await the answer its node writes. {@link #header()}
 * is our control block as the attempt left it: established on success, restored to what
 * it was on any failure (and the ring returned).
 */
final class ClientHandshake {
    private static final long CONNECT_POLL_MAX_NANOS = 2_000_000;
    /** A client awaiting an answer scans the listener's partition this often even unannounced. */
    private static final long CONNECT_LOOK_NANOS = 2_000_000;

    private final SocketLayer layer;
    private final ControlBlockTable table;
    private final NodeContext node;
    private final int index;
    private final SocketOptions options;
    private final long peerCheckNanos;
    private ControlBlockHeader header;

    ClientHandshake(SocketLayer layer, int index, ControlBlockHeader header, SocketOptions options) {
        this.layer = layer;
        this.table = layer.table;
        this.node = layer.node;
        this.index = index;
        this.header = header;
        this.options = options;
        this.peerCheckNanos = layer.ringPolicy.peerCheckNanos();
    }

    ControlBlockHeader header() {
        return header;
    }

    /**
     * Connects to the socket listening on {@code port}.
     *
     * @param timeoutNanos negative or 0: wait forever
     * @throws ConnectException       when nothing listens there, or the listener refuses
     * @throws SocketTimeoutException when no answer comes in time
     */
    Connection connect(int port, long timeoutNanos) throws IOException {
        long start = System.nanoTime();
        ListenerAt found = locateListener(port);
        if (found == null) {
            throw new ConnectException("Connection refused: nothing listens on port " + port + " of " + layer.medium.path());
        }
        int lSlot = found.slot;
        int lIndex = found.index;
        ControlBlockHeader listener = found.header; // read by the look that found it: a block read less per connect
        byte[] key = options.authKey();
        if (listener.hasFlag(FLAG_AUTH_REQUIRED) && key == null) {
            throw new ConnectException("Connection refused: the listener on port " + port
                    + " requires authentication (set a pre-shared key on this socket)");
        }
        long capacity = SocketCore.ringCapacity(options.sendBufferSize(), layer);
        long ring = layer.allocateRing(capacity);
        long nonce = ThreadLocalRandom.current().nextLong() | 1;
        byte[] tag = listener.hasFlag(FLAG_AUTH_REQUIRED)
                ? ConnectProof.tag(key, listener.nonce(), new ConnectProof.Identity(lSlot, lIndex, listener.generation(),
                        listener.ownerIncarnation()), new ConnectProof.Identity(layer.slot, index, header.generation(),
                        node.incarnation()), nonce)
                : ControlBlockHeader.NO_TAG;
        ControlBlockHeader before = header;
        boolean done = false;
        try {
            long answersSeen = layer.connectAnswers(lSlot); // before the request: any answer to it changes it
            header = table.write(index, header.withPeer(STATE_CONNECTING, lSlot, lIndex, listener.generation(),
                    listener.ownerIncarnation(), port, nonce, ring, capacity, options.receiveBufferSize()).withAuthTag(tag));
            layer.announceConnectRequest();
            layer.ringConnectBell(lSlot);
            Connection c = awaitAnswer(port, lSlot, lIndex, listener, nonce, ring, capacity, start, timeoutNanos, answersSeen);
            done = true;
            return c;
        } finally {
            if (!done) {
                header = table.write(index, before.withSequence(header.sequence()).withState(before.state()));
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

    /** A listening block, with its header as read when it was found. */
    private record ListenerAt(int slot, int index, ControlBlockHeader header) {
    }

    /** Where the listener on {@code port} is: where it was last time if it is still there, else by a scan. */
    private ListenerAt locateListener(int port) {
        int[] hint = layer.listenerHint(port);
        if (hint != null) {
            ControlBlockHeader h = table.read(hint[0], hint[1]);
            long live = hint[0] == layer.slot ? node.incarnation() : node.liveIncarnation(hint[0]);
            if (h != null && h.state() == STATE_LISTENING && h.localPort() == port && h.ownerIncarnation() == live) {
                return new ListenerAt(hint[0], hint[1], h);
            }
        }
        ListenerAt found = findListener(port);
        if (found != null) {
            layer.rememberListener(port, found.slot, found.index);
        }
        return found;
    }

    private ListenerAt findListener(int port) {
        ListenerAt[] found = {null};
        table.scan((s, i, h) -> {
            if (h.state() == STATE_LISTENING && h.localPort() == port) {
                found[0] = new ListenerAt(s, i, h);
            }
        });
        return found[0];
    }

    /**
     * Waits for the listener's node to answer our request. It announces each answer it
     * writes in its node record, so we read that one word per round and scan its partition
     * only when it changed (and every {@value #CONNECT_LOOK_NANOS} ns regardless). Between
     * rounds we idle as the socket's strategy says; asleep, on our own head word, which the
     * acceptor wakes.
     */
    private Connection awaitAnswer(int port, int lSlot, int lIndex, ControlBlockHeader listener, long nonce, long ring,
                                   long capacity, long start, long timeoutNanos, long answersSeen) throws IOException {
        int mySlot = layer.slot;
        int myGen = header.generation();
        long myInc = node.incarnation();
        long ownHeadWord = table.offset(mySlot, index) + RX_HEAD_OFFSET;
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
                table.scanPartition(lSlot, (s, i, h) -> {
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
                header = table.write(index, header.withPeer(STATE_ESTABLISHED, answer[0], answer[1], a.generation(),
                        a.ownerIncarnation(), port, nonce, ring, capacity, 0));
                return new Connection(layer, index, header.generation(), a, answer[0], answer[1], nonce, ring,
                        capacity, port);
            }
            long elapsed = now - start;
            if (timeoutNanos > 0 && elapsed >= timeoutNanos) {
                throw new SocketTimeoutException("Connect timed out after " + TimeUnit.NANOSECONDS.toMillis(elapsed)
                        + " ms (port " + port + ")");
            }
            if (now - lastCheck >= peerCheckNanos) {
                lastCheck = now;
                ControlBlockHeader l = table.read(lSlot, lIndex);
                if (node.liveIncarnation(lSlot) != listener.ownerIncarnation() || l == null
                        || l.state() != STATE_LISTENING || l.generation() != listener.generation()) {
                    throw new ConnectException("Connection refused: the listener on port " + port + " closed");
                }
                node.checkAttached();
                layer.ringConnectBell(lSlot); // for a spinning client, which never sleeps (see the sleeper)
            }
            options.idle().idle(round, start, timeoutNanos > 0 ? timeoutNanos - elapsed : Long.MAX_VALUE, sleeper);
        }
    }
}
