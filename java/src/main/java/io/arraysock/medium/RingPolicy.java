package io.arraysock.medium;

/**
 * How the rings of sockets on a medium are driven: what the medium is good and bad at, as
 * the socket layer needs to know it. The medium hands out its policy
 * ({@link Medium#ringPolicy()}); socket code asks it and never tests the medium's kind. The
 * ring ends read it once, when they are made, so the hot path costs nothing more.
 *
 * <p>Two policies, one per medium (and a third for shm connections that asked for checksums,
 * {@link #SHARED_MEMORY_CHECKSUMMED}):
 * <ul>
 *   <li>{@link #SHARED_MEMORY}: a store is a store. Every offer is copied into the ring and
 *       published at once (frames for messages); the head is published with every poll; a
 *       waiting side sleeps on a futex and is woken.</li>
 *   <li>{@link #BLOCK_DEVICE}: a write is a sector write (as costly at 64 KiB as at 1 MiB).
 *       An offer is staged and written as checksummed chunk records by a writer thread of
 *       the ring's own, which publishes its tail only as a backstop (docs/PROTOCOL.md); the
 *       head is held back and published every half ring (and when a wait goes on); there
 *       are no wake-ups, waiters poll, and a peer's block is re-read every 50 ms rather
 *       than every 1 ms.</li>
 * </ul>
 *
 * @param chunked              the ring holds chunk records, staged and written whole by the
 *                             ring's writer thread (docs/FORMAT.md, "Chunk records"), instead
 *                             of bytes and frames copied in by the sender
 * @param headPublishShift     the consumer's head is published once it moved
 *                             {@code capacity >> shift} bytes past the one published last;
 *                             {@link #EVERY_MOVE}: at every move
 * @param heldHeadWaitNanos    a blocking receive that waited this long publishes a head it
 *                             held back (a non-blocking one publishes it at once)
 * @param wakeups              whether a waiting side sleeps until woken ({@link Medium#awaitChange},
 *                             a futex) rather than polls
 * @param peerCheckNanos       how often a waiting socket (or handshake) re-reads its peer's
 *                             control block: a load on shm, a sector read on a disk
 * @param defaultRingSize      the ring size a socket asks for until told otherwise (capped by
 *                             the arena at connect)
 * @param chunkUnit            chunked rings: what chunks are aligned to and padded to, a power
 *                             of two; {@link #SECTOR}: the medium's sector (block: a chunk is
 *                             whole-sector I/O). Shm copies bytes, so its chunks need only
 *                             {@value #SHM_CHUNK_UNIT}
 */
public record RingPolicy(boolean chunked, int headPublishShift, long heldHeadWaitNanos,
                         boolean wakeups, long peerCheckNanos, int defaultRingSize, int chunkUnit) {

    /** {@link #chunkUnit}: the medium's sector size. */
    public static final int SECTOR = 0;
    /**
     * {@link #chunkUnit} of checksummed rings on shm: a cache line, enough for a chunk's
     * header and an encryption tag (56 bytes), so a 64 B message takes 128 bytes of ring,
     * not a 512-byte sector.
     */
    public static final int SHM_CHUNK_UNIT = 64;

    /** {@link #headPublishShift}: the head is never held back. */
    public static final int EVERY_MOVE = -1;

    /** Default ring size per direction on shared memory. */
    public static final int SHM_RING_SIZE = 256 * 1024;
    /**
     * The block medium's default: chunks of up to 1 MiB, four in flight. Measured on a loop
     * pair (64 KiB sends): 256 KiB rings stream at ~0.15x the device, 4 MiB rings at ~0.8x,
     * since a device write costs about as much at 64 KiB as at 1 MiB.
     */
    public static final int BLOCK_RING_SIZE = 4 * 1024 * 1024;

    /** A mapped segment ({@link ShmMedium}). */
    public static final RingPolicy SHARED_MEMORY = new RingPolicy(false, EVERY_MOVE, 0, true, 1_000_000, SHM_RING_SIZE,
            SECTOR);

    /**
     * A mapped segment whose connection asked for payload checksums (docs/PROTOCOL.md,
     * "Payload checksums"): the ring holds checksummed chunk records as on the block medium,
     * written by the ring's writer thread with plain copies, in {@value #SHM_CHUNK_UNIT}-byte
     * units rather than sectors; but every chunk publishes the
     * tail at once, the head is published with every move, and a waiting side sleeps on a
     * futex and is woken, as on {@link #SHARED_MEMORY}.
     */
    public static final RingPolicy SHARED_MEMORY_CHECKSUMMED = new RingPolicy(true, EVERY_MOVE, 0, true, 1_000_000,
            SHM_RING_SIZE, SHM_CHUNK_UNIT);

    /**
     * A block device ({@link BlockMedium}). A head write is a sector write, as costly as a
     * 64 KiB payload transfer on a loop device: a quick answer (a round trip) needs none,
     * and a producer short of room gets it within {@code heldHeadWaitNanos} (1 ms). A peer
     * check is several sector reads on the device the data needs: every 50 ms.
     */
    public static final RingPolicy BLOCK_DEVICE = new RingPolicy(true, 1, 1_000_000, false, 50_000_000, BLOCK_RING_SIZE,
            SECTOR);

    /**
     * The policy of a connection that asked for payload checksums: this one if its rings are
     * chunked already (the block medium checks every chunk anyway), else its chunked variant.
     */
    public RingPolicy checksummed() {
        if (chunked) {
            return this;
        }
        return this.equals(SHARED_MEMORY) ? SHARED_MEMORY_CHECKSUMMED
                : new RingPolicy(true, headPublishShift, heldHeadWaitNanos, wakeups, peerCheckNanos, defaultRingSize,
                        SECTOR);
    }

    /** What chunks are aligned and padded to on a medium of {@code sectorSize}-byte sectors. */
    public int chunkUnit(int sectorSize) {
        return chunkUnit == SECTOR ? sectorSize : chunkUnit;
    }

    /**
     * How far the head may move past the one published before it is published again, for
     * a ring of {@code capacity} bytes: 0 publishes every move.
     */
    public long headPublishEvery(long capacity) {
        return headPublishShift == EVERY_MOVE ? 0 : capacity >> headPublishShift;
    }
}
