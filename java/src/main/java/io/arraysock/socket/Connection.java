package io.arraysock.socket;

import io.arraysock.format.ControlBlockHeader;
import io.arraysock.medium.Medium;
import io.arraysock.medium.MediumFaultException;
import io.arraysock.medium.MediumTruncatedException;
import io.arraysock.medium.RingPolicy;

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
    /** Bit in {@link #peerStatus()}'s result: the peer is a client that has not yet seen our answer. */
    static final int PEER_CONNECTING = 0x20000;

    final int peerSlot;
    final int peerIndex;
    final int peerGeneration;
    final long peerIncarnation;
    final int remotePort;
    final long nonce;
    final RingProducer producer;
    final RingConsumer consumer;
    /** Whether the chunk payloads are encrypted and authenticated (block medium, docs/PROTOCOL.md "Encryption"). */
    final boolean encrypted;
    /**
     * How its rings are driven: the medium's policy, or on shm its checksummed variant when
     * the connection asked for payload checksums (the peer's block carries
     * {@code FLAG_CHECKSUMMED}: the client's request, or the listener's answer that echoes it).
     */
    final RingPolicy policy;
    /** Whether every chunk carries a CRC32C the receiver checks (always on the block medium). */
    final boolean checksummed;
    /** Largest message we may send: our ring's frame capacity. */
    final int maxSendMessage;
    /** Largest message the peer may send us: its ring's frame capacity. */
    final int maxReceiveMessage;

    private final NodeContext node;
    private final Medium medium;
    private final ControlBlockTable table;
    private final int ownSlot;
    private final int ownIndex;
    private final int ownGeneration;
    private final long peerBlock;
    /** The peer's header as last judged: its sequence and seal, and our verdict. */
    private volatile Judged judged;
    /** When the peer's header was first found unreadable in a row (0: it was readable). */
    private volatile long unreadableSince;

    private record Judged(long sequence, int seal, int status) {
    }

    /**
     * How long the peer's header may stay unreadable before we call it damaged: a reader can
     * catch a header half rewritten, and on a busy machine its writer may be preempted in the
     * middle of the write for a scheduler slice or more.
     */
    private static final long UNREADABLE_GRACE_NANOS = 200_000_000;

    /**
     * @param chunkKey the connection's chunk key when it is encrypted (block medium), else null
     * @param client   whether we are the connecting side (which ring has which nonce prefix)
     */
    Connection(NodeContext node, ControlBlockTable table, int ownIndex, int ownGeneration, ControlBlockHeader peer,
               int peerSlot, int peerIndex, long nonce, long ownRing, long ownRingCapacity, int remotePort, byte[] chunkKey,
               boolean client) {
        this.node = node;
        this.medium = node.medium();
        this.table = table;
        this.ownSlot = node.slot();
        this.ownIndex = ownIndex;
        this.ownGeneration = ownGeneration;
        this.peerSlot = peerSlot;
        this.peerIndex = peerIndex;
        this.peerGeneration = peer.generation();
        this.peerIncarnation = peer.ownerIncarnation();
        this.remotePort = remotePort;
        this.nonce = nonce;
        long ownBlock = table.offset(ownSlot, ownIndex);
        this.peerBlock = table.offset(peerSlot, peerIndex);
        int sending = client ? ChunkCipher.CLIENT_TO_SERVER : ChunkCipher.SERVER_TO_CLIENT;
        int receiving = client ? ChunkCipher.SERVER_TO_CLIENT : ChunkCipher.CLIENT_TO_SERVER;
        this.encrypted = chunkKey != null;
        this.policy = peer.hasFlag(FLAG_CHECKSUMMED) ? medium.ringPolicy().checksummed() : medium.ringPolicy();
        this.checksummed = policy.chunked();
        this.producer = new RingProducer(medium, policy, ownRing, ownRingCapacity, ownBlock, peerBlock, nonce, chunkKey,
                sending, ownSlot + "/" + ownIndex + " to " + peerSlot + "/" + peerIndex);
        this.consumer = new RingConsumer(medium, policy, peer.txRingOffset(), peer.txRingCapacity(), ownBlock, peerBlock,
                nonce, chunkKey, receiving, peerSlot, peer.sequence(), peer.ownerIncarnation(), this::confirmPeer);
        long peerBell = LoopBell.wordOf(node.geometry(), peerSlot);
        producer.peerLoopBell(peerBell);
        consumer.peerLoopBell(peerBell);
        this.maxSendMessage = RingProducer.maxMessage(producer.capacity(), policy, encrypted);
        this.maxReceiveMessage = RingProducer.maxMessage(consumer.capacity(), policy, encrypted);
    }

    /**
     * Reads the peer's control block and returns its flags, with {@link #PEER_CLOSED} set
     * when it closed.
     *
     * @throws SocketException "Connection reset" when the peer is gone or no longer ours
     */
    int peerStatus() throws SocketException {
        try {
            node.checkAttached();
        } catch (SocketException e) {
            throw e;
        } catch (java.io.IOException e) {
            throw reset("this node is fenced: " + e.getMessage());
        }
        if (node.liveIncarnation(peerSlot) != peerIncarnation) {
            throw peerGone("");
        }
        // A header is rewritten whole with a new sequence and seal: both unchanged is the
        // header we judged already, so a periodic check allocates nothing.
        Judged last = judged;
        if (last != null && medium.getLongAcquire(peerBlock + SEQUENCE_OFFSET) == last.sequence
                && medium.getIntAcquire(peerBlock + CRC_OFFSET) == last.seal) {
            return last.status;
        }
        ControlBlockHeader p = table.read(peerSlot, peerIndex);
        if (p == null) {
            long now = System.nanoTime();
            long since = unreadableSince;
            if (since == 0) {
                unreadableSince = now;
                since = now;
            }
            if (now - since < UNREADABLE_GRACE_NANOS) {
                return last != null ? last.status : 0; // torn, probably: judge again next time
            }
            throw reset("the peer's control block " + peerSlot + "/" + peerIndex + " is damaged (unreadable for "
                    + (now - since) / 1_000_000 + " ms)");
        }
        unreadableSince = 0;
        judge(p);
        int status = p.flags() | (p.state() == STATE_CLOSED ? PEER_CLOSED : 0)
                | (p.state() == STATE_CONNECTING ? PEER_CONNECTING : 0);
        judged = new Judged(p.sequence(), medium.getIntAcquire(peerBlock + CRC_OFFSET), status);
        return status;
    }

    /** Whether the peer is a client still looking for our answer (false when it is gone). */
    boolean peerConnecting() {
        try {
            return (peerStatus() & PEER_CONNECTING) != 0;
        } catch (SocketException gone) {
            return false;
        }
    }

    /** Whether the peer will read our ring no more: it closed, or it is gone. */
    boolean peerDone() {
        try {
            return (peerStatus() & PEER_CLOSED) != 0;
        } catch (SocketException gone) {
            return true;
        }
    }

    /**
     * Whether the header {@code p}, read from the peer's block, is still our peer: the same
     * socket (generation, incarnation), connected to us, writing the ring we read.
     *
     * @throws SocketException "Connection reset" naming why not
     */
    private void judge(ControlBlockHeader p) throws SocketException {
        if (p.generation() != peerGeneration || p.ownerIncarnation() != peerIncarnation) {
            throw reset("the peer socket " + peerSlot + "/" + peerIndex + " was released");
        }
        boolean pointsBack = p.pointsAt(ownSlot, ownIndex, ownGeneration, node.incarnation());
        boolean ours = switch (p.state()) {
            case STATE_ESTABLISHED, STATE_CLOSED -> pointsBack;
            case STATE_CONNECTING -> p.nonce() == nonce; // the client has not yet seen our answer
            default -> false;
        };
        if (!ours || p.txRingOffset() != consumer.ring || p.txRingCapacity() != consumer.capacity) {
            throw reset("the peer socket " + peerSlot + "/" + peerIndex + " is no longer connected to us");
        }
    }

    /**
     * The data path's judgment, after a copy out of the peer's ring found the peer's header
     * changed since it was last confirmed (docs/PROTOCOL.md, "Data"): reads it sealed, with
     * no grace for a torn read, since the bytes just copied are delivered only if the block
     * is still our peer's.
     *
     * @return the header's sequence when it is still our peer, or {@link PeerBlockCheck#UNREADABLE}
     *     when it did not read consistently (being rewritten): decide again later
     * @throws SocketException "Connection reset" when the block is no longer our peer's: the
     *     ring's memory may hold another connection's bytes
     */
    long confirmPeer() throws SocketException {
        ControlBlockHeader p = table.read(peerSlot, peerIndex);
        if (p != null && p.generation() == peerGeneration && p.ownerIncarnation() == peerIncarnation) {
            judge(p);
            return p.sequence();
        }
        if (node.liveIncarnation(peerSlot) != peerIncarnation) {
            throw peerGone((p == null || p.ownerIncarnation() == 0 ? ""
                    : "; its block " + peerSlot + "/" + peerIndex + " now belongs to incarnation "
                    + Long.toHexString(p.ownerIncarnation())));
        }
        if (p == null) {
            return PeerBlockCheck.UNREADABLE;
        }
        throw reset("the peer socket " + peerSlot + "/" + peerIndex + " was released");
    }

    /**
     * "node N is gone", unless the medium itself shrank: a truncated array reads as dead
     * peers, and the shrink (a {@link MediumTruncatedException}) is the cause to report.
     */
    private SocketException peerGone(String detail) {
        try {
            medium.checkIntact();
        } catch (java.io.IOException shrank) {
            throw new MediumFaultException(shrank);
        }
        return reset("node " + peerSlot + " is gone (died or detached)" + detail);
    }

    private static SocketException reset(String why) {
        return new SocketException("Connection reset: " + why);
    }
}
