package io.arraysock.socket;

import io.arraysock.format.ControlBlockHeader;
import io.arraysock.medium.RingPolicy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.util.concurrent.ThreadLocalRandom;

import static io.arraysock.format.ControlBlockDescriptor.*;

/**
 * The client half of the handshake (docs/PROTOCOL.md, "Connecting"); {@link Acceptor} is
 * the server half. One attempt: find the listener, allocate our ring, post the request in
 * our control block (with the proof of the pre-shared key when the listener asks for
 * one), ring the listener's bell ({@link #begin}), and poll for the answer its node writes
 * ({@link PendingConnect}). {@link #header()} is our control block as the attempt left it:
 * established on success, restored to what it was on any failure or abandon (and the ring
 * returned).
 */
final class ClientHandshake {
    private final NodeContext node;
    private final ControlBlockTable table;
    private final ConnectWords words;
    private final SocketBlocks blocks;
    private final RingPolicy policy;
    private final int ownSlot;
    private final int index;
    private final SocketOptions options;
    private ControlBlockHeader header;

    ClientHandshake(NodeContext node, ControlBlockTable table, ConnectWords words, SocketBlocks blocks, int index,
                    ControlBlockHeader header, SocketOptions options) {
        this.node = node;
        this.table = table;
        this.words = words;
        this.blocks = blocks;
        this.policy = node.medium().ringPolicy();
        this.ownSlot = node.slot();
        this.index = index;
        this.header = header;
        this.options = options;
    }

    ControlBlockHeader header() {
        return header;
    }

    /**
     * Connects to the socket listening on {@code port}: {@link #begin}, then polls the
     * {@link PendingConnect} until it answers, idling between polls as the socket's
     * strategy says. The one blocking connect; a non-blocking one polls the same way from
     * its caller's loop.
     *
     * @param timeoutNanos negative or 0: wait forever
     * @throws ConnectException       when nothing listens there, or the listener refuses
     * @throws SocketTimeoutException when no answer comes in time
     */
    Connection connect(int port, long timeoutNanos) throws IOException {
        PendingConnect pending = begin(port, timeoutNanos);
        boolean done = false;
        try {
            for (int round = 0; ; round++) {
                long now = System.nanoTime();
                Connection c = pending.poll(now);
                if (c != null) {
                    done = true;
                    return c;
                }
                options.idleStrategy().idle(round, pending.startNanos(), pending.remainingNanos(now), pending.sleeper());
            }
        } finally {
            if (!done) {
                pending.abandon();
            }
        }
    }

    /**
     * Starts connecting to the socket listening on {@code port}, without waiting: finds the
     * listener, allocates our ring, posts the request and rings the listener's bell. The
     * caller then polls the returned attempt until it answers, or abandons it.
     *
     * @param timeoutNanos negative or 0: no deadline; else polls after it throw
     *     {@link SocketTimeoutException}
     * @throws ConnectException when nothing listens there, or the listener's terms exclude us
     */
    PendingConnect begin(int port, long timeoutNanos) throws IOException {
        long start = System.nanoTime();
        ListenerAt remembered = rememberedListener(port);
        if (remembered != null) {
            // Posted to the listener as last seen, then checked: the check's read overlaps
            // the acceptor's work on the request instead of delaying the post.
            PendingConnect pending = null;
            try {
                pending = post(port, remembered, start, timeoutNanos);
            } catch (ConnectException refusedAsSeen) {
                // the terms of the listener as last seen: decided again on the listener as it is
            }
            if (pending != null) {
                boolean still;
                try {
                    still = stillListening(port, remembered);
                } catch (RuntimeException | InternalError fault) { // a medium fault: typed by the caller's boundary
                    try {
                        pending.abandon();
                    } catch (RuntimeException | InternalError late) {
                        fault.addSuppressed(late);
                    }
                    throw fault;
                }
                if (still) {
                    return pending;
                }
                pending.abandon(); // a listener replaced or gone answers nothing: post to the one there now
            }
            words.forgetListener(port, remembered);
        }
        ListenerAt found = findListener(port);
        if (found == null) {
            throw new ConnectException("Connection refused: nothing listens on port " + port + " of " + node.medium().path());
        }
        words.rememberListener(port, found);
        return post(port, found, start, timeoutNanos);
    }

    /**
     * Checks the listener's terms against ours, allocates our ring, and posts the request to
     * {@code found}: our block CONNECTING, announced, the listener's bell rung.
     */
    private PendingConnect post(int port, ListenerAt found, long start, long timeoutNanos) throws IOException {
        int lSlot = found.slot;
        int lIndex = found.index;
        ControlBlockHeader listener = found.header; // read by the look that found it: a block read less per connect
        byte[] key = options.authKey();
        if (listener.hasFlag(FLAG_AUTH_REQUIRED) && key == null) {
            throw new ConnectException("Connection refused: the listener on port " + port
                    + " requires authentication (set a pre-shared key on this socket)");
        }
        boolean encrypt = listener.hasFlag(FLAG_ENCRYPTED);
        if (encrypt && (!listener.hasFlag(FLAG_AUTH_REQUIRED) || !policy.chunked())) {
            throw new ConnectException("Connection refused: the listener on port " + port + " asks for encryption "
                    + (policy.chunked() ? "without a pre-shared key" : "on a medium without chunk framing")
                    + " (damaged control block)");
        }
        if (options.encryption() && !encrypt) {
            throw new ConnectException("Connection refused: the listener on port " + port
                    + " does not encrypt, and this socket requires encryption");
        }
        // payload checksums: the listener's terms, or our own wish (the answer echoes the request)
        boolean checksums = listener.hasFlag(FLAG_CHECKSUMMED) || options.checksumsAsked();
        long capacity = blocks.ringCapacity(options.sendBufferSize());
        long ring = blocks.allocateRing(capacity);
        long nonce = ThreadLocalRandom.current().nextLong() | 1;
        ConnectProof.Identity listenerId = new ConnectProof.Identity(lSlot, lIndex, listener.generation(),
                listener.ownerIncarnation());
        ConnectProof.Identity ownId = new ConnectProof.Identity(ownSlot, index, header.generation(), node.incarnation());
        byte[] tag = listener.hasFlag(FLAG_AUTH_REQUIRED)
                ? ConnectProof.tag(key, listener.nonce(), listenerId, ownId, nonce)
                : ControlBlockHeader.NO_TAG;
        byte[] chunkKey = encrypt ? ConnectProof.chunkKey(key, listener.nonce(), listenerId, ownId, nonce) : null;
        ControlBlockHeader before = header;
        boolean posted = false;
        try {
            // The answer word's baseline, from before the request: any answer to it changes the
            // word. The last value a client of ours read costs no read; without one, read it.
            ConnectWords.AnswersSeen seen = words.answersSeen(lSlot, listener.ownerIncarnation());
            long answersSeen = seen != null ? seen.value() : words.connectAnswers(lSlot);
            ControlBlockHeader request = header.withPeer(STATE_CONNECTING, lSlot, lIndex, listener.generation(),
                    listener.ownerIncarnation(), port, nonce, ring, capacity, options.receiveBufferSize()).withAuthTag(tag);
            int flags = request.flags() | (encrypt ? FLAG_ENCRYPTED : 0) | (checksums ? FLAG_CHECKSUMMED : 0);
            header = table.write(index, request.withFlags(flags));
            words.announceConnectRequest(index);
            words.ringConnectBell(lSlot);
            posted = true;
            return new PendingConnect(this, node, table, words, new PendingConnect.Target(port, lSlot, lIndex, listener),
                    new PendingConnect.Request(nonce, ring, capacity, chunkKey, before), start, timeoutNanos, answersSeen);
        } finally {
            if (!posted) {
                restore(before, ring, capacity);
            }
        }
    }

    /** Our block as it was before the attempt, and the attempt's ring returned. */
    void restore(ControlBlockHeader before, long ring, long capacity) {
        header = table.write(index, before.withSequence(header.sequence()).withState(before.state())
                .withFlags(before.flags()));
        blocks.releaseRing(ring, capacity);
    }

    /** Publishes our block established with the answer's peer. */
    void established(ControlBlockHeader a, int aSlot, int aIndex, int port, long nonce, long ring, long capacity) {
        header = table.write(index, header.withPeer(STATE_ESTABLISHED, aSlot, aIndex, a.generation(),
                a.ownerIncarnation(), port, nonce, ring, capacity, 0));
    }

    int index() {
        return index;
    }

    static String refusalReason(int code) {
        return switch (code) {
            case REFUSED_BACKLOG_FULL -> "backlog full";
            case REFUSED_AUTHENTICATION -> "authentication failed (wrong pre-shared key)";
            case REFUSED_TYPE_MISMATCH -> "socket types differ (stream vs seqpacket)";
            case REFUSED_BAD_REQUEST -> "malformed connect request";
            case REFUSED_NO_RESOURCES -> "the listener's node has no free control block or ring memory";
            case REFUSED_ENCRYPTION_MISMATCH -> "the listener and this socket disagree on encryption";
            case REFUSED_CHECKSUM_MISMATCH -> "the listener requires payload checksums and the request has none";
            default -> "reason " + code;
        };
    }

    /** A listening block, with its header as read when it was found. */
    record ListenerAt(int slot, int index, ControlBlockHeader header) {
    }

    /** Where the listener on {@code port} was found last time, if its node is still the incarnation it was then. */
    private ListenerAt rememberedListener(int port) {
        ListenerAt seen = words.listenerSeen(port);
        if (seen == null) {
            return null;
        }
        long live = seen.slot == ownSlot ? node.incarnation() : node.liveIncarnation(seen.slot);
        return seen.header.ownerIncarnation() == live ? seen : null;
    }

    /** Whether block {@code seen} still holds the listener on {@code port} as it was seen (one sector read). */
    private boolean stillListening(int port, ListenerAt seen) {
        ControlBlockHeader h = table.read(seen.slot, seen.index);
        long live = seen.slot == ownSlot ? node.incarnation() : node.liveIncarnation(seen.slot);
        return h != null && h.state() == STATE_LISTENING && h.localPort() == port && h.ownerIncarnation() == live
                && h.generation() == seen.header.generation() && h.nonce() == seen.header.nonce()
                && h.flags() == seen.header.flags();
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
}
