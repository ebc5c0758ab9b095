package io.arraysock.format;

/**
 * Layout of a chunk record: how the block medium carries ring bytes. Every extent a
 * producer writes into its ring is one chunk, sector-aligned in the ring and never
 * straddling its end; its first sector starts with this header, the payload follows it
 * at once, and the chunk is padded with zeros to a whole sector. Single writer: the
 * producer (the ring is in its arena). The consumer reads speculatively at its head and
 * knows from the record alone whether it is the one it expects, whole and undamaged.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                    magic (u32, "CHNK")                        |  0
 *  +-------------------------------+-------------------------------+
 *  |          kind (u16)           |      reserved, zero (u16)     |  4
 *  +-------------------------------+-------------------------------+
 *  |          ring position of this chunk's first byte (u64)       |  8
 *  +---------------------------------------------------------------+
 *  |          connection nonce (u64)                               | 16
 *  +---------------------------------------------------------------+
 *  |          ring offset on the medium (u64)                      | 24
 *  +---------------------------------------------------------------+
 *  |          payload length (u32)                                 | 32
 *  +---------------------------------------------------------------+
 *  |          CRC32C of bytes 0..35, then of the payload (u32)     | 36
 *  +---------------------------------------------------------------+
 *  |          payload ...                                          | 40
 *  +---------------------------------------------------------------+
 *  |          zero padding to the next sector boundary             |
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * A seqpacket chunk's payload is a run of whole messages:
 *
 * <pre>
 *  +----------------+-----------------+----------------+-----------------+----
 *  | length L1 (u32)| L1 bytes        | length L2 (u32)| L2 bytes        | ...
 *  +----------------+-----------------+----------------+-----------------+----
 * </pre>
 *
 * A chunk is the one expected at ring position P when its magic is right, its position
 * is P, its nonce and ring offset are the connection's (a chunk of an earlier lap, an
 * earlier connection on the same ring, or the other direction's ring never matches), its
 * kind is known, its length fits, and its CRC matches. Anything else is either not
 * written yet or damaged; only the producer's published tail tells which (see
 * docs/PROTOCOL.md).
 */
public final class ChunkDescriptor {
    private ChunkDescriptor() {
    }

    /** "CHNK" as little-endian bytes 'C' 'H' 'N' 'K'. */
    public static final int MAGIC = 0x4B4E4843;

    public static final int MAGIC_OFFSET = 0;
    public static final int KIND_OFFSET = MAGIC_OFFSET + Integer.BYTES;
    public static final int RESERVED_OFFSET = KIND_OFFSET + Short.BYTES;
    public static final int POSITION_OFFSET = RESERVED_OFFSET + Short.BYTES;
    public static final int NONCE_OFFSET = POSITION_OFFSET + Long.BYTES;
    public static final int RING_OFFSET_OFFSET = NONCE_OFFSET + Long.BYTES;
    public static final int LENGTH_OFFSET = RING_OFFSET_OFFSET + Long.BYTES;
    public static final int CRC_OFFSET = LENGTH_OFFSET + Integer.BYTES;
    /** Bytes before the payload. */
    public static final int HEADER_LENGTH = CRC_OFFSET + Integer.BYTES;

    /**
     * A chunk of payload: stream bytes, or, on a seqpacket ring, one or more whole messages,
     * each a {@value #MESSAGE_LENGTH_SIZE}-byte little-endian u32 length then its bytes,
     * unpadded, filling the payload exactly.
     */
    public static final int KIND_DATA = 1;
    /** Bytes of the length before each message in a seqpacket chunk's payload. */
    public static final int MESSAGE_LENGTH_SIZE = 4;
    /**
     * Nothing until the end of the ring: a message that does not fit before the end goes
     * at the start of the next lap. Its payload length is zero.
     */
    public static final int KIND_PAD = 2;
    /**
     * The end of the stream, at the final tail: nothing follows it. Its payload length is
     * zero. The consumer finds it with the look it makes for data, so the end costs it no
     * read of the producer's flags (which are raised too, as a backstop).
     */
    public static final int KIND_END = 3;

    /**
     * Longest chunk, header and padding included: a reader checks a chunk whole before it
     * delivers a byte of it, in a buffer of this size.
     */
    public static final int MAX_EXTENT = 1 << 20;

    /** Bytes a chunk with {@code payload} bytes occupies in a ring of {@code sectorSize}-byte sectors. */
    public static long extent(long payload, int sectorSize) {
        long bytes = HEADER_LENGTH + payload;
        return (bytes + sectorSize - 1) & -(long) sectorSize;
    }
}
