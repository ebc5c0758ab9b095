package io.arraysock;

/**
 * JMX view of an attached array, registered as
 * {@code io.arraysock:type=Array,path="PATH",slot=N} while {@link StorageArray} is
 * attached: the node, its liveness and its counters (the values it publishes to its node
 * record, docs/FORMAT.md "Node counters", read from this process's own fields).
 */
public interface ArrayMXBean {
    String getPath();

    String getUuid();

    int getNodeSlot();

    /** The attach's incarnation, hex. */
    String getIncarnation();

    /** Whether this node lost its slot (fenced: it writes nothing more). */
    boolean isLost();

    /** Nodes this node judges alive now (itself included). */
    int getLiveNodes();

    /** Sockets of this node not yet released (listening, connected, lingering). */
    int getOpenSockets();

    long getConnects();

    long getConnectFailures();

    long getAccepts();

    /** Connect requests this node's listeners refused, by reason 1..6 (index reason - 1). */
    long[] getRefusals();

    long getResets();

    long getDamagedChunks();

    long getAuthenticationFailures();

    long getNodesSeenDead();
}
