package io.arraysock.format;

/**
 * Where everything lives on an array, derived from the superblock's four numbers. Regions
 * start on {@link #REGION_ALIGNMENT} boundaries so whole-region I/O suits 4 KiB devices.
 *
 * <pre>
 * offset 0                 nodeTableOffset        controlBlockTableOffset        arenaOffset
 * +------------------------+----------------------+------------------------------+----------------------+
 * | superblock (1 sector,  | node table:          | control-block table:         | arenas: nodeSlots x  |
 * |  padded to 4 KiB)      | nodeSlots x 1 sector | nodeSlots x socketsPerNode   | arenaSize, one per   |
 * |                        |                      | sectors, node-major          | node slot            |
 * +------------------------+----------------------+------------------------------+----------------------+
 * </pre>
 *
 * @param sectorSize     bytes per sector: 512, or the device's logical block size if larger
 * @param nodeSlots      node records, 1..{@value #MAX_NODE_SLOTS}
 * @param socketsPerNode control blocks per node, 1..{@value #MAX_SOCKETS_PER_NODE}
 * @param arenaSize      bytes of ring memory per node, a multiple of {@value #REGION_ALIGNMENT}
 */
public record Geometry(int sectorSize, int nodeSlots, int socketsPerNode, long arenaSize) {
    public static final int REGION_ALIGNMENT = 4096;
    public static final int MIN_SECTOR_SIZE = 512;
    public static final int MAX_SECTOR_SIZE = 4096;
    public static final int MAX_NODE_SLOTS = 256;
    public static final int MAX_SOCKETS_PER_NODE = 4096;
    public static final long MIN_ARENA_SIZE = 64 * 1024;
    public static final long MAX_ARENA_SIZE = 1L << 40;

    /** Validates every field; the values may come from an untrusted medium. */
    public Geometry {
        if (sectorSize < MIN_SECTOR_SIZE || sectorSize > MAX_SECTOR_SIZE || Integer.bitCount(sectorSize) != 1) {
            throw new IllegalArgumentException("sector size must be a power of two in 512..4096: " + sectorSize);
        }
        if (nodeSlots < 1 || nodeSlots > MAX_NODE_SLOTS) {
            throw new IllegalArgumentException("node slots must be in 1.." + MAX_NODE_SLOTS + ": " + nodeSlots);
        }
        if (socketsPerNode < 1 || socketsPerNode > MAX_SOCKETS_PER_NODE) {
            throw new IllegalArgumentException("sockets per node must be in 1.." + MAX_SOCKETS_PER_NODE + ": " + socketsPerNode);
        }
        if (arenaSize < MIN_ARENA_SIZE || arenaSize > MAX_ARENA_SIZE || arenaSize % REGION_ALIGNMENT != 0) {
            throw new IllegalArgumentException("arena size must be a multiple of " + REGION_ALIGNMENT + " in "
                    + MIN_ARENA_SIZE + ".." + MAX_ARENA_SIZE + ": " + arenaSize);
        }
    }

    private static long align(long value) {
        return (value + REGION_ALIGNMENT - 1) / REGION_ALIGNMENT * REGION_ALIGNMENT;
    }

    public long superblockOffset() {
        return 0;
    }

    public long nodeTableOffset() {
        return align(sectorSize);
    }

    public long nodeRecordOffset(int slot) {
        checkSlot(slot);
        return nodeTableOffset() + (long) slot * sectorSize;
    }

    public long controlBlockTableOffset() {
        return nodeTableOffset() + align((long) nodeSlots * sectorSize);
    }

    /** Bytes of one node's partition of the control-block table. */
    public long partitionLength() {
        return (long) socketsPerNode * sectorSize;
    }

    public long partitionOffset(int slot) {
        checkSlot(slot);
        return controlBlockTableOffset() + slot * partitionLength();
    }

    public long controlBlockOffset(int slot, int index) {
        checkIndex(index);
        return partitionOffset(slot) + (long) index * sectorSize;
    }

    public long arenaOffset() {
        return controlBlockTableOffset() + align((long) nodeSlots * partitionLength());
    }

    public long arenaOffset(int slot) {
        checkSlot(slot);
        return arenaOffset() + slot * arenaSize;
    }

    /** Bytes the medium must hold. */
    public long requiredSize() {
        return arenaOffset() + nodeSlots * arenaSize;
    }

    public boolean isSlot(long slot) {
        return slot >= 0 && slot < nodeSlots;
    }

    public boolean isIndex(long index) {
        return index >= 0 && index < socketsPerNode;
    }

    private void checkSlot(int slot) {
        if (!isSlot(slot)) {
            throw new IndexOutOfBoundsException("node slot " + slot + " not in 0.." + (nodeSlots - 1));
        }
    }

    private void checkIndex(int index) {
        if (!isIndex(index)) {
            throw new IndexOutOfBoundsException("socket index " + index + " not in 0.." + (socketsPerNode - 1));
        }
    }
}
