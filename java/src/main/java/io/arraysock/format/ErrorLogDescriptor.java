package io.arraysock.format;

/**
 * Layout of a node's distinct-error log (docs/FORMAT.md, "Distinct-error log"): a header in
 * the node record's bytes 464..511, outside the seal, and {@link #ENTRIES} entries of
 * {@link #ENTRY_LENGTH} bytes in one {@link #LOG_LENGTH}-byte granule of the node's own
 * arena, wherever the header says. Written by the node holding the slot alone (its counter
 * publisher, on the counters' cadence); everyone else only reads it, and treats every byte
 * as untrusted: the header's offset must name a granule of that slot's arena, an entry must
 * carry the magic, a length that fits and a matching CRC32C, and its message is decoded
 * with replacement of malformed UTF-8. Shown, never used to size or index anything else.
 *
 * <pre>
 * header, node record:                     entry (ENTRY_LENGTH bytes, in the log granule):
 *  464  log offset (u64): absolute offset     +0  magic (u32) "ERRL"
 *       of the log granule; 0: none placed    +4  kind (u16): KIND_*
 *  472  incarnation (u64): the holder's       +6  message length (u16) &lt;= MAX_MESSAGE
 *  480  publishes (u64)                       +8  array tag (u64): the superblock uuid's high half
 *  488  occurrences (u64): errors logged,    +16  incarnation (u64): the writer's
 *       every one, evicted ones included     +24  key (u64): FNV-1a of kind, type and message (digits masked)
 *  496  evicted (u64): distinct errors       +32  count (u64)
 *       replaced when every entry was used   +40  first (u64): ms since the epoch, the writer's clock
 *  504  reserved, zero                       +48  last (u64): likewise
 *                                            +56  reserved (u32), zero
 *                                            +60  crc32c (u32) of [0, 60) and the message bytes
 *                                            +64  message: UTF-8, then zero to the entry's end
 * </pre>
 */
public final class ErrorLogDescriptor {
    /** The header's first byte in the node record; it ends at {@link #HEADER_END}. */
    public static final int LOG_OFFSET_OFFSET = NodeRecordDescriptor.ERROR_LOG_HEADER_OFFSET;
    public static final int INCARNATION_OFFSET = LOG_OFFSET_OFFSET + Long.BYTES;
    public static final int PUBLISHES_OFFSET = INCARNATION_OFFSET + Long.BYTES;
    public static final int OCCURRENCES_OFFSET = PUBLISHES_OFFSET + Long.BYTES;
    public static final int EVICTED_OFFSET = OCCURRENCES_OFFSET + Long.BYTES;
    /** Bytes of the header a publish writes: [LOG_OFFSET_OFFSET, HEADER_END). */
    public static final int HEADER_END = EVICTED_OFFSET + Long.BYTES;
    public static final int HEADER_LENGTH = HEADER_END - LOG_OFFSET_OFFSET;

    /** The log's size in the arena: one allocation granule. */
    public static final int LOG_LENGTH = 4096;
    public static final int ENTRY_LENGTH = 512;
    public static final int ENTRIES = LOG_LENGTH / ENTRY_LENGTH;

    public static final int MAGIC = 0x4C525245; // bytes E R R L
    public static final int MAGIC_OFFSET = 0;
    public static final int KIND_OFFSET = 4;
    public static final int MESSAGE_LENGTH_OFFSET = 6;
    public static final int ARRAY_TAG_OFFSET = 8;
    public static final int ENTRY_INCARNATION_OFFSET = 16;
    public static final int KEY_OFFSET = 24;
    public static final int COUNT_OFFSET = 32;
    public static final int FIRST_OFFSET = 40;
    public static final int LAST_OFFSET = 48;
    public static final int ENTRY_RESERVED_OFFSET = 56;
    public static final int CRC_OFFSET = 60;
    public static final int MESSAGE_OFFSET = 64;
    public static final int MAX_MESSAGE = ENTRY_LENGTH - MESSAGE_OFFSET;

    /** Kinds of error, by what the library saw. Another value reads as "unknown". */
    public static final int KIND_OTHER = 0;
    /** A connection of the node was reset (its peer died, vanished, or broke the protocol). */
    public static final int KIND_RESET = 1;
    /** A connection was reset for a chunk that failed its CRC32C (block). */
    public static final int KIND_CHECKSUM = 2;
    /** A connect refused for a wrong key, or a chunk whose AES-GCM tag failed. */
    public static final int KIND_AUTHENTICATION = 3;
    /** A connect of the node failed (refused, nothing listening, timed out). */
    public static final int KIND_CONNECT = 4;
    /** A listener of the node refused a connect request. */
    public static final int KIND_REFUSED = 5;
    /** The node judged another node dead. */
    public static final int KIND_NODE_DEAD = 6;
    /** An earlier attach of this process to this array was fenced (lost its slot, or its storage path failed). */
    public static final int KIND_FENCED = 7;
    private static final String[] KIND_NAMES = {"other", "reset", "checksum", "authentication", "connect", "refused",
            "node-dead", "fenced"};

    private ErrorLogDescriptor() {
    }

    /** A kind's name for display; "unknown" for a value no writer of this version writes. */
    public static String kindName(int kind) {
        return kind >= 0 && kind < KIND_NAMES.length ? KIND_NAMES[kind] : "unknown";
    }

    /** Whether {@code offset} (from a header: untrusted) names a log granule of {@code slot}'s arena. */
    public static boolean isLogOffset(Geometry g, int slot, long offset) {
        long arena = g.arenaOffset(slot);
        long rel = offset - arena;
        return offset > 0 && rel >= 0 && rel % LOG_LENGTH == 0 && rel <= g.arenaSize() - LOG_LENGTH;
    }
}
