package io.arraysock.socket;

import java.net.SocketException;

import static io.arraysock.format.ControlBlockDescriptor.*;

/**
 * An established pair of rings and the peer they lead to. Knows how to judge the peer:
 * still there (same generation and incarnation, its node alive), still pointing back at
 * us, and whether it shut its output or closed. Fixed for the life of the connection.
 */
final class Connection {
    /** Bit in {@link #peerStatus()}'s result: the peer closed its socket. */
    static final int PEER_CLOSED = 0x10000;

    final int peerSlot;
    final int peerIndex;
    final int peerGeneration;
    final long peerIncarnation;
    final int remotePort;
    final long nonce;
    final RingProducer producer;
    final RingConsumer consumer;
    /** Largest message we may send: our ring's frame capacity. */
    final int maxSendMessage;
    /** Largest message the peer may send us: its ring's frame capacity. */
    final int maxReceiveMessage;

    private final SocketLayer layer;
    private final int ownIndex;
    private final int ownGeneration;
    private final long peerBlock;
    /** The peer's header as last judged: its sequence and our verdict. */
    private volatile Judged judged;

    private record Judged(long sequence, int status) {
    }

    Connection(SocketLayer layer, int ownIndex, int ownGeneration, ControlBlockHeader peer, int peerSlot, int peerIndex,
               long nonce, long ownRing, long ownRingCapacity, int remotePort) {
        this.layer = layer;
        this.ownIndex = ownIndex;
        this.ownGeneration = ownGeneration;
        this.peerSlot = peerSlot;
        this.peerIndex = peerIndex;
        this.peerGeneration = peer.generation();
        this.peerIncarnation = peer.ownerIncarnation();
        this.remotePort = remotePort;
        this.nonce = nonce;
        long ownBlock = layer.table.offset(layer.slot, ownIndex);
        this.peerBlock = layer.table.offset(peerSlot, peerIndex);
        this.producer = new RingProducer(layer.medium, ownRing, ownRingCapacity, ownBlock, peerBlock);
        this.consumer = new RingConsumer(layer.medium, peer.txRingOffset(), peer.txRingCapacity(), ownBlock, peerBlock);
        this.maxSendMessage = RingProducer.maxMessage(producer.capacity());
        this.maxReceiveMessage = RingProducer.maxMessage(consumer.capacity());
    }

    /**
     * Reads the peer's control block and returns its flags, with {@link #PEER_CLOSED} set
     * when it closed.
     *
     * @throws SocketException "Connection reset" when the peer is gone or no longer ours
     */
    int peerStatus() throws SocketException {
        try {
            layer.node.checkAttached();
        } catch (SocketException e) {
            throw e;
        } catch (java.io.IOException e) {
            throw reset("this node is fenced: " + e.getMessage());
        }
        if (layer.node.liveIncarnation(peerSlot) != peerIncarnation) {
            throw reset("node " + peerSlot + " is gone (died or detached)");
        }
        // A header is rewritten whole with a new sequence: an unchanged sequence is the
        // header we judged already (checksum and all), so a periodic check allocates nothing.
        Judged last = judged;
        if (last != null && layer.medium.getLongAcquire(peerBlock + SEQUENCE_OFFSET) == last.sequence) {
            return last.status;
        }
        ControlBlockHeader p = layer.table.read(peerSlot, peerIndex);
        if (p == null) {
            throw reset("the peer's control block " + peerSlot + "/" + peerIndex + " is damaged");
        }
        if (p.generation() != peerGeneration || p.ownerIncarnation() != peerIncarnation) {
            throw reset("the peer socket " + peerSlot + "/" + peerIndex + " was released");
        }
        boolean pointsBack = p.pointsAt(layer.slot, ownIndex, ownGeneration, layer.node.incarnation());
        boolean ours = switch (p.state()) {
            case STATE_ESTABLISHED, STATE_CLOSED -> pointsBack;
            case STATE_CONNECTING -> p.nonce() == nonce; // the client has not yet seen our answer
            default -> false;
        };
        if (!ours) {
            throw reset("the peer socket " + peerSlot + "/" + peerIndex + " is no longer connected to us");
        }
        int status = p.flags() | (p.state() == STATE_CLOSED ? PEER_CLOSED : 0);
        judged = new Judged(p.sequence(), status);
        return status;
    }

    private static SocketException reset(String why) {
        return new SocketException("Connection reset: " + why);
    }
}
