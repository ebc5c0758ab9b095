package io.arraysock.format;

/**
 * Layout of a control block: one sector per socket, in its node's partition of the
 * control-block table. The node that owns the partition is the single writer of every
 * byte; peers only read it.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                        sequence (u64)                         |  0
 *  +---------------------------------------------------------------+
 *  |                          state (u32)                          |  8
 *  +---------------------------------------------------------------+
 *  |                        generation (u32)                       | 12
 *  +---------------------------------------------------------------+
 *  |                   owner incarnation (u64)                     | 16
 *  +-------------------------------+-------------------------------+
 *  |          type (u16)           |          flags (u16)          | 24
 *  +-------------------------------+-------------------------------+
 *  |                        local port (u32)                       | 28
 *  +---------------------------------------------------------------+
 *  |              peer slot (u32)  |  peer index (u32)             | 32
 *  +---------------------------------------------------------------+
 *  |              peer gen (u32)   |  remote port (u32)            | 40
 *  +---------------------------------------------------------------+
 *  |                    peer incarnation (u64)                     | 48
 *  +---------------------------------------------------------------+
 *  |                          nonce (u64)                          | 56
 *  +---------------------------------------------------------------+
 *  |               tx ring offset (u64, absolute)                  | 64
 *  +---------------------------------------------------------------+
 *  |               tx ring capacity (u64, power of 2)              | 72
 *  +---------------------------------------------------------------+
 *  |  parameter (u32)              |        reserved (u32)         | 80
 *  +---------------------------------------------------------------+
 *  |        auth tag (16 bytes): HMAC-SHA256 of the connect,       | 88
 *  |        truncated (CONNECTING to a keyed listener)             |
 *  +---------------------------------------------------------------+
 *  |                     reserved, zero (104..123)                 | 104
 *  +---------------------------------------------------------------+
 *  |                  CRC32C of bytes 0..123 (u32)                 | 124
 *  +===============================================================+
 *  |                  tx tail (u64)                                | 128  \
 *  +---------------------------------------------------------------+       | producer
 *  |         (reserved)            |         tx flags (u32)        | 136   | thread's
 *  +---------------------------------------------------------------+       | line
 *  |         tx events (u32)       |                               | 144  /
 *  +---------------------------------------------------------------+
 *  |         tx waiting (u32), a line of its own                   | 192
 *  +---------------------------------------------------------------+
 *  |                  rx head (u64)                                | 256  \
 *  +---------------------------------------------------------------+       | consumer
 *  |         (reserved)            |         rx flags (u32)        | 264   | thread's
 *  +---------------------------------------------------------------+       | line
 *  |         rx events (u32)       |                               | 272  /
 *  +---------------------------------------------------------------+
 *  |         rx waiting (u32), a line of its own                   | 320
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * The sealed header (0..127) changes rarely and is rewritten whole with a new sequence
 * and CRC; a reader re-reads it until the seal matches. The live words below it change on
 * every transfer and are single aligned words, written with release stores, outside the
 * seal. Producer and consumer words sit 128 bytes apart so the two threads of a socket
 * never share a cache line (or an adjacent-line prefetch pair). Each "waiting" word has a
 * line of its own: the other side reads it after every transfer, and on the position's
 * line (written on every transfer) that read would pull the line across cores each time.
 *
 * <p>Tail and head are byte positions since the connection began. "Waiting" is 1 while
 * that side sleeps; the other side, after moving its position, looks at it and, if set,
 * increments its "events" word and futex-wakes it. A sleeper waits on the other side's
 * events word, having read it before re-checking the position and flags, so no wake-up
 * is lost. Tx flags: {@link #TX_FLAG_END} (end of stream: no byte follows the tail).
 * Rx flags: {@link #RX_FLAG_SHUT} (this side reads no more).
 */
public final class ControlBlockDescriptor {
    /** The cache line the live words are laid out by (64 bytes on every supported CPU). */
    public static final int CACHE_LINE = 64;

    // ---- the sealed header: each field follows the one before it ----------------------------
    public static final int SEQUENCE_OFFSET = 0;
    public static final int STATE_OFFSET = SEQUENCE_OFFSET + Long.BYTES;
    public static final int GENERATION_OFFSET = STATE_OFFSET + Integer.BYTES;
    public static final int OWNER_INCARNATION_OFFSET = GENERATION_OFFSET + Integer.BYTES;
    public static final int TYPE_OFFSET = OWNER_INCARNATION_OFFSET + Long.BYTES;
    public static final int FLAGS_OFFSET = TYPE_OFFSET + Short.BYTES;
    public static final int LOCAL_PORT_OFFSET = FLAGS_OFFSET + Short.BYTES;
    public static final int PEER_SLOT_OFFSET = LOCAL_PORT_OFFSET + Integer.BYTES;
    public static final int PEER_INDEX_OFFSET = PEER_SLOT_OFFSET + Integer.BYTES;
    public static final int PEER_GENERATION_OFFSET = PEER_INDEX_OFFSET + Integer.BYTES;
    public static final int REMOTE_PORT_OFFSET = PEER_GENERATION_OFFSET + Integer.BYTES;
    public static final int PEER_INCARNATION_OFFSET = REMOTE_PORT_OFFSET + Integer.BYTES;
    public static final int NONCE_OFFSET = PEER_INCARNATION_OFFSET + Long.BYTES;
    public static final int TX_RING_OFFSET_OFFSET = NONCE_OFFSET + Long.BYTES;
    public static final int TX_RING_CAPACITY_OFFSET = TX_RING_OFFSET_OFFSET + Long.BYTES;
    /**
     * LISTENING: the backlog. CONNECTING: the ring size the client wants the server to
     * allocate. REFUSED: why ({@code REFUSED_*}).
     */
    public static final int PARAMETER_OFFSET = TX_RING_CAPACITY_OFFSET + Long.BYTES;
    /** After the parameter: a reserved, zero u32. */
    private static final int PARAMETER_RESERVED_LENGTH = Integer.BYTES;
    /** CONNECTING to a listener with {@link #FLAG_AUTH_REQUIRED}: the client's proof of the key. */
    public static final int AUTH_TAG_OFFSET = PARAMETER_OFFSET + Integer.BYTES + PARAMETER_RESERVED_LENGTH;
    public static final int AUTH_TAG_LENGTH = 16;
    /** After the auth tag: reserved, zero, up to the seal. */
    private static final int TAG_RESERVED_LENGTH = 20;
    public static final int CRC_OFFSET = AUTH_TAG_OFFSET + AUTH_TAG_LENGTH + TAG_RESERVED_LENGTH;
    public static final int HEADER_LENGTH = CRC_OFFSET + Integer.BYTES;

    // ---- the live words: the tx group, then the rx group laid out alike ----------------------
    // A group is a position (u64), a reserved u32, the flags (u32) and the events (u32) on
    // one line, then the "waiting" word at the start of the next line ((x + a - 1) & -a is
    // x rounded up to a multiple of a). The rx group starts on the line pair after the tx
    // group's: producer and consumer words are 128 bytes apart (no shared line, no
    // adjacent-line prefetch pair).
    public static final int TX_TAIL_OFFSET = HEADER_LENGTH;
    public static final int TX_FLAGS_OFFSET = TX_TAIL_OFFSET + Long.BYTES + Integer.BYTES;
    public static final int TX_EVENTS_OFFSET = TX_FLAGS_OFFSET + Integer.BYTES;
    public static final int TX_WAITING_OFFSET = (TX_EVENTS_OFFSET + Integer.BYTES + CACHE_LINE - 1) & -CACHE_LINE;
    public static final int RX_HEAD_OFFSET = (TX_WAITING_OFFSET + Integer.BYTES + 2 * CACHE_LINE - 1) & -(2 * CACHE_LINE);
    public static final int RX_FLAGS_OFFSET = RX_HEAD_OFFSET + Long.BYTES + Integer.BYTES;
    public static final int RX_EVENTS_OFFSET = RX_FLAGS_OFFSET + Integer.BYTES;
    public static final int RX_WAITING_OFFSET = (RX_EVENTS_OFFSET + Integer.BYTES + CACHE_LINE - 1) & -CACHE_LINE;

    /** tx flags: end of stream, set after the last tail (shutdownOutput or close). */
    public static final int TX_FLAG_END = 0x1;
    /** rx flags: this side reads no more (shutdownInput or close). */
    public static final int RX_FLAG_SHUT = 0x1;
    /** Bytes of the sector the layout uses; the rest of a larger sector is reserved. */
    public static final int LENGTH = 512;

    /** state: the block is unallocated. */
    public static final int STATE_FREE = 0;
    /** state: allocated by openSocket, not bound. */
    public static final int STATE_OPEN = 1;
    /** state: wants {@code local port}; resolved by intent-then-scan. */
    public static final int STATE_BIND_INTENT = 2;
    public static final int STATE_BOUND = 3;
    public static final int STATE_LISTENING = 4;
    /** state: a connect request to the listener named by peer slot/index/gen/incarnation. */
    public static final int STATE_CONNECTING = 5;
    public static final int STATE_ESTABLISHED = 6;
    /** state: the listener's refusal of the request whose client and nonce are in peer/nonce. */
    public static final int STATE_REFUSED = 7;
    /** state: closed by its owner, kept until the peer lets go of the ring. */
    public static final int STATE_CLOSED = 8;
    public static final int STATE_MAX = STATE_CLOSED;

    public static final int TYPE_NONE = 0;
    public static final int TYPE_STREAM = 1;
    public static final int TYPE_SEQPACKET = 2;

    /** flags: the socket holds its local port (bound explicitly); others may not bind it. */
    public static final int FLAG_HOLDS_PORT = 0x1;
    /**
     * flags (LISTENING): connects must prove a pre-shared key: an HMAC-SHA256 over the
     * listener's nonce and both blocks' identities (see docs/PROTOCOL.md). The key itself
     * never touches the medium.
     */
    public static final int FLAG_AUTH_REQUIRED = 0x2;
    /**
     * flags: the connection's chunk payloads are encrypted and authenticated (AES-GCM with a
     * key derived from the pre-shared key; block medium only, see docs/PROTOCOL.md).
     * LISTENING (with {@link #FLAG_AUTH_REQUIRED}): connects must encrypt. CONNECTING: the
     * client will. A listener refuses a request whose flag differs from its own.
     */
    public static final int FLAG_ENCRYPTED = 0x4;
    /**
     * flags: every chunk of the connection's payload carries a CRC32C its receiver checks
     * (docs/PROTOCOL.md, "Payload checksums"): on shm its rings hold chunk records instead
     * of bytes and frames; on the block medium they always do. LISTENING: connects must ask
     * for it. CONNECTING: the client's rings and the listener's answer use chunk records.
     * ESTABLISHED (the listener's answer): echoes the request's flag, so both sides drive
     * the rings alike.
     */
    public static final int FLAG_CHECKSUMMED = 0x8;
    public static final int FLAGS_KNOWN = FLAG_HOLDS_PORT | FLAG_AUTH_REQUIRED | FLAG_ENCRYPTED | FLAG_CHECKSUMMED;

    /** REFUSED parameter: why the listener refused. */
    public static final int REFUSED_BACKLOG_FULL = 1;
    public static final int REFUSED_AUTHENTICATION = 2;
    public static final int REFUSED_TYPE_MISMATCH = 3;
    public static final int REFUSED_BAD_REQUEST = 4;
    public static final int REFUSED_NO_RESOURCES = 5;
    /** The request's {@link #FLAG_ENCRYPTED} differs from the listener's. */
    public static final int REFUSED_ENCRYPTION_MISMATCH = 6;
    /** The listener has {@link #FLAG_CHECKSUMMED} and the request does not. */
    public static final int REFUSED_CHECKSUM_MISMATCH = 7;

    /** Ring capacities: powers of two in this range. */
    public static final long MIN_RING_CAPACITY = 4096;
    public static final long MAX_RING_CAPACITY = 1L << 30;

    private ControlBlockDescriptor() {
    }
}
