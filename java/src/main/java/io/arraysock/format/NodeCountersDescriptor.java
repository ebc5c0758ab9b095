package io.arraysock.format;

/**
 * Layout of a node's counters: the node record's bytes from
 * {@link NodeRecordDescriptor#COUNTERS_OFFSET}, outside the seal. Offsets are absolute
 * within the node record. Written by the node holding the slot alone (its publisher thread
 * copies them once per heartbeat interval in which one changed); everyone else only reads them, and
 * treats every value as untrusted (shown, never used to size or index anything). All
 * counters count since the holder attached (a new incarnation starts at zero).
 *
 * <pre>
 *  344  connects (u64): connects of this node's sockets that were answered ESTABLISHED
 *  352  connect failures (u64): connects refused, unanswered or timed out
 *  360  accepts (u64): connections taken by accept on this node's listeners
 *  368  refusals (6 x u64): connect requests this node's listeners refused, by reason
 *       (the control block's REFUSED parameter: index = reason - 1)
 *  416  resets (u64): connections of this node that were reset
 *  424  damaged chunks (u64): of those, resets for a chunk that failed its CRC32C (block)
 *  432  authentication failures (u64): connects refused for a wrong key, and chunks
 *       whose AES-GCM tag failed
 *  440  nodes seen dead (u64): other nodes this node judged dead while they were ACTIVE
 *  448  publishes (u64): +1 per publish of this area
 *  456  incarnation (u64): the holder's incarnation when it wrote them; another value
 *       (an earlier holder's) means they are not the holder's, and are not shown
 * </pre>
 */
public final class NodeCountersDescriptor {
    public static final int CONNECTS_OFFSET = NodeRecordDescriptor.COUNTERS_OFFSET;
    public static final int CONNECT_FAILURES_OFFSET = CONNECTS_OFFSET + Long.BYTES;
    public static final int ACCEPTS_OFFSET = CONNECT_FAILURES_OFFSET + Long.BYTES;
    public static final int REFUSALS_OFFSET = ACCEPTS_OFFSET + Long.BYTES;
    /** One u64 per refusal reason, {@code ControlBlockDescriptor.REFUSED_*} 1..6. */
    public static final int REFUSAL_REASONS = ControlBlockDescriptor.REFUSED_ENCRYPTION_MISMATCH;
    public static final int REFUSALS_LENGTH = REFUSAL_REASONS * Long.BYTES;
    public static final int RESETS_OFFSET = REFUSALS_OFFSET + REFUSALS_LENGTH;
    public static final int DAMAGED_CHUNKS_OFFSET = RESETS_OFFSET + Long.BYTES;
    public static final int AUTHENTICATION_FAILURES_OFFSET = DAMAGED_CHUNKS_OFFSET + Long.BYTES;
    public static final int NODES_SEEN_DEAD_OFFSET = AUTHENTICATION_FAILURES_OFFSET + Long.BYTES;
    public static final int PUBLISHES_OFFSET = NODES_SEEN_DEAD_OFFSET + Long.BYTES;
    public static final int INCARNATION_OFFSET = PUBLISHES_OFFSET + Long.BYTES;
    /** Bytes from {@link NodeRecordDescriptor#COUNTERS_OFFSET} a publish writes. */
    public static final int AREA_LENGTH = INCARNATION_OFFSET + Long.BYTES - CONNECTS_OFFSET;
    /** How many u64 words the area holds, in order (the counters, publishes, incarnation). */
    public static final int COUNT = AREA_LENGTH / Long.BYTES;

    private NodeCountersDescriptor() {
    }
}
