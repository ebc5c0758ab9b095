package io.arraysock.format;

/**
 * Layout of a node record: one sector per node slot in the node table, at
 * {@link Geometry#nodeRecordOffset(int)}. Little-endian.
 *
 * <p>Single writer: the node that holds the slot. {@code format} writes the whole table
 * zero once (an all-zero header is a valid FREE record that was never claimed); from then
 * on a slot is written by its claimer: first the CLAIMING header (the one moment two
 * claimers may both write, which the settle-and-read-back of the claim resolves), then by
 * the winner alone until it writes FREE on detach. A claimer of a dead node's slot takes
 * over as the writer.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                    sequence (u64), +1 per header write        |   0
 *  +---------------------------------------------------------------+
 *  |          state (u32): FREE=0, CLAIMING=1, ACTIVE=2            |   8
 *  |                         pid (u32)                             |  12
 *  +---------------------------------------------------------------+
 *  |       incarnation (u64): random, nonzero, new per attach      |  16
 *  +---------------------------------------------------------------+
 *  |     host id (16 bytes: the host's boot_id, RFC 4122 order)    |  24
 *  +---------------------------------------------------------------+
 *  |            lock identity: file device (u64)                   |  40
 *  |            lock identity: file inode (u64)                    |  48
 *  +---------------------------------------------------------------+
 *  |            host name (64 bytes UTF-8, NUL-padded)             |  56
 *  |                              ...                              |
 *  +---------------------------------------------------------------+
 *  |         attach count (u64): claims of this slot so far        | 120
 *  +---------------------------------------------------------------+
 *  |                reserved, zero (124 bytes)                     | 128
 *  +---------------------------------------------------------------+
 *  |                  crc32c of [0, 252) (u32)                     | 252
 *  +===============================================================+
 *  |    heartbeat (u64): outside the seal, release-stored by the   | 256
 *  |    owner every heartbeat interval                             |
 *  +---------------------------------------------------------------+
 *  |         reserved for the node layer, zero (56 bytes)          | 264
 *  +---------------------------------------------------------------+
 *  |    connect bell (u32): never written; clients futex-wake it   | 320
 *  |    after posting a connect request (shm)                      |
 *  +---------------------------------------------------------------+
 *  |    loop bell (u32): written by the holder to wake its event   | 324
 *  |    loops; other nodes futex-wake it without writing (shm)     |
 *  +---------------------------------------------------------------+
 *  |    connect requests posted (u64): changes after this node     | 328
 *  |    writes a CONNECTING block                                  |
 *  +---------------------------------------------------------------+
 *  |    connect answers posted (u64): changes after this node      | 336
 *  |    writes an answer (ESTABLISHED for a client, or REFUSED)    |
 *  +---------------------------------------------------------------+
 *  |    counters (120 bytes, NodeCountersDescriptor): published by | 344
 *  |    the holder's publisher thread                              |
 *  +---------------------------------------------------------------+
 *  |    reserved for the socket layer, zero, to the sector's end   | 464
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * The heartbeat lives outside the sealed header so that the hot periodic write is one
 * 8-byte release store, not a rewrite and re-seal of the header. Observers judge liveness
 * by watching it change on their own clock.
 */
public final class NodeRecordDescriptor {
    // Each offset follows from the field before it and that field's length (FormatSpecTest
    // checks the result against docs/FORMAT.md).
    public static final int SEQUENCE_OFFSET = 0;
    public static final int STATE_OFFSET = SEQUENCE_OFFSET + Long.BYTES;
    public static final int PID_OFFSET = STATE_OFFSET + Integer.BYTES;
    public static final int INCARNATION_OFFSET = PID_OFFSET + Integer.BYTES;
    public static final int HOST_ID_OFFSET = INCARNATION_OFFSET + Long.BYTES;
    public static final int HOST_ID_LENGTH = 16;
    public static final int LOCK_DEVICE_OFFSET = HOST_ID_OFFSET + HOST_ID_LENGTH;
    public static final int LOCK_INODE_OFFSET = LOCK_DEVICE_OFFSET + Long.BYTES;
    public static final int HOST_NAME_OFFSET = LOCK_INODE_OFFSET + Long.BYTES;
    public static final int HOST_NAME_LENGTH = 64;
    public static final int ATTACH_COUNT_OFFSET = HOST_NAME_OFFSET + HOST_NAME_LENGTH;
    public static final int RESERVED_OFFSET = ATTACH_COUNT_OFFSET + Long.BYTES;
    public static final int RESERVED_LENGTH = 124;
    public static final int CRC_OFFSET = RESERVED_OFFSET + RESERVED_LENGTH;
    /** Bytes of the sealed header, checksum included: what a header write rewrites. */
    public static final int HEADER_LENGTH = CRC_OFFSET + Integer.BYTES;
    public static final int HEARTBEAT_OFFSET = HEADER_LENGTH;
    public static final int NODE_RESERVED_OFFSET = HEARTBEAT_OFFSET + Long.BYTES;
    public static final int NODE_RESERVED_LENGTH = 56;
    /** First byte the socket layer may use; it ends at the end of the sector. */
    public static final int SOCKET_AREA_OFFSET = NODE_RESERVED_OFFSET + NODE_RESERVED_LENGTH;
    /**
     * A word nobody writes: a client futex-wakes it after posting a connect request to a
     * listener of this node, whose acceptor sleeps on it. A wake needs no write, so the
     * sector keeps its single writer.
     */
    public static final int CONNECT_BELL_OFFSET = SOCKET_AREA_OFFSET;
    /**
     * Live words outside the seal, release-stored by the node: a value that differs from the
     * last one seen means "scan my partition", so pollers (acceptors, clients awaiting an
     * answer) read one word per node instead of the table. Hints only: the value means
     * nothing else, any value is safe, and pollers still scan in full now and then.
     */
    /**
     * The word this node's event loops sleep on (shm): the holder alone writes it, a new
     * value each time one of its threads wakes its loops; other nodes futex-wake it, without
     * writing, after publishing into (or freeing room in) a ring whose consumer's waiting
     * word says its loop sleeps (docs/PROTOCOL.md, "Event loops").
     */
    public static final int LOOP_BELL_OFFSET = CONNECT_BELL_OFFSET + Integer.BYTES;
    public static final int CONNECT_REQUESTS_OFFSET = LOOP_BELL_OFFSET + Integer.BYTES;
    public static final int CONNECT_ANSWERS_OFFSET = CONNECT_REQUESTS_OFFSET + Long.BYTES;
    /** The node's counters, outside the seal: {@link NodeCountersDescriptor}. */
    public static final int COUNTERS_OFFSET = CONNECT_ANSWERS_OFFSET + Long.BYTES;
    public static final int COUNTERS_LENGTH = 120;
    /** The node's distinct-error log header, outside the seal: {@link ErrorLogDescriptor}. */
    public static final int ERROR_LOG_HEADER_OFFSET = COUNTERS_OFFSET + COUNTERS_LENGTH;
    public static final int ERROR_LOG_HEADER_LENGTH = 40;

    /** Largest pid accepted from the medium (a positive int). */
    public static final long MAX_PID = Integer.MAX_VALUE;

    private NodeRecordDescriptor() {
    }
}
