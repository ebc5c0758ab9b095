package io.arraysock;

/**
 * JMX view of a connected {@link ArraySocket}, registered as
 * {@code io.arraysock:type=Socket,path="PATH",slot=N,index=K,generation=G} from connect
 * (or accept) until close: its state, peer and counters (what it publishes to its control
 * block, docs/FORMAT.md "Socket counters", read from this process's own fields).
 */
public interface SocketMXBean {
    /** STREAM or SEQPACKET. */
    String getType();

    /** CONNECTED, or CLOSED (after close, until unregistered). */
    String getState();

    int getLocalPort();

    int getPeerNode();

    int getRemotePort();

    long getTxBytes();

    long getTxMessages();

    long getTxWaits();

    long getRxBytes();

    long getRxMessages();

    long getRxWaits();

    /** Sleeps of the sending side (for room) that the peer's wake ended (shm; timeouts not counted). */
    long getTxWakeupsReceived();

    /** Sleeps of the receiving side (for data) that the peer's wake ended (shm; timeouts not counted). */
    long getRxWakeupsReceived();
}
