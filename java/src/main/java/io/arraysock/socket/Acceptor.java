package io.arraysock.socket;

import io.arraysock.format.ControlBlockHeader;
import io.arraysock.format.Geometry;
import io.arraysock.medium.Medium;
import io.arraysock.medium.MediumClosedException;
import io.arraysock.medium.MediumFaultException;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.LockSupport;

import static io.arraysock.format.ControlBlockDescriptor.*;

/**
 * Answers connect requests addressed to our listening sockets, so connections complete
 * (up to each listener's backlog) whether or not the application is blocked in accept,
 * as with TCP. Runs on one daemon thread per node while any socket listens: it scans the
 * control-block table for blocks in state CONNECTING that name one of our listeners,
 * allocates a socket for each new one (or a REFUSED answer when the backlog is full) and
 * wakes the client. On shm it sleeps on the node's connect bell between scans; on the
 * block medium it polls with back-off. A thread waiting in accept makes the same passes
 * itself ({@link #tryPass}), so the common case needs no hand-off between threads.
 * Clients announce requests in their node record; a pass scans only partitions whose
 * announcement changed, and every {@value #FULL_PASS_NANOS} ns all of them. An announcement
 * that follows the last one seen names the one new request's block: then only that block
 * is read.
 */
final class Acceptor implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Acceptor.class.getName());
    private static final long MAX_SLEEP_NANOS = 20_000_000;
    private static final long MIN_POLL_NANOS = 200_000;
    /** How often the acceptor thread scans every live partition, announced or not. */
    private static final long FULL_PASS_NANOS = 10_000_000;
    /** The medium may close right after us: wait for the thread to leave it. */
    private static final long JOIN_MILLIS = 5_000;

    private record Request(int slot, int index, ControlBlockHeader header) {
    }

    /** Makes the socket of an accepted connection: established on it, and the layer's to close and count. */
    @FunctionalInterface
    interface Adopter {
        SocketCore adopt(int index, ControlBlockHeader header, SocketOptions options, Connection connection);
    }

    private final NodeContext node;
    private final Medium medium;
    private final int ownSlot;
    private final Geometry geometry;
    private final ControlBlockTable table;
    private final ConnectWords words;
    private final SocketBlocks blocks;
    private final Adopter adopter;
    private final Map<Integer, SocketCore> listeners = new ConcurrentHashMap<>();
    /** Held for a pass: by the acceptor thread, or by a thread waiting in accept. */
    private final ReentrantLock passLock = new ReentrantLock();
    /** The requests of the pass in progress; guarded by passLock. */
    private final List<Request> requests = new ArrayList<>();
    /** Our node's incarnation as of the pass in progress; guarded by passLock. */
    private long incarnationSeen;
    /** Collects the requests addressed to us (this node, this incarnation); guarded by passLock. */
    private final ControlBlockTable.Visitor collect;
    /** The requests answered; guarded by passLock. */
    private final AnswerBook answers;
    /** Each node's connect-request word as of our last scan of its partition; guarded by passLock. */
    private final long[] requestsSeen;
    private long lastFullPass;
    private Thread thread;
    private volatile boolean closed;

    Acceptor(NodeContext node, ControlBlockTable table, ConnectWords words, SocketBlocks blocks, Adopter adopter) {
        this.node = node;
        this.medium = node.medium();
        this.ownSlot = node.slot();
        this.collect = (s, i, h) -> {
            if (h.state() == STATE_CONNECTING && h.peerSlot() == ownSlot && h.peerIncarnation() == incarnationSeen) {
                requests.add(new Request(s, i, h));
            }
        };
        this.geometry = node.geometry();
        this.table = table;
        this.words = words;
        this.blocks = blocks;
        this.adopter = adopter;
        this.answers = new AnswerBook(blocks);
        this.requestsSeen = new long[geometry.nodeSlots()];
    }

    /**
     * One pass from a thread waiting in accept, so a connection is answered by the thread
     * that takes it, without a hand-off; skipped while the acceptor thread makes one.
     */
    void tryPass() {
        if (passLock.tryLock()) {
            try {
                if (!closed) {
                    pass(false);
                }
            } finally {
                passLock.unlock();
            }
        }
    }

    /**
     * For tests: no pass answers a connect (the acceptor thread's waits, a waiting accept's
     * is skipped) until the hold is closed, by the thread that took it.
     */
    SocketLayer.Hold holdBack() {
        passLock.lock();
        return passLock::unlock;
    }

    synchronized void add(SocketCore listener) {
        listeners.put(listener.index, listener);
        if (thread == null) {
            thread = new Thread(this::run, "arraysock-acceptor-node" + ownSlot);
            thread.setDaemon(true);
            thread.start();
        }
        notifyAll();
    }

    void remove(SocketCore listener) {
        listeners.remove(listener.index, listener);
    }

    private void run() {
        int idleRounds = 0;
        while (!closed) {
            try {
                if (listeners.isEmpty() && answers.isEmpty()) {
                    synchronized (this) {
                        while (listeners.isEmpty() && !closed) {
                            wait();
                        }
                    }
                    continue;
                }
                boolean progress;
                passLock.lock();
                try {
                    progress = pass(System.nanoTime() - lastFullPass >= FULL_PASS_NANOS);
                } finally {
                    passLock.unlock();
                }
                if (progress) {
                    idleRounds = 0;
                } else {
                    idle(idleRounds++);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (InternalError | MediumFaultException e) {
                IOException cause = medium.faultOf(e);
                if (cause instanceof MediumClosedException) {
                    return; // a pass that outlived close's join: the array is closed, nothing is lost
                }
                LOG.log(Level.ERROR, "acceptor of node " + ownSlot + " stops: " + cause.getMessage());
                if (e instanceof MediumFaultException) {
                    node.ioFailed(cause);
                }
                return;
            } catch (RuntimeException e) {
                if (closed) {
                    return;
                }
                LOG.log(Level.ERROR, "acceptor of node " + ownSlot + " failed a pass; retrying", e);
                LockSupport.parkNanos(MAX_SLEEP_NANOS);
            }
        }
    }

    private void idle(int round) {
        long nanos = Math.min(MIN_POLL_NANOS << Math.min(round, 10), MAX_SLEEP_NANOS);
        if (medium.supportsWakeups()) {
            medium.awaitChange(words.connectBell(), medium.getIntAcquire(words.connectBell()), nanos);
        } else {
            LockSupport.parkNanos(nanos);
        }
    }

    /**
     * Answers new requests; a full pass also forgets finished ones. A partial pass scans only
     * the partitions of nodes whose connect-request word changed since we last scanned them
     * (one word read per live node when nothing is new); a full one scans every live node,
     * so a request whose announcement we missed waits at most {@link #FULL_PASS_NANOS}.
     * Returns whether anything happened. Caller holds passLock.
     */
    private boolean pass(boolean full) {
        List<Request> requests = this.requests;
        requests.clear(); // a look that finds nothing new allocates nothing: an event loop makes one per turn
        incarnationSeen = node.incarnation();
        boolean scanned = false;
        for (int slot = 0; slot < requestsSeen.length; slot++) {
            if (slot != ownSlot && node.liveIncarnation(slot) == 0) {
                continue;
            }
            long posted = words.connectRequests(slot); // before the scan: a later post shows as a change
            if (full || posted != requestsSeen[slot]) {
                long seen = requestsSeen[slot];
                requestsSeen[slot] = posted;
                if (full || !collectNamed(slot, seen, posted)) {
                    table.scanPartition(slot, collect);
                }
                scanned = true;
            }
        }
        if (full) {
            lastFullPass = System.nanoTime();
        } else if (!scanned) {
            return false;
        }
        boolean progress = false;
        answers.startPass();
        for (Request r : requests) {
            var key = new AnswerBook.RequestKey(r.slot, r.index, r.header.generation(), r.header.nonce());
            if (!answers.found(key)) {
                SocketCore listener = listeners.get(r.header.peerIndex());
                if (listener != null && listener.generation() == r.header.peerGeneration()) {
                    answers.answered(key, answer(listener, r));
                    progress = true;
                }
            }
        }
        if (full && answers.forgetUnfound()) { // forgetting needs every partition's view
            progress = true;
        }
        return progress;
    }

    /**
     * The one request posted since {@code seen}, when the word says so: {@code posted} is
     * the post right after {@code seen} and names a block, which is then the only block
     * read (a sector instead of the partition). False when the word does not say so or the
     * block does not read: the caller scans the partition.
     */
    private boolean collectNamed(int slot, long seen, long posted) {
        int index = ConnectWords.namedIndex(posted, geometry.socketsPerNode());
        if (index < 0 || !ConnectWords.nextAfter(seen, posted)) {
            return false;
        }
        ControlBlockHeader h = table.read(slot, index);
        if (h == null) {
            return false;
        }
        if (!h.isFree()) {
            collect.visit(slot, index, h);
        }
        return true;
    }

    private AnswerBook.Answer answer(SocketCore listener, Request r) {
        AnswerBook.Answer a = null;
        int refusal = RequestAdmission.refusal(listener, r.slot, r.index, r.header, geometry);
        if (refusal == 0) {
            try {
                SocketCore s = accepted(listener, r, RequestAdmission.chunkKey(listener, r.slot, r.index, r.header));
                if (listener.server().enqueue(s)) {
                    a = new AnswerBook.Answer(s.index, s.header(), s);
                } else {
                    s.abort();
                    refusal = REFUSED_BACKLOG_FULL;
                }
            } catch (IOException e) {
                refusal = REFUSED_NO_RESOURCES;
            }
        }
        if (a == null) {
            node.counters().refused(refusal);
            LOG.log(Level.DEBUG, "refusing connect from {0}/{1} to port {2}: {3}", r.slot, r.index, listener.localPort(),
                    ClientHandshake.refusalReason(refusal));
            a = refuse(r, refusal);
        }
        if (a.index() < 0) {
            announced(r, -1); // no answer: the word still changes (a look at our partition finds nothing)
        }
        if (a.socket() != null && medium.supportsWakeups()) {
            medium.wake(words.connectBell()); // a thread in accept may sleep on our bell
        }
        return a;
    }

    /** The server side of a new connection to {@code listener}: our answer block, established at once, and its ring. */
    private SocketCore accepted(SocketCore listener, Request r, byte[] chunkKey) throws IOException {
        ControlBlockHeader client = r.header;
        int index = blocks.allocateIndex();
        ControlBlockHeader h = blocks.freshHeader(index, client.type(), STATE_OPEN);
        SocketOptions options = listener.options().inheritedBy();
        long capacity = blocks.ringCapacity(Math.max(listener.options().sendBufferSize(), client.parameter()));
        long ring;
        try {
            ring = blocks.allocateRing(capacity);
        } catch (IOException e) {
            blocks.releaseUnwritten(index);
            throw e;
        }
        // one sector write: the block fresh (live words zero) and established at once
        h = table.writeFresh(index, h.withPort(STATE_OPEN, listener.localPort(),
                client.flags() & FLAG_CHECKSUMMED).withPeer(STATE_ESTABLISHED,
                r.slot, r.index, client.generation(), client.ownerIncarnation(), client.localPort(),
                client.nonce(), ring, capacity, 0));
        announced(r, index); // before the socket is built: the client's wait for the answer ends one step sooner
        return adopter.adopt(index, h, options, new Connection(node, table, index, h.generation(), client, r.slot,
                r.index, client.nonce(), ring, capacity, client.localPort(), chunkKey, false));
    }

    /**
     * Our answer to {@code r}, our block {@code index}, is written: says so in our node
     * record (naming the block) and wakes the client.
     */
    private void announced(Request r, int index) {
        words.announceAnswer(index);
        medium.wake(table.offset(r.slot, r.index) + RX_HEAD_OFFSET);
    }

    private AnswerBook.Answer refuse(Request r, int reason) {
        try {
            int index = blocks.allocateIndex();
            ControlBlockHeader h = blocks.freshHeader(index, r.header.type(), STATE_OPEN);
            h = table.writeFresh(index, h.withPeer(STATE_REFUSED, r.slot, r.index, r.header.generation(),
                    r.header.ownerIncarnation(), r.header.localPort(), r.header.nonce(), 0, 0, reason));
            announced(r, index);
            return new AnswerBook.Answer(index, h, null);
        } catch (IOException e) {
            // No block to answer with: the client will time out, as with a SYN dropped by a full queue.
            LOG.log(Level.WARNING, "cannot refuse connect from {0}/{1}: {2}", r.slot, r.index, e.getMessage());
            return new AnswerBook.Answer(-1, null, null);
        }
    }

    /** Stops the thread, then (unless {@code fenced}: the medium is no longer ours) frees the refusal blocks. */
    void close(boolean fenced) {
        close();
        passLock.lock(); // a thread in accept may be finishing a pass
        try {
            answers.close(fenced);
        } finally {
            passLock.unlock();
        }
    }

    @Override
    public void close() {
        closed = true;
        Thread t;
        synchronized (this) {
            notifyAll();
            t = thread;
        }
        if (t != null && t != Thread.currentThread()) {
            medium.wake(words.connectBell());
            t.interrupt();
            try {
                t.join(JOIN_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
