package io.arraysock;

import io.arraysock.api.NodeErrors;
import io.arraysock.api.NodeInfo;
import io.arraysock.api.NodeStats;
import io.arraysock.api.SocketInfo;
import io.arraysock.api.SocketStats;
import io.arraysock.format.ControlBlockCodec;
import io.arraysock.format.ControlBlockHeader;
import io.arraysock.format.CounterCodec;
import io.arraysock.format.ErrorLogCodec;
import io.arraysock.format.Geometry;
import io.arraysock.format.Superblock;
import io.arraysock.format.SuperblockCodec;
import io.arraysock.medium.Media;
import io.arraysock.medium.Medium;
import io.arraysock.medium.MediumFaultException;
import io.arraysock.node.NodeCensus;
import io.arraysock.socket.SocketCensus;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Looks at an array without attaching: no node slot, no lock, not a byte written, the medium
 * opened read-only (a segment mapped read-only, a block device or disk file opened
 * {@code O_RDONLY}), so an array one may only read can be inspected. What
 * {@code arraysock status} uses, so that looking never takes a slot, and never claims the
 * slot of a dead node it is about to report). Repeated {@link #inspect} calls accumulate
 * liveness evidence, as an attached node's would.
 */
public final class ArrayInspector implements Closeable {
    /**
     * One look at the array. {@code nodes} holds every slot not FREE; {@code sockets} those of
     * live (or unknown) nodes; {@code nodeStats} and {@code socketStats} the counters they
     * published (untrusted, for display: docs/FORMAT.md), for those that have any.
     */
    public record Inspection(String path, UUID uuid, Geometry geometry, List<NodeInfo> nodes, List<SocketInfo> sockets,
                             List<NodeStats> nodeStats, List<SocketStats> socketStats) {
        public Inspection {
            nodes = List.copyOf(nodes);
            sockets = List.copyOf(sockets);
            nodeStats = List.copyOf(nodeStats);
            socketStats = List.copyOf(socketStats);
        }

        /** The counters node {@code slot} published, or null. */
        public NodeStats nodeStats(int slot) {
            return nodeStats.stream().filter(n -> n.slot() == slot).findFirst().orElse(null);
        }

        /** The counters of socket {@code index} of node {@code node}, or null. */
        public SocketStats socketStats(int node, int index) {
            return socketStats.stream().filter(k -> k.node() == node && k.index() == index).findFirst().orElse(null);
        }
    }

    private final Medium medium;
    private final Superblock superblock;
    private final NodeCensus census;
    private final ControlBlockCodec blocks;

    private ArrayInspector(Medium medium, Superblock superblock) {
        this.medium = medium;
        this.superblock = superblock;
        this.census = new NodeCensus(medium, superblock);
        this.blocks = new ControlBlockCodec(medium, superblock.geometry());
    }

    /**
     * Opens {@code path} and validates its superblock.
     *
     * @throws io.arraysock.api.NotAnArrayException and the other errors of {@link StorageArray#attach}
     *         about the superblock
     */
    public static ArrayInspector open(String path) throws IOException {
        Medium m = Media.openToInspect(path);
        try {
            return new ArrayInspector(m, SuperblockCodec.read(m));
        } catch (IOException | RuntimeException e) {
            throw Media.closeAfterFailedOpen(m, e);
        }
    }

    /**
     * Reads the node table and the sockets now. With {@code settle}, first watches remote
     * nodes for up to one liveness timeout until each is ALIVE or DEAD; without, those not
     * yet watched long enough are UNKNOWN.
     */
    public Inspection inspect(boolean settle) throws IOException {
        try {
            List<NodeInfo> nodes = settle ? census.settled() : census.now();
            Set<Integer> held = nodes.stream().filter(n -> n.liveness() != NodeInfo.Liveness.DEAD).map(NodeInfo::slot)
                    .collect(Collectors.toSet());
            Geometry g = superblock.geometry();
            List<SocketInfo> sockets = SocketCensus.inspect(medium, g, held::contains);
            List<NodeStats> nodeStats = new ArrayList<>();
            for (NodeInfo n : nodes) {
                NodeStats st = CounterCodec.node(medium, g, n.slot(), n.incarnation());
                if (st != null) {
                    nodeStats.add(st);
                }
            }
            List<SocketStats> socketStats = new ArrayList<>();
            for (SocketInfo k : sockets) {
                ControlBlockHeader h = blocks.read(k.node(), k.index());
                SocketStats st = h == null ? null : CounterCodec.socket(medium, g, k.node(), k.index(), h.generation());
                if (st != null) {
                    socketStats.add(st);
                }
            }
            return new Inspection(medium.path(), superblock.uuid(), g, nodes, sockets, nodeStats, socketStats);
        } catch (InternalError | MediumFaultException e) {
            throw medium.faultOf(e);
        }
    }

    /**
     * Every node slot's distinct-error log (docs/FORMAT.md, "Distinct-error log"), FREE
     * slots' too (a log stays after its node detached, until the slot's next holder
     * overwrites it), for the nodes of {@code look}: untrusted, for display only.
     */
    public List<NodeErrors> errors(Inspection look) throws IOException {
        try {
            Geometry g = superblock.geometry();
            long tag = superblock.uuid().getMostSignificantBits();
            List<NodeErrors> out = new ArrayList<>();
            for (int slot = 0; slot < g.nodeSlots(); slot++) {
                int s = slot;
                long holder = look.nodes().stream().filter(n -> n.slot() == s).mapToLong(NodeInfo::incarnation)
                        .findFirst().orElse(0);
                NodeErrors e = ErrorLogCodec.read(medium, g, slot, holder, tag);
                if (e != null) {
                    out.add(e);
                }
            }
            return out;
        } catch (InternalError | MediumFaultException e) {
            throw medium.faultOf(e);
        }
    }

    @Override
    public void close() throws IOException {
        medium.close();
    }
}
