package io.arraysock.api;

/**
 * One allocated control block as read from the medium: for status tables and for checking
 * that nothing leaked.
 *
 * @param node        the owning node's slot
 * @param index       the block's index in that node's partition
 * @param state       OPEN, BIND_INTENT, BOUND, LISTENING, CONNECTING, ESTABLISHED, REFUSED or CLOSED
 * @param type        STREAM or SEQPACKET
 * @param localPort   the local port, 0 if none
 * @param peerNode    the peer's node slot (meaningful when connecting, connected or closed)
 * @param remotePort  the peer's port
 * @param ringBytes   the capacity of the ring this socket writes into, 0 if none
 */
public record SocketInfo(int node, int index, String state, SocketType type, int localPort, int peerNode,
                         int remotePort, long ringBytes) {
}
