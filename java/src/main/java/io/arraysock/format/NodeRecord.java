package io.arraysock.format;

import io.arraysock.api.NodeState;
import io.arraysock.medium.internal.FileIdentity;

import java.util.Objects;
import java.util.UUID;

/**
 * The decoded, sealed header of a node record ({@link NodeRecordDescriptor}); the heartbeat
 * is read separately, because it changes outside the seal.
 *
 * @param sequence     bumped by the writer on every header write
 * @param state        FREE, CLAIMING or ACTIVE
 * @param incarnation  the holder's attach identity: random, nonzero unless FREE
 * @param pid          the holder's process id (0 when FREE)
 * @param hostId       the holder's boot id (zero UUID when FREE or unknown)
 * @param lockIdentity device and inode of the holder's opened medium: observers with the
 *                     same identity judge its liveness by the OFD lock on the slot's byte
 * @param hostName     the holder's host name, at most 64 bytes of UTF-8
 * @param attachCount  how many times the slot has been claimed
 */
public record NodeRecord(long sequence, NodeState state, long incarnation, int pid, UUID hostId,
                         FileIdentity lockIdentity, String hostName, long attachCount) {
    private static final UUID NO_HOST = new UUID(0, 0);
    private static final FileIdentity NO_FILE = new FileIdentity(0, 0);

    public NodeRecord {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(hostId, "hostId");
        Objects.requireNonNull(lockIdentity, "lockIdentity");
        Objects.requireNonNull(hostName, "hostName");
    }

    /** The all-zero record {@code format} leaves: FREE, never claimed. */
    public static NodeRecord blank() {
        return new NodeRecord(0, NodeState.FREE, 0, 0, NO_HOST, NO_FILE, "", 0);
    }

    /** The record a holder writes when it detaches: FREE, identity cleared, counts kept. */
    public NodeRecord released() {
        return new NodeRecord(sequence + 1, NodeState.FREE, 0, 0, NO_HOST, NO_FILE, "", attachCount);
    }

    public NodeRecord withState(NodeState newState) {
        return new NodeRecord(sequence + 1, newState, incarnation, pid, hostId, lockIdentity, hostName, attachCount);
    }
}
