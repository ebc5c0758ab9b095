package io.arraysock.format;


import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static io.arraysock.format.ControlBlockDescriptor.*;

/**
 * The sealed header of a control block, decoded. Values come from a medium other nodes
 * write, so {@link #decode} checks every field's range and {@link #ringFits} checks a
 * ring reference against the owner's arena before anyone dereferences it.
 */
public record ControlBlockHeader(long sequence, int state, int generation, long ownerIncarnation, int type, int flags,
                          int localPort, int peerSlot, int peerIndex, int peerGeneration, int remotePort,
                          long peerIncarnation, long nonce, long txRingOffset, long txRingCapacity, int parameter,
                          byte[] authTag) {

    /** The auth tag of a header that carries none. */
    public static final byte[] NO_TAG = new byte[AUTH_TAG_LENGTH];

    public static final ControlBlockHeader FREE = new ControlBlockHeader(0, STATE_FREE, 0, 0, TYPE_NONE, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, NO_TAG);

    /** Thrown by {@link #decode} for a sealed header whose fields are out of range. */
    public static final class BadFieldException extends Exception {
        private static final long serialVersionUID = 1L;

        BadFieldException(String message) {
            super(message);
        }
    }

    /** Field by field, the auth tag by content (a record compares arrays by identity). */
    @Override
    public boolean equals(Object o) {
        return o instanceof ControlBlockHeader h && sequence == h.sequence && state == h.state
                && generation == h.generation && ownerIncarnation == h.ownerIncarnation && type == h.type
                && flags == h.flags && localPort == h.localPort && peerSlot == h.peerSlot && peerIndex == h.peerIndex
                && peerGeneration == h.peerGeneration && remotePort == h.remotePort
                && peerIncarnation == h.peerIncarnation && nonce == h.nonce && txRingOffset == h.txRingOffset
                && txRingCapacity == h.txRingCapacity && parameter == h.parameter
                && java.util.Arrays.equals(authTag, h.authTag);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(sequence, state, generation, ownerIncarnation, localPort, peerSlot, peerIndex,
                nonce, java.util.Arrays.hashCode(authTag));
    }

    @Override
    public String toString() {
        return "ControlBlockHeader[seq " + sequence + ", state " + state + ", gen " + generation + ", owner "
                + Long.toHexString(ownerIncarnation) + ", type " + type + ", flags " + flags + ", port " + localPort
                + ", peer " + peerSlot + "/" + peerIndex + "/" + peerGeneration + "/" + Long.toHexString(peerIncarnation)
                + ", remote port " + remotePort + ", nonce " + Long.toHexString(nonce) + ", ring " + txRingOffset + "+"
                + txRingCapacity + ", parameter " + parameter + "]";
    }

    public boolean isFree() {
        return state == STATE_FREE;
    }

    public boolean holdsPort() {
        return (flags & FLAG_HOLDS_PORT) != 0;
    }

    public boolean hasFlag(int flag) {
        return (flags & flag) != 0;
    }

    /** Whether this block names (slot, index, generation, incarnation) as its peer. */
    public boolean pointsAt(int slot, int index, int gen, long incarnation) {
        return peerSlot == slot && peerIndex == index && peerGeneration == gen && peerIncarnation == incarnation;
    }

    public ControlBlockHeader withState(int newState) {
        return new ControlBlockHeader(sequence, newState, generation, ownerIncarnation, type, flags, localPort, peerSlot,
                peerIndex, peerGeneration, remotePort, peerIncarnation, nonce, txRingOffset, txRingCapacity, parameter, authTag);
    }

    public ControlBlockHeader withFlags(int newFlags) {
        return new ControlBlockHeader(sequence, state, generation, ownerIncarnation, type, newFlags, localPort, peerSlot,
                peerIndex, peerGeneration, remotePort, peerIncarnation, nonce, txRingOffset, txRingCapacity, parameter, authTag);
    }

    public ControlBlockHeader withPort(int newState, int port, int newFlags) {
        return new ControlBlockHeader(sequence, newState, generation, ownerIncarnation, type, newFlags, port, peerSlot,
                peerIndex, peerGeneration, remotePort, peerIncarnation, nonce, txRingOffset, txRingCapacity, parameter, authTag);
    }

    public ControlBlockHeader withParameter(int newState, int value) {
        return new ControlBlockHeader(sequence, newState, generation, ownerIncarnation, type, flags, localPort, peerSlot,
                peerIndex, peerGeneration, remotePort, peerIncarnation, nonce, txRingOffset, txRingCapacity, value, authTag);
    }

    public ControlBlockHeader withPeer(int newState, int slot, int index, int gen, long incarnation, int port, long newNonce,
                                long ringOffset, long ringCapacity, int param) {
        return new ControlBlockHeader(sequence, newState, generation, ownerIncarnation, type, flags, localPort, slot,
                index, gen, port, incarnation, newNonce, ringOffset, ringCapacity, param, authTag);
    }

    public ControlBlockHeader withAuthTag(byte[] tag) {
        return new ControlBlockHeader(sequence, state, generation, ownerIncarnation, type, flags, localPort, peerSlot,
                peerIndex, peerGeneration, remotePort, peerIncarnation, nonce, txRingOffset, txRingCapacity, parameter,
                tag.clone());
    }

    public ControlBlockHeader withGeneration(int gen) {
        return new ControlBlockHeader(sequence, state, gen, ownerIncarnation, type, flags, localPort, peerSlot,
                peerIndex, peerGeneration, remotePort, peerIncarnation, nonce, txRingOffset, txRingCapacity, parameter, authTag);
    }

    public ControlBlockHeader withSequence(long seq) {
        return new ControlBlockHeader(seq, state, generation, ownerIncarnation, type, flags, localPort, peerSlot,
                peerIndex, peerGeneration, remotePort, peerIncarnation, nonce, txRingOffset, txRingCapacity, parameter, authTag);
    }

    /** Whether the tx ring reference lies inside arena {@code slot} and is a valid capacity. */
    public boolean ringFits(Geometry geometry, int slot) {
        long cap = txRingCapacity;
        if (cap < MIN_RING_CAPACITY || cap > MAX_RING_CAPACITY || Long.bitCount(cap) != 1) {
            return false;
        }
        long start = geometry.arenaOffset(slot);
        long end = start + geometry.arenaSize();
        return txRingOffset >= start && txRingOffset <= end - cap && (txRingOffset & 7) == 0;
    }

    /** Encodes into {@code buf[0, HEADER_LENGTH)} and seals it. */
    public void encode(ByteBuffer buf) {
        ByteBuffer b = buf.duplicate().order(ByteOrder.LITTLE_ENDIAN).clear();
        for (int i = 0; i < HEADER_LENGTH; i += 8) {
            b.putLong(i, 0);
        }
        b.putLong(SEQUENCE_OFFSET, sequence);
        b.putInt(STATE_OFFSET, state);
        b.putInt(GENERATION_OFFSET, generation);
        b.putLong(OWNER_INCARNATION_OFFSET, ownerIncarnation);
        b.putShort(TYPE_OFFSET, (short) type);
        b.putShort(FLAGS_OFFSET, (short) flags);
        b.putInt(LOCAL_PORT_OFFSET, localPort);
        b.putInt(PEER_SLOT_OFFSET, peerSlot);
        b.putInt(PEER_INDEX_OFFSET, peerIndex);
        b.putInt(PEER_GENERATION_OFFSET, peerGeneration);
        b.putInt(REMOTE_PORT_OFFSET, remotePort);
        b.putLong(PEER_INCARNATION_OFFSET, peerIncarnation);
        b.putLong(NONCE_OFFSET, nonce);
        b.putLong(TX_RING_OFFSET_OFFSET, txRingOffset);
        b.putLong(TX_RING_CAPACITY_OFFSET, txRingCapacity);
        b.putInt(PARAMETER_OFFSET, parameter);
        b.put(AUTH_TAG_OFFSET, authTag, 0, AUTH_TAG_LENGTH);
        RecordSeal.seal(b, CRC_OFFSET);
    }

    /**
     * Decodes {@code buf[0, HEADER_LENGTH)}. An all-zero header is {@link #FREE}.
     *
     * @return null when the seal does not match (torn or damaged: re-read)
     * @throws BadFieldException when sealed but a field is out of range
     */
    public static ControlBlockHeader decode(ByteBuffer buf, Geometry geometry) throws BadFieldException {
        ByteBuffer b = buf.duplicate().order(ByteOrder.LITTLE_ENDIAN).clear();
        if (b.getInt(CRC_OFFSET) == 0 && isZero(b)) {
            return FREE;
        }
        if (!RecordSeal.isSealed(b, CRC_OFFSET)) {
            return null;
        }
        int state = b.getInt(STATE_OFFSET);
        int type = Short.toUnsignedInt(b.getShort(TYPE_OFFSET));
        int flags = Short.toUnsignedInt(b.getShort(FLAGS_OFFSET));
        long localPort = Integer.toUnsignedLong(b.getInt(LOCAL_PORT_OFFSET));
        long remotePort = Integer.toUnsignedLong(b.getInt(REMOTE_PORT_OFFSET));
        long peerSlot = Integer.toUnsignedLong(b.getInt(PEER_SLOT_OFFSET));
        long peerIndex = Integer.toUnsignedLong(b.getInt(PEER_INDEX_OFFSET));
        if (state < STATE_FREE || state > STATE_MAX) {
            throw new BadFieldException("state " + state + " is not in 0.." + STATE_MAX);
        }
        if (type > TYPE_SEQPACKET) {
            throw new BadFieldException("type " + type + " is not in 0.." + TYPE_SEQPACKET);
        }
        if ((flags & ~FLAGS_KNOWN) != 0) {
            throw new BadFieldException("unknown flags 0x" + Integer.toHexString(flags));
        }
        if (localPort > 65535 || remotePort > 65535) {
            throw new BadFieldException("port out of range: local " + localPort + ", remote " + remotePort);
        }
        if (!geometry.isSlot(peerSlot) || !geometry.isIndex(peerIndex)) {
            throw new BadFieldException("peer reference out of range: slot " + peerSlot + ", index " + peerIndex);
        }
        return new ControlBlockHeader(b.getLong(SEQUENCE_OFFSET), state, b.getInt(GENERATION_OFFSET),
                b.getLong(OWNER_INCARNATION_OFFSET), type, flags, (int) localPort, (int) peerSlot, (int) peerIndex,
                b.getInt(PEER_GENERATION_OFFSET), (int) remotePort, b.getLong(PEER_INCARNATION_OFFSET),
                b.getLong(NONCE_OFFSET), b.getLong(TX_RING_OFFSET_OFFSET), b.getLong(TX_RING_CAPACITY_OFFSET),
                b.getInt(PARAMETER_OFFSET), tag(b));
    }

    private static byte[] tag(ByteBuffer b) {
        byte[] t = new byte[AUTH_TAG_LENGTH];
        b.get(AUTH_TAG_OFFSET, t);
        return t;
    }

    private static boolean isZero(ByteBuffer b) {
        for (int i = 0; i < HEADER_LENGTH; i += 8) {
            if (b.getLong(i) != 0) {
                return false;
            }
        }
        return true;
    }
}
