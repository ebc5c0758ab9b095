package io.arraysock.socket;

import io.arraysock.api.SocketInfo;
import io.arraysock.api.SocketType;
import io.arraysock.format.ControlBlockCodec;
import io.arraysock.format.ControlBlockHeader;
import io.arraysock.format.Geometry;
import io.arraysock.medium.Medium;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

import static io.arraysock.format.ControlBlockDescriptor.*;

/**
 * The sockets as the medium shows them: every allocated control block of the partitions
 * asked for, as {@link SocketInfo} records (StorageArray.sockets, and status, which reads
 * without a node of its own and writes nothing).
 */
public final class SocketCensus {
    private SocketCensus() {
    }

    /**
     * Every allocated control block of every live node (or, with {@code allNodes}, of every
     * node slot, dead and free ones included), as the medium shows it now.
     */
    static List<SocketInfo> snapshot(ControlBlockTable table, Geometry geometry, boolean allNodes) {
        List<SocketInfo> out = new ArrayList<>();
        ControlBlockTable.Visitor v = (s, i, h) -> out.add(info(s, i, h));
        if (allNodes) {
            for (int s = 0; s < geometry.nodeSlots(); s++) {
                table.scanPartition(s, v);
            }
        } else {
            table.scan(v);
        }
        return out;
    }

    /**
     * The allocated blocks in the partitions of the node slots {@code slots} accepts, read
     * without a node of our own and without writing (status).
     */
    public static List<SocketInfo> inspect(Medium medium, Geometry geometry, IntPredicate slots) {
        ControlBlockCodec table = new ControlBlockCodec(medium, geometry);
        List<SocketInfo> out = new ArrayList<>();
        for (int s = 0; s < geometry.nodeSlots(); s++) {
            if (slots.test(s)) {
                table.scanPartition(s, (slot, i, h) -> out.add(info(slot, i, h)));
            }
        }
        return out;
    }

    private static SocketInfo info(int slot, int index, ControlBlockHeader h) {
        return new SocketInfo(slot, index, stateName(h.state()),
                h.type() == TYPE_SEQPACKET ? SocketType.SEQPACKET : SocketType.STREAM, h.localPort(), h.peerSlot(),
                h.remotePort(), h.txRingCapacity());
    }

    static String stateName(int state) {
        return switch (state) {
            case STATE_FREE -> "FREE";
            case STATE_OPEN -> "OPEN";
            case STATE_BIND_INTENT -> "BIND_INTENT";
            case STATE_BOUND -> "BOUND";
            case STATE_LISTENING -> "LISTENING";
            case STATE_CONNECTING -> "CONNECTING";
            case STATE_ESTABLISHED -> "ESTABLISHED";
            case STATE_REFUSED -> "REFUSED";
            case STATE_CLOSED -> "CLOSED";
            default -> "UNKNOWN(" + state + ")";
        };
    }
}
