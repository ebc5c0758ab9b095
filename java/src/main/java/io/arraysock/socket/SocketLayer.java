package io.arraysock.socket;

import io.arraysock.format.ControlBlockHeader;
import io.arraysock.api.IdleStrategy;
import io.arraysock.api.SocketInfo;
import io.arraysock.format.Geometry;
import io.arraysock.medium.Medium;
import io.arraysock.medium.RingPolicy;

import java.io.Closeable;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.SocketException;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

import static io.arraysock.format.ControlBlockDescriptor.*;

/**
 * The sockets of one attached node: allocates control blocks from our partition and ring
 * memory from our arena, binds ports, answers connect requests for our listeners (on an
 * acceptor thread that runs while any socket listens) and releases closed sockets once
 * their peers let go of them.
 */
public final class SocketLayer implements Closeable {
    private static final System.Logger LOG = System.getLogger(SocketLayer.class.getName());

    final NodeContext node;
    final Medium medium;
    /** The medium's ring policy, read once. */
    final RingPolicy ringPolicy;
    final Geometry geometry;
    final ControlBlockTable table;
    /** Our partition's blocks and our arena's rings. */
    final SocketBlocks blocks;
    final PortBinder binder;
    final int slot;
    /** Fault translation for our sockets' public calls. */
    final SocketFaults faults;
    /** The connect words of the node records: bells, request and answer counters, listener hints. */
    final ConnectWords connectWords;
    /** Our node's loop bell, which event loops serving our sockets sleep on (shm). */
    final LoopBell loopBell;

    private final Set<SocketCore> lingering = ConcurrentHashMap.newKeySet();
    private final Set<SocketCore> open = ConcurrentHashMap.newKeySet();
    private final Acceptor acceptor;
    private volatile IdleStrategy idleStrategy = IdleStrategy.blocking();
    private volatile boolean closed;
    /** Set (before {@link #closed}) when the slot was lost: nothing more is written. */
    private volatile boolean fenced;

    public SocketLayer(NodeContext node) {
        this.node = node;
        this.medium = node.medium();
        this.ringPolicy = medium.ringPolicy();
        this.geometry = node.geometry();
        this.slot = node.slot();
        this.table = new ControlBlockTable(node);
        this.blocks = new SocketBlocks(node, table, this::tick);
        this.binder = new PortBinder(table, slot);
        this.faults = new SocketFaults(medium, node, this::fence);
        this.connectWords = new ConnectWords(medium, geometry, slot);
        this.acceptor = new Acceptor(node, table, connectWords, blocks, this::adopt);
        this.loopBell = new LoopBell(node);
    }

    /** The idle strategy new sockets start with. */
    public IdleStrategy idleStrategy() {
        return idleStrategy;
    }

    public void idleStrategy(IdleStrategy strategy) {
        this.idleStrategy = Objects.requireNonNull(strategy, "strategy");
    }

    /** The ring size a socket asks for until told otherwise, by medium (capped by the arena at connect). */
    public int defaultRingSize() {
        return ringPolicy.defaultRingSize();
    }

    /** Allocates an unbound socket: a control block in state OPEN. */
    public SocketCore open(int type) throws IOException {
        if (type != TYPE_STREAM && type != TYPE_SEQPACKET) {
            throw new IllegalArgumentException("unknown socket type " + type);
        }
        ensureOpen();
        node.checkAttached();
        int index = blocks.allocateIndex();
        ControlBlockHeader header = blocks.newHeader(index, type, STATE_OPEN);
        SocketCore s = new SocketCore(this, index, header);
        open.add(s);
        if (closed) {
            // close() or fence() may have swept the open sockets before ours was added
            if (fenced) {
                s.fence(null); // not a byte more to the medium
            } else {
                s.abort();
            }
            ensureOpen();
        }
        return s;
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new SocketException("the array is closed");
        }
    }

    /** Releases a socket's block and ring, and forgets the socket. */
    void release(SocketCore s, ControlBlockHeader h) {
        lingering.remove(s);
        open.remove(s);
        blocks.release(s.index, h);
    }

    /** An accepted socket ({@link Acceptor}): established on {@code c} at once, and ours to close and count. */
    private SocketCore adopt(int index, ControlBlockHeader h, SocketOptions options, Connection c) {
        SocketCore s = new SocketCore(this, index, h, options);
        s.established(c);
        open.add(s);
        return s;
    }

    /** Our sockets not yet released (lingering closed ones included): what the counters are published for. */
    Iterable<SocketCore> openSockets() {
        return open;
    }

    void startListening(SocketCore s) {
        acceptor.add(s);
    }

    void stopListening(SocketCore s) {
        acceptor.remove(s);
    }

    /**
     * For tests: holds this node's acceptor back, so a connect to one of our listeners stays
     * pending until the hold is closed (by the thread that took it).
     */
    public Hold holdAcceptor() {
        return acceptor.holdBack();
    }

    /** A hold of {@link #holdAcceptor}: closing it releases the acceptor. */
    public interface Hold extends AutoCloseable {
        @Override
        void close();
    }

    /** From a thread waiting in accept: answers pending connect requests unless the acceptor is at it. */
    void acceptPass() {
        acceptor.tryPass();
    }

    /** A closed socket whose peer still holds it: released by {@link #tick()} once the peer lets go. */
    void linger(SocketCore s) {
        lingering.add(s);
    }

    /**
     * Periodic work, on the node's heartbeat: releases lingering sockets whose peers let
     * go, and drops queued connections whose clients gave up.
     */
    public void tick() {
        for (SocketCore s : lingering) {
            try {
                s.releaseIfPeerDone();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "releasing a closed socket failed", e);
            }
        }
    }

    /**
     * Waits up to {@code nanos} for the peers of our closed sockets to let go (close, or
     * die), releasing each as it does: an array that closes right after its sockets did
     * must not pull a stream's end from under a peer still reading it (TCP's kernel keeps
     * sending after the process exits; we have no kernel). Returns whether none lingers.
     */
    public boolean awaitLingering(long nanos) {
        long deadline = System.nanoTime() + nanos;
        long pause = 20_000;
        while (true) {
            tick();
            if (lingering.isEmpty()) {
                return true;
            }
            if (System.nanoTime() - deadline >= 0) {
                LOG.log(Level.DEBUG, "{0} closed sockets still held by their peers: releasing them", lingering.size());
                return false;
            }
            LockSupport.parkNanos(pause);
            pause = Math.min(2 * pause, 5_000_000);
        }
    }

    /**
     * Every allocated control block of every live node (or, with {@code allNodes}, of every
     * node slot, dead and free ones included), as the medium shows it now.
     */
    public List<SocketInfo> snapshot(boolean allNodes) {
        return SocketCensus.snapshot(table, geometry, allNodes);
    }

    /**
     * Our slot was lost to another node (we were judged dead and our slot reclaimed): stop
     * at once without writing another byte to the medium, since our blocks and arena may
     * already be someone else's. Every socket becomes closed; peers saw us die already.
     */
    public void fence() {
        fence(null);
    }

    /**
     * {@link #fence()}, and the sockets' later calls fail with "Connection reset: " and
     * {@code why}'s message, caused by {@code why} (null: "Socket is closed").
     */
    public void fence(IOException why) {
        fenced = true;
        closed = true;
        acceptor.close(true);
        for (SocketCore s : open) {
            s.fence(why);
        }
        open.clear();
        lingering.clear();
    }

    /** Closes every socket of this node (peers see a reset) and stops the acceptor. */
    @Override
    public void close() {
        closed = true;
        acceptor.close(false);
        for (SocketCore s : open) {
            s.abort();
        }
    }
}
