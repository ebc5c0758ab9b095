package io.arraysock;

import io.arraysock.socket.NodeCounters;
import io.arraysock.socket.TrafficView;

import java.util.Arrays;

/** {@link ArrayMXBean} over an attached array's own fields. */
final class ArrayBean implements ArrayMXBean {
    private final StorageArray array;
    private final AttachedNode node;
    private final io.arraysock.socket.SocketLayer sockets;

    ArrayBean(StorageArray array, AttachedNode node, io.arraysock.socket.SocketLayer sockets) {
        this.array = array;
        this.node = node;
        this.sockets = sockets;
    }

    private long counter(int which) {
        return node.counters().snapshot()[which];
    }

    @Override
    public String getPath() {
        return array.path();
    }

    @Override
    public String getUuid() {
        return array.uuid().toString();
    }

    @Override
    public int getNodeSlot() {
        return array.nodeSlot();
    }

    @Override
    public String getIncarnation() {
        return Long.toHexString(array.incarnation());
    }

    @Override
    public boolean isLost() {
        return array.isLost();
    }

    @Override
    public int getLiveNodes() {
        int live = 0;
        for (int s = 0; s < array.geometry().nodeSlots(); s++) {
            if (node.liveIncarnation(s) != 0) {
                live++;
            }
        }
        return live;
    }

    @Override
    public int getOpenSockets() {
        return TrafficView.openSockets(sockets);
    }

    @Override
    public long getConnects() {
        return counter(NodeCounters.CONNECTS);
    }

    @Override
    public long getConnectFailures() {
        return counter(NodeCounters.CONNECT_FAILURES);
    }

    @Override
    public long getAccepts() {
        return counter(NodeCounters.ACCEPTS);
    }

    @Override
    public long[] getRefusals() {
        long[] all = node.counters().snapshot();
        return Arrays.copyOfRange(all, NodeCounters.REFUSALS, NodeCounters.RESETS);
    }

    @Override
    public long getResets() {
        return counter(NodeCounters.RESETS);
    }

    @Override
    public long getDamagedChunks() {
        return counter(NodeCounters.DAMAGED_CHUNKS);
    }

    @Override
    public long getAuthenticationFailures() {
        return counter(NodeCounters.AUTHENTICATION_FAILURES);
    }

    @Override
    public long getNodesSeenDead() {
        return counter(NodeCounters.NODES_SEEN_DEAD);
    }
}
