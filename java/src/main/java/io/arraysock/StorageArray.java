package io.arraysock;

import io.arraysock.api.AlreadyFormattedException;
import io.arraysock.api.ArrayInUseException;
import io.arraysock.api.CorruptMediumException;
import io.arraysock.api.IdleStrategy;
import io.arraysock.api.MediumTooSmallException;
import io.arraysock.api.NoFreeNodeSlotException;
import io.arraysock.api.NodeInfo;
import io.arraysock.api.NodeSlotLostException;
import io.arraysock.api.NotAnArrayException;
import io.arraysock.api.SocketInfo;
import io.arraysock.api.SocketType;
import io.arraysock.api.UnsupportedFormatVersionException;
import io.arraysock.format.ControlBlockDescriptor;
import io.arraysock.format.Geometry;
import io.arraysock.format.NodeRecord;
import io.arraysock.format.Superblock;
import io.arraysock.format.SuperblockCodec;
import io.arraysock.format.SuperblockDescriptor;
import io.arraysock.medium.Media;
import io.arraysock.medium.Medium;
import io.arraysock.medium.MediumClosedException;
import io.arraysock.medium.MediumFaultException;
import io.arraysock.medium.MediumTruncatedException;
import io.arraysock.node.Heartbeat;
import io.arraysock.node.Liveness;
import io.arraysock.node.NodeIdentity;
import io.arraysock.node.NodeListener;
import io.arraysock.node.NodeSlotClaim;
import io.arraysock.node.NodeTable;
import io.arraysock.node.Verdict;
import io.arraysock.socket.CounterPublisher;
import io.arraysock.socket.SocketLayer;

import java.io.Closeable;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * An array: shared storage formatted for arraysock, and this process's attachment to it as
 * one node. {@link #format} lays out a medium; {@link #attach} validates it, claims a node
 * slot and starts the heartbeat; {@link #close} gives the slot back.
 */
public final class StorageArray implements Closeable {
    private static final Logger LOG = System.getLogger(StorageArray.class.getName());

    private final Medium medium;
    private final Superblock superblock;
    private final NodeTable table;
    private final NodeIdentity self;
    private final Liveness liveness;
    private final int slot;
    private final Heartbeat heartbeat;
    private final AttachedNode node;
    private final SocketLayer sockets;
    private final CounterPublisher counters;
    private final Jmx jmx;
    private boolean closed;

    private StorageArray(Medium medium, Superblock superblock, NodeTable table, NodeIdentity self, Liveness liveness,
                         NodeSlotClaim.Claimed claimed, Heartbeat heartbeat) {
        this.medium = medium;
        this.superblock = superblock;
        this.table = table;
        this.self = self;
        this.liveness = liveness;
        this.slot = claimed.slot();
        this.heartbeat = heartbeat;
        this.node = new AttachedNode(medium, superblock.geometry(), table, liveness, heartbeat, slot, self.incarnation());
        node.judgeAll();
        this.sockets = new SocketLayer(node);
        this.counters = new CounterPublisher(sockets, heartbeat.intervalNanos(), medium.path() + "#" + slot,
                superblock.uuid().getMostSignificantBits());
        this.jmx = new Jmx(medium.path(), slot);
    }

    /** THE place where a path becomes a medium: shm for tmpfs files, block for devices (and other files). */
    static Medium openMedium(String path) throws IOException {
        return Media.open(path);
    }

    /**
     * Formats {@code path} as an empty array. A missing path in /dev/shm (or on any tmpfs) is
     * created as a segment of {@code options.size()} bytes (default: the required size) with
     * {@code options.mode()}; an existing medium is written in place: the superblock, and a
     * zeroed node table and control-block table (arenas are left as they are). With
     * {@code options.preallocate()} every page of a segment is allocated now.
     *
     * @throws MediumTooSmallException    if the medium (or the requested size) cannot hold the geometry
     * @throws io.arraysock.api.NoSpaceException if the tmpfs cannot hold the new segment (statvfs), or
     *                                    cannot allocate its pages when asked to preallocate
     * @throws AlreadyFormattedException  if it already carries the array magic and not {@code force}
     * @throws io.arraysock.api.ArrayInUseException if nodes are alive on it and not {@code forceLive}
     *                                    (judging remote nodes takes up to one liveness timeout)
     */
    public static void format(String path, FormatOptions options) throws IOException {
        ArrayFormatter.format(path, options);
    }

    /**
     * What a memory fault that escaped the library means for the array on {@code path}. The
     * JVM may deliver the {@link InternalError} of a faulting access to a mapped page at a
     * later unsafe access anywhere in the thread (a {@code MessageDigest} update, say), so it
     * can surface outside any call of ours; this opens the medium again to tell why.
     *
     * @return a {@link io.arraysock.medium.MediumTruncatedException} if the medium is now shorter
     *         than its geometry, a {@link io.arraysock.api.NoSpaceException} if it is whole (its
     *         tmpfs could not back a page), or the IOException that keeps it from being opened
     * @throws InternalError the error itself when it is not a memory fault
     */
    public static IOException explainFault(String path, InternalError error) {
        if (!Medium.isMemoryFault(error)) {
            throw error;
        }
        try (Medium m = openMedium(path)) {
            long required = SuperblockCodec.read(m).geometry().requiredSize();
            if (m.size() < required) {
                IOException truncated = new MediumTruncatedException(path, m.size(), required);
                truncated.initCause(error);
                return truncated;
            }
            return m.faultOf(error);
        } catch (MediumTooSmallException shrunk) {
            IOException truncated = new MediumTruncatedException(path, shrunk.actualSize(), shrunk.requiredSize());
            truncated.initCause(error);
            return truncated;
        } catch (IOException unreadable) {
            unreadable.addSuppressed(error);
            return unreadable;
        }
    }

    public static StorageArray attach(String path) throws IOException {
        return attach(path, AttachOptions.defaults());
    }

    /**
     * Attaches to the array on {@code path}: validates the superblock and geometry, claims a
     * node slot (waiting up to one liveness timeout if every slot is held by a remote node
     * whose liveness is not yet known) and starts the heartbeat.
     *
     * @throws NotAnArrayException               if the medium is not an array
     * @throws UnsupportedFormatVersionException if its major format version is not ours
     * @throws CorruptMediumException            if the superblock or a node record is invalid
     * @throws MediumTooSmallException           if the medium is shorter than its geometry
     * @throws NoFreeNodeSlotException           if every slot is held by a live node
     */
    public static StorageArray attach(String path, AttachOptions options) throws IOException {
        Medium m = openMedium(path);
        try {
            Superblock sb = SuperblockCodec.read(m);
            Geometry g = sb.geometry();
            if (g.sectorSize() < m.sectorSize()) {
                throw new CorruptMediumException(path, "array was formatted with " + g.sectorSize()
                        + "-byte sectors but the medium's sectors are " + m.sectorSize() + " bytes");
            }
            long timeoutMs = Math.max(sb.livenessTimeoutMs(), options.livenessTimeoutMs());
            long intervalMs = options.heartbeatIntervalMs() == 0 ? sb.heartbeatIntervalMs() : options.heartbeatIntervalMs();
            if (intervalMs * SuperblockDescriptor.MIN_TIMEOUT_INTERVALS > sb.livenessTimeoutMs()) {
                throw new IllegalArgumentException("heartbeat interval " + intervalMs + " ms is too slow for the array's "
                        + sb.livenessTimeoutMs() + " ms liveness timeout");
            }
            NodeTable table = new NodeTable(m, g);
            NodeIdentity self = NodeIdentity.local(m, options.hostName());
            Liveness liveness = new Liveness(m, self, TimeUnit.MILLISECONDS.toNanos(timeoutMs));
            long intervalNanos = TimeUnit.MILLISECONDS.toNanos(intervalMs);
            NodeSlotClaim.Claimed claimed = new NodeSlotClaim(table, liveness, self,
                    TimeUnit.MILLISECONDS.toNanos(sb.claimSettleMs()), intervalNanos).claim();
            liveness.setSelfSlot(claimed.slot());
            Heartbeat hb = new Heartbeat(table, sb.uuid(), claimed.slot(), self.incarnation(), claimed.heartbeat(), intervalNanos,
                    TimeUnit.MILLISECONDS.toNanos(sb.livenessTimeoutMs()));
            StorageArray array = new StorageArray(m, sb, table, self, liveness, claimed, hb);
            hb.addListener(new NodeListener() {
                @Override
                public void onHeartbeat(long tick) {
                    // judging every slot each tick also accumulates the heartbeat evidence nodes() reports
                    array.node.judgeAll();
                    array.sockets.tick();
                    array.jmx.poll();
                }

                @Override
                public void onSlotLost(NodeSlotLostException e) {
                    array.counters.stop(false); // no wait: a write of its may hang on the failed path
                    array.sockets.fence(e);
                    FenceMemory.fenced(sb.uuid(), claimed.slot(), e);
                }
            });
            FenceMemory.logInto(sb.uuid(), array.node.counters().errors());
            hb.start();
            array.counters.start();
            array.jmx.registerArray(new ArrayBean(array, array.node, array.sockets)); // after the start: it may start JMX
            LOG.log(Level.DEBUG, "{0}: attached to array {1} as node slot {2}", path, sb.uuid(), claimed.slot());
            return array;
        } catch (IOException | RuntimeException e) {
            throw Media.closeAfterFailedOpen(m, e);
        }
    }

    public Geometry geometry() {
        return superblock.geometry();
    }

    public UUID uuid() {
        return superblock.uuid();
    }

    public String path() {
        return medium.path();
    }

    public int nodeSlot() {
        return slot;
    }

    public long incarnation() {
        return self.incarnation();
    }

    /** The medium, for the socket layer; not for applications. */
    Medium medium() {
        return medium;
    }

    /**
     * Allocates an unbound socket of this node: a control block of the caller's node
     * partition. Then bind/listen/accept or connect, as with BSD sockets.
     *
     * @throws java.net.SocketException when all of this node's control blocks are in use
     */
    public ArraySocket openSocket(SocketType type) throws IOException {
        ensureOpen();
        try {
            return new ArraySocket(sockets.open(type == SocketType.SEQPACKET ? ControlBlockDescriptor.TYPE_SEQPACKET : ControlBlockDescriptor.TYPE_STREAM), type,
                    node.counters(), jmx);
        } catch (InternalError | MediumFaultException e) {
            throw faultOf(e);
        }
    }

    /** Every socket on the array (all live nodes), as the medium shows it now. */
    public List<SocketInfo> sockets() throws IOException {
        return sockets(false);
    }

    /**
     * Every allocated control block as the medium shows it now; with {@code includeDeadNodes},
     * also those in the partitions of dead and free node slots (left by a dead node until its
     * slot is claimed again, or leaked).
     */
    public List<SocketInfo> sockets(boolean includeDeadNodes) throws IOException {
        ensureOpen();
        try {
            return sockets.snapshot(includeDeadNodes);
        } catch (InternalError | MediumFaultException e) {
            throw faultOf(e);
        }
    }

    /** The idle strategy sockets opened from now on start with (default: {@link IdleStrategy#blocking()}). */
    public void setIdleStrategy(IdleStrategy strategy) {
        sockets.idleStrategy(strategy);
    }

    /**
     * The checked exception for a fault out of the medium (see {@link Medium#faultOf}); after
     * an I/O error the node stops writing, as {@code SocketCore.faultOf} explains.
     */
    private IOException faultOf(Throwable fault) {
        IOException cause = medium.faultOf(fault);
        if (cause instanceof MediumClosedException) {
            // raced with close()
            java.net.SocketException closed = new java.net.SocketException("the array " + medium.path() + " is closed");
            closed.initCause(cause);
            return closed;
        }
        if (fault instanceof MediumFaultException) {
            heartbeat.declareLost(cause);
        }
        return cause;
    }

    private synchronized void ensureOpen() throws IOException {
        if (closed) {
            throw new java.net.SocketException("the array " + medium.path() + " is closed");
        }
        heartbeat.checkNotLost();
    }

    /** For tests: no connect to a listener of ours is answered until the hold is closed (see {@link SocketLayer#holdAcceptor}). */
    SocketLayer.Hold holdAcceptor() {
        return sockets.holdAcceptor();
    }

    /** Registers work to run on the heartbeat thread after each beat (the socket layer's hook). */
    void addNodeListener(NodeListener listener) {
        heartbeat.addListener(listener);
    }

    /** Whether this node lost its slot (to a foreign claim, a stall or a failed I/O): it writes nothing more. */
    boolean isLost() {
        return heartbeat.isLost();
    }

    /** @throws NodeSlotLostException if a foreign claim was found on our slot: the attachment is unusable */
    public void checkNotLost() throws IOException {
        heartbeat.checkNotLost();
    }

    /** A snapshot of the node table with this observer's liveness judgements, for status tables. */
    public List<NodeInfo> nodes() throws IOException {
        try {
            return readNodes();
        } catch (InternalError | MediumFaultException e) {
            throw faultOf(e);
        }
    }

    private List<NodeInfo> readNodes() throws IOException {
        heartbeat.checkNotLost();
        List<NodeInfo> out = new ArrayList<>();
        for (int s = 0; s < superblock.geometry().nodeSlots(); s++) {
            NodeRecord r = table.read(s);
            long now = System.nanoTime();
            Verdict v = liveness.judge(s, r, table.heartbeat(s), now);
            long age = liveness.heartbeatAgeNanos(s, now);
            out.add(new NodeInfo(s, r.state(), r.hostName(), r.pid(), r.incarnation(),
                    NodeInfo.Liveness.valueOf(v.name()), age < 0 ? null : Duration.ofNanos(age)));
        }
        return out;
    }

    /** How long {@link #close} waits for peers still reading the streams of our closed sockets. */
    private static final long LINGER_ON_CLOSE_NANOS = 2_000_000_000L;

    /**
     * Waits (up to 2 s) for the peers of closed sockets to let go, so a stream ended just
     * before is read to its end; then stops the heartbeat, writes our slot FREE (unless it was lost to a foreign claim: then
     * it is not ours to write), releases the OFD lock and closes the medium. Idempotent.
     */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        jmx.close();
        IOException fault = null;
        if (!heartbeat.isLost()) {
            try {
                sockets.awaitLingering(LINGER_ON_CLOSE_NANOS);
            } catch (InternalError | MediumFaultException e) {
                fault = faultOf(e);
            }
        }
        counters.stop(true);
        node.detach();
        if (!heartbeat.isLost() && fault == null) {
            try {
                sockets.close();
            } catch (InternalError | MediumFaultException e) {
                fault = faultOf(e); // a truncated medium or a failed path: close what is left without writing
            }
        }
        sockets.fence();
        heartbeat.stop();
        Geometry g = superblock.geometry();
        try {
            if (fault != null) {
                throw fault;
            }
            if (!heartbeat.isLost()) {
                NodeRecord now = table.read(slot);
                if (now.incarnation() == self.incarnation()) {
                    table.write(slot, now.released());
                }
            }
            medium.disown(g.arenaOffset(slot), g.arenaSize());
            medium.disown(g.partitionOffset(slot), g.partitionLength());
            medium.disown(g.nodeRecordOffset(slot), g.sectorSize());
            medium.unlock(slot);
        } catch (MediumFaultException e) {
            throw e.getCause(); // our record stays ACTIVE: peers see it dead within the liveness timeout
        } finally {
            medium.close();
        }
        LOG.log(Level.DEBUG, "{0}: detached node slot {1}", medium.path(), slot);
    }

    @Override
    public String toString() {
        return "StorageArray[" + medium.path() + ", " + superblock.uuid() + ", slot " + slot + "]";
    }
}
