package io.arraysock.format;

/**
 * Layout of the superblock, sector 0 of every array. Little-endian. Written once, by
 * {@code format}, and never again: every other participant only reads it. The header is
 * sealed by a CRC32C of bytes [0, {@value #CRC_OFFSET}) stored at {@link #CRC_OFFSET}; the
 * rest of the sector is reserved and zero.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                 magic "ARRYSOCK" (u64)                        |   0
 *  |                                                               |
 *  +-------------------------------+-------------------------------+
 *  |     version major (u16)       |     version minor (u16)       |   8
 *  +-------------------------------+-------------------------------+
 *  |                     header length (u32)                       |  12
 *  +---------------------------------------------------------------+
 *  |                 uuid (16 bytes, RFC 4122 order)               |  16
 *  |                              ...                              |
 *  +---------------------------------------------------------------+
 *  |                      sector size (u32)                        |  32
 *  |                      node slots (u32)                         |  36
 *  |                    sockets per node (u32)                     |  40
 *  |                         flags (u32)                           |  44
 *  +---------------------------------------------------------------+
 *  |                      arena size (u64)                         |  48
 *  |                   node table offset (u64)                     |  56
 *  |               control-block table offset (u64)                |  64
 *  |                     arena offset (u64)                        |  72
 *  |                  required total size (u64)                    |  80
 *  +---------------------------------------------------------------+
 *  |                heartbeat interval ms (u32)                    |  88
 *  |                 liveness timeout ms (u32)                     |  92
 *  |                   claim settle ms (u32)                       |  96
 *  +---------------------------------------------------------------+
 *  |              reserved, zero (24 bytes; new minors)            | 100
 *  +---------------------------------------------------------------+
 *  |                    crc32c of [0, 124) (u32)                   | 124
 *  +---------------------------------------------------------------+
 *  |               reserved, zero, to the end of the sector        | 128
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * A reader checks the magic, then the major version, then the checksum, then every field:
 * the version comes before the checksum so that a future major that moves the checksum is
 * refused as a version, not reported as corruption.
 */
public final class SuperblockDescriptor {
    /** "ARRYSOCK" read as a little-endian u64: byte 0 is 'A'. */
    public static final long MAGIC = 0x4b434f5359525241L;
    public static final int VERSION_MAJOR = 1;
    public static final int VERSION_MINOR = 0;

    // Each offset follows from the field before it and that field's length, so a field
    // cannot be moved or resized without its successors following (FormatSpecTest checks
    // the result against docs/FORMAT.md).
    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_MAJOR_OFFSET = MAGIC_OFFSET + Long.BYTES;
    public static final int VERSION_MINOR_OFFSET = VERSION_MAJOR_OFFSET + Short.BYTES;
    public static final int HEADER_LENGTH_OFFSET = VERSION_MINOR_OFFSET + Short.BYTES;
    public static final int UUID_OFFSET = HEADER_LENGTH_OFFSET + Integer.BYTES;
    public static final int UUID_LENGTH = 16;
    public static final int SECTOR_SIZE_OFFSET = UUID_OFFSET + UUID_LENGTH;
    public static final int NODE_SLOTS_OFFSET = SECTOR_SIZE_OFFSET + Integer.BYTES;
    public static final int SOCKETS_PER_NODE_OFFSET = NODE_SLOTS_OFFSET + Integer.BYTES;
    public static final int FLAGS_OFFSET = SOCKETS_PER_NODE_OFFSET + Integer.BYTES;
    public static final int ARENA_SIZE_OFFSET = FLAGS_OFFSET + Integer.BYTES;
    public static final int NODE_TABLE_OFFSET_OFFSET = ARENA_SIZE_OFFSET + Long.BYTES;
    public static final int CONTROL_BLOCK_TABLE_OFFSET_OFFSET = NODE_TABLE_OFFSET_OFFSET + Long.BYTES;
    public static final int ARENA_OFFSET_OFFSET = CONTROL_BLOCK_TABLE_OFFSET_OFFSET + Long.BYTES;
    public static final int REQUIRED_SIZE_OFFSET = ARENA_OFFSET_OFFSET + Long.BYTES;
    public static final int HEARTBEAT_INTERVAL_MS_OFFSET = REQUIRED_SIZE_OFFSET + Long.BYTES;
    public static final int LIVENESS_TIMEOUT_MS_OFFSET = HEARTBEAT_INTERVAL_MS_OFFSET + Integer.BYTES;
    public static final int CLAIM_SETTLE_MS_OFFSET = LIVENESS_TIMEOUT_MS_OFFSET + Integer.BYTES;
    public static final int RESERVED_OFFSET = CLAIM_SETTLE_MS_OFFSET + Integer.BYTES;
    public static final int RESERVED_LENGTH = 24;
    public static final int CRC_OFFSET = RESERVED_OFFSET + RESERVED_LENGTH;
    /** Bytes of the 1.0 header, checksum included; the value of the header-length field. */
    public static final int HEADER_LENGTH = CRC_OFFSET + Integer.BYTES;

    /** Flags defined by this version: none. */
    public static final int KNOWN_FLAGS = 0;

    public static final int MIN_HEARTBEAT_INTERVAL_MS = 1;
    public static final int MAX_HEARTBEAT_INTERVAL_MS = 60_000;
    /** The liveness timeout is at least this many heartbeat intervals, so one late tick is not a death. */
    public static final int MIN_TIMEOUT_INTERVALS = 2;
    public static final int MAX_LIVENESS_TIMEOUT_MS = 3_600_000;
    public static final int MIN_CLAIM_SETTLE_MS = 1;
    public static final int MAX_CLAIM_SETTLE_MS = 60_000;

    private SuperblockDescriptor() {
    }
}
