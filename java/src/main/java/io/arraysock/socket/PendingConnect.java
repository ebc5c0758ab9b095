package io.arraysock.socket;

import io.arraysock.api.IdleStrategy;
import io.arraysock.format.ControlBlockHeader;
import io.arraysock.medium.Medium;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeUnit;

import static io.arraysock.format.ControlBlockDescriptor.*;

/**
 * A connect request posted ({@link ClientHandshake#begin}) and not answered yet. Each
 * {@link #poll} looks once, without waiting, for the listener's answer: it returns the
 * connection, null while the request is pending, or throws the refusal. {@link #abandon}
 * takes the request back (our block restored, our ring returned). The blocking connect is
 * a loop of polls; a selector or an event loop polls from its own loop.
 *
 * <p>How a poll looks: the listener's node announces each answer it writes in its node
 * record, so a poll reads that one word and, when it changed, the block it names (the
 * answer it announces); the listener's partition is scanned when that block is not our
 * answer (and every {@value #LOOK_NANOS} ns regardless). It re-reads the listener itself
 * on the medium's peer-check cadence, so a listener that closed or died refuses us. Not
 * thread-safe: its socket serializes the calls.
 */
final class PendingConnect {
    /** A poll scans the listener's partition this often even unannounced. */
    private static final long LOOK_NANOS = 2_000_000;
    /** Longest sleep of a blocking connect between polls (bounds the cost of a lost bell). */
    private static final long SLEEP_MAX_NANOS = 2_000_000;

    /** The listener the request went to, as read when it was found. */
    record Target(int port, int slot, int index, ControlBlockHeader listener) {
    }

    /**
     * What the request posted: its nonce, our ring (its offset and capacity), the chunk key
     * when it encrypts, and our block as it was before (for an abandon).
     */
    record Request(long nonce, long ring, long capacity, byte[] chunkKey, ControlBlockHeader before) {
    }

    private final ClientHandshake handshake;
    private final NodeContext node;
    private final ControlBlockTable table;
    private final ConnectWords words;
    private final int ownSlot;
    private final Target target;
    private final long nonce;
    private final long ring;
    private final long capacity;
    private final byte[] chunkKey;
    private final ControlBlockHeader before;
    private final long start;
    private final long timeoutNanos;
    private final long peerCheckNanos;
    private final long ownHeadWord;
    private long answersSeen;
    private long lastLook;
    private long lastCheck;
    private boolean over;
    private boolean connected;
    private boolean restored;
    private final IdleStrategy.Sleeper sleeper;

    PendingConnect(ClientHandshake handshake, NodeContext node, ControlBlockTable table, ConnectWords words, Target target,
                   Request request, long start, long timeoutNanos, long answersSeen) {
        this.handshake = handshake;
        this.node = node;
        this.table = table;
        this.words = words;
        this.ownSlot = node.slot();
        this.target = target;
        this.nonce = request.nonce();
        this.ring = request.ring();
        this.capacity = request.capacity();
        this.chunkKey = request.chunkKey();
        this.before = request.before();
        this.start = start;
        this.timeoutNanos = timeoutNanos;
        this.peerCheckNanos = node.medium().ringPolicy().peerCheckNanos();
        this.ownHeadWord = table.offset(ownSlot, handshake.index()) + RX_HEAD_OFFSET;
        this.answersSeen = answersSeen;
        this.sleeper = new AnswerBell();
        this.lastLook = start;
        this.lastCheck = start;
    }

    /**
     * Looks once for the answer. After a connection or a throw the attempt is over: the
     * caller must not poll again (a throw leaves the abandon to the caller).
     *
     * @param now {@link System#nanoTime()}
     * @return the connection, or null while still pending
     * @throws ConnectException       the listener refused, closed or died, or answered badly
     * @throws SocketTimeoutException the deadline given to {@link ClientHandshake#begin} passed
     */
    Connection poll(long now) throws IOException {
        if (over) {
            throw new IllegalStateException("connect attempt already over");
        }
        Answer a = look(now);
        if (a != null) {
            over = true;
            return answered(a);
        }
        long elapsed = now - start;
        if (timeoutNanos > 0 && elapsed >= timeoutNanos) {
            over = true;
            throw new SocketTimeoutException("Connect timed out after " + TimeUnit.NANOSECONDS.toMillis(elapsed)
                    + " ms (port " + target.port + ")");
        }
        if (now - lastCheck >= peerCheckNanos) {
            lastCheck = now;
            checkListener();
            words.ringConnectBell(target.slot); // for a spinning client, which never sleeps (see the sleeper)
        }
        return null;
    }

    /**
     * {@link #poll}, and on a throw {@link #abandon} at once: the attempt is then over
     * ({@link #isOver}) and the socket's block as before it ({@link #header}).
     */
    Connection pollOrAbandon(long now) throws IOException {
        try {
            return poll(now);
        } catch (IOException | RuntimeException e) {
            try {
                abandon();
            } catch (RuntimeException | InternalError late) {
                e.addSuppressed(late); // a medium fault: the caller's fault boundary types the first one
            }
            throw e;
        }
    }

    /** Whether the attempt ended: connected, refused, timed out or abandoned. */
    boolean isOver() {
        return over;
    }

    /** Our control block as the attempt left it so far ({@link ClientHandshake#header()}). */
    ControlBlockHeader header() {
        return handshake.header();
    }

    /**
     * Takes the request back: our block as before the attempt, our ring returned. Idempotent;
     * does nothing once the attempt connected (the ring is the connection's then).
     */
    void abandon() {
        over = true;
        if (!connected && !restored) {
            restored = true;
            handshake.restore(before, ring, capacity);
        }
    }

    long startNanos() {
        return start;
    }

    /** What is left of the deadline at {@code now}; Long.MAX_VALUE without one. */
    long remainingNanos(long now) {
        return timeoutNanos > 0 ? Math.max(1, timeoutNanos - (now - start)) : Long.MAX_VALUE;
    }

    /** What a blocking connect sleeps on between polls: our own head word, which the acceptor wakes. */
    IdleStrategy.Sleeper sleeper() {
        return sleeper;
    }

    private record Answer(int slot, int index, ControlBlockHeader header) {
    }

    /** The listener node's answer to our request, if it wrote one; scans only when announced or due. */
    private Answer look(long now) {
        long posted = words.connectAnswers(target.slot);
        boolean announced = posted != answersSeen;
        if (announced) {
            // kept for our next connect's baseline; only on a change: a record per poll was garbage
            words.noteAnswersSeen(target.slot, target.listener.ownerIncarnation(), posted);
        } else if (now - lastLook < LOOK_NANOS) {
            return null;
        }
        answersSeen = posted;
        lastLook = now;
        if (announced) {
            // the word names the block of the answer it announces: most often ours, one sector to read
            int index = ConnectWords.namedIndex(posted, node.geometry().socketsPerNode());
            ControlBlockHeader h = index < 0 ? null : table.read(target.slot, index);
            if (h != null && answersUs(h)) {
                return new Answer(target.slot, index, h);
            }
        }
        Answer[] found = {null};
        table.scanPartition(target.slot, (s, i, h) -> {
            if (answersUs(h)) {
                found[0] = new Answer(s, i, h);
            }
        });
        return found[0];
    }

    /** Whether block {@code h} of the listener's node is the answer to our request. */
    private boolean answersUs(ControlBlockHeader h) {
        // CLOSED too: the server may accept and close before we look; like TCP, the
        // connect still succeeds, and the first receive sees the end of the stream.
        return (h.state() == STATE_ESTABLISHED || h.state() == STATE_REFUSED || h.state() == STATE_CLOSED)
                && h.nonce() == nonce
                && h.pointsAt(ownSlot, handshake.index(), handshake.header().generation(), node.incarnation());
    }

    private Connection answered(Answer answer) throws IOException {
        ControlBlockHeader a = answer.header;
        if (a.state() == STATE_REFUSED) {
            throw new ConnectException("Connection refused by the listener on port " + target.port + ": "
                    + ClientHandshake.refusalReason(a.parameter()));
        }
        if (!a.ringFits(node.geometry(), target.slot)) {
            throw new ConnectException("Connection refused: the answer's ring lies outside node " + target.slot + "'s arena");
        }
        handshake.established(a, answer.slot, answer.index, target.port, nonce, ring, capacity);
        connected = true;
        return new Connection(node, table, handshake.index(), handshake.header().generation(), a, answer.slot,
                answer.index, nonce, ring, capacity, target.port, chunkKey, true);
    }

    private void checkListener() throws IOException {
        ControlBlockHeader listener = target.listener;
        ControlBlockHeader l = table.read(target.slot, target.index);
        if (node.liveIncarnation(target.slot) != listener.ownerIncarnation() || l == null
                || l.state() != STATE_LISTENING || l.generation() != listener.generation()) {
            over = true;
            throw new ConnectException("Connection refused: the listener on port " + target.port + " closed");
        }
        node.checkAttached();
    }

    /** Sleeps on our own head word, which the listener's node wakes when it answers. */
    private final class AnswerBell extends BellSleeper {
        AnswerBell() {
            super(node.medium(), ownHeadWord, SLEEP_MAX_NANOS);
        }

        @Override
        int expectedValue(Medium medium, long word) {
            // The bell is a bare futex wake on a word only the listener's node may write,
            // so a ring that lands while its acceptor is between a look and its sleep is
            // lost: ring again before every sleep, which bounds the loss to one sleep.
            words.ringConnectBell(target.slot);
            return 0;
        }
    }
}
