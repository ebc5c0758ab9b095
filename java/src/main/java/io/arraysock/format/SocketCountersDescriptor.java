package io.arraysock.format;

/**
 * Layout of a socket's counters: the control block's bytes 384..511, past the live words.
 * Offsets are absolute within the control block. Written by the owning node alone (its
 * publisher thread copies what the socket's sending and receiving threads counted), so
 * the block keeps its single writer; peers and {@code status} only read them, and treat
 * every value as untrusted (shown, never used to size or index anything).
 *
 * <pre>
 *  384  tx line (what this socket sent)          448  rx line (what this socket received)
 *   +0  tx bytes (u64)                            +0  rx bytes (u64)
 *   +8  tx messages (u64)                         +8  rx messages (u64)
 *  +16  tx waits (u64): sends that found          +16 rx waits (u64): receives that found
 *       the ring full                                 the ring empty
 *  +24  tx publishes (u64)                        +24 rx publishes (u64)
 *  +32  tx generation (u32)                       +32 rx generation (u32)
 *  +36..39 reserved, zero                         +36..39 reserved, zero
 *  +40  tx wake-ups received (u64): sleeps        +40 rx wake-ups received (u64): sleeps
 *       for room the receiver's wake ended            for data the sender's wake ended
 *  +48..63 reserved, zero                         +48..63 reserved, zero
 * </pre>
 *
 * A line's generation is the block's generation when it was written: a line whose
 * generation differs from the sealed header's belongs to an earlier socket of the block
 * (or was never written: 0) and is not shown.
 */
public final class SocketCountersDescriptor {
    public static final int TX_BYTES_OFFSET = ControlBlockDescriptor.RX_WAITING_OFFSET + ControlBlockDescriptor.CACHE_LINE;
    public static final int TX_MESSAGES_OFFSET = TX_BYTES_OFFSET + Long.BYTES;
    public static final int TX_WAITS_OFFSET = TX_MESSAGES_OFFSET + Long.BYTES;
    public static final int TX_PUBLISHES_OFFSET = TX_WAITS_OFFSET + Long.BYTES;
    public static final int TX_GENERATION_OFFSET = TX_PUBLISHES_OFFSET + Long.BYTES;
    public static final int TX_WAKES_OFFSET = TX_GENERATION_OFFSET + Long.BYTES;
    public static final int RX_BYTES_OFFSET = TX_BYTES_OFFSET + ControlBlockDescriptor.CACHE_LINE;
    public static final int RX_MESSAGES_OFFSET = RX_BYTES_OFFSET + Long.BYTES;
    public static final int RX_WAITS_OFFSET = RX_MESSAGES_OFFSET + Long.BYTES;
    public static final int RX_PUBLISHES_OFFSET = RX_WAITS_OFFSET + Long.BYTES;
    public static final int RX_GENERATION_OFFSET = RX_PUBLISHES_OFFSET + Long.BYTES;
    public static final int RX_WAKES_OFFSET = RX_GENERATION_OFFSET + Long.BYTES;
    /** The tx line's start: the area a publish writes is [AREA_START, AREA_START + AREA_LENGTH). */
    public static final int AREA_START = TX_BYTES_OFFSET;
    public static final int AREA_LENGTH = 2 * ControlBlockDescriptor.CACHE_LINE;
    /** From a line's start to its fields (the rx line is laid out like the tx line). */
    public static final int LINE_BYTES = 0;
    public static final int LINE_MESSAGES = TX_MESSAGES_OFFSET - TX_BYTES_OFFSET;
    public static final int LINE_WAITS = TX_WAITS_OFFSET - TX_BYTES_OFFSET;
    public static final int LINE_PUBLISHES = TX_PUBLISHES_OFFSET - TX_BYTES_OFFSET;
    public static final int LINE_GENERATION = TX_GENERATION_OFFSET - TX_BYTES_OFFSET;
    public static final int LINE_WAKES = TX_WAKES_OFFSET - TX_BYTES_OFFSET;

    private SocketCountersDescriptor() {
    }
}
