package io.arraysock;

import io.arraysock.format.Geometry;
import io.arraysock.format.SuperblockDescriptor;

/**
 * How {@link StorageArray#format} lays out an array. Immutable; start from {@link #defaults()}
 * and change fields with the {@code with*} methods.
 *
 * <p>Defaults: 16 node slots, 128 sockets per node, a 16 MiB arena per node (256 MiB of ring
 * memory in all: on tmpfs only the pages touched are allocated), a heartbeat every 100 ms,
 * a node judged dead after its heartbeat stood still 2000 ms, a 50 ms claim settle time,
 * no {@code force}, mode 0600, the required size for a segment format creates, and its pages
 * allocated when first touched.
 *
 * @param nodeSlots         how many nodes may attach at once
 * @param socketsPerNode    control blocks (sockets) each node may hold
 * @param arenaSize         bytes of ring memory per node, a multiple of 4096
 * @param heartbeatIntervalMs how often nodes advance their heartbeat
 * @param livenessTimeoutMs how long a heartbeat may stand still before its node is dead;
 *                          at least twice the interval
 * @param claimSettleMs     how long a slot claimer waits before reading its claim back
 * @param force             overwrite a medium that is already an array, once no node is alive on it
 * @param forceLive         with {@code force}: overwrite it even while nodes are alive on it
 *                          (they lose their slots and are told the array was reformatted)
 * @param mode              permission bits of a segment created by format
 * @param size              bytes of a segment created by format; 0 = exactly the required size.
 *                          Ignored for a medium that exists.
 * @param preallocate       allocate every page of a segment on tmpfs now (fallocate), so that
 *                          no later access can fault because the tmpfs filled up meanwhile
 */
public record FormatOptions(int nodeSlots, int socketsPerNode, long arenaSize, int heartbeatIntervalMs,
                            int livenessTimeoutMs, int claimSettleMs, boolean force, boolean forceLive, int mode, long size,
                            boolean preallocate) {
    public static final int DEFAULT_NODE_SLOTS = 16;
    public static final int DEFAULT_SOCKETS_PER_NODE = 128;
    public static final long DEFAULT_ARENA_SIZE = 16L << 20;
    public static final int DEFAULT_HEARTBEAT_INTERVAL_MS = 100;
    public static final int DEFAULT_LIVENESS_TIMEOUT_MS = 2000;
    public static final int DEFAULT_CLAIM_SETTLE_MS = 50;
    public static final int DEFAULT_MODE = 0600;

    public FormatOptions {
        // geometry ranges are checked against the medium's sector size in geometry()
        new Geometry(Geometry.MIN_SECTOR_SIZE, nodeSlots, socketsPerNode, arenaSize);
        if (heartbeatIntervalMs < SuperblockDescriptor.MIN_HEARTBEAT_INTERVAL_MS
                || heartbeatIntervalMs > SuperblockDescriptor.MAX_HEARTBEAT_INTERVAL_MS) {
            throw new IllegalArgumentException("heartbeat interval must be in " + SuperblockDescriptor.MIN_HEARTBEAT_INTERVAL_MS
                    + ".." + SuperblockDescriptor.MAX_HEARTBEAT_INTERVAL_MS + " ms: " + heartbeatIntervalMs);
        }
        if ((long) livenessTimeoutMs < (long) heartbeatIntervalMs * SuperblockDescriptor.MIN_TIMEOUT_INTERVALS
                || livenessTimeoutMs > SuperblockDescriptor.MAX_LIVENESS_TIMEOUT_MS) {
            throw new IllegalArgumentException("liveness timeout must be at least " + SuperblockDescriptor.MIN_TIMEOUT_INTERVALS
                    + " heartbeat intervals and at most " + SuperblockDescriptor.MAX_LIVENESS_TIMEOUT_MS + " ms: " + livenessTimeoutMs);
        }
        if (claimSettleMs < SuperblockDescriptor.MIN_CLAIM_SETTLE_MS || claimSettleMs > SuperblockDescriptor.MAX_CLAIM_SETTLE_MS) {
            throw new IllegalArgumentException("claim settle time must be in " + SuperblockDescriptor.MIN_CLAIM_SETTLE_MS
                    + ".." + SuperblockDescriptor.MAX_CLAIM_SETTLE_MS + " ms: " + claimSettleMs);
        }
        if ((mode & ~0777) != 0) {
            throw new IllegalArgumentException("mode must be permission bits 0..0777: " + Integer.toOctalString(mode));
        }
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative: " + size);
        }
    }

    public static FormatOptions defaults() {
        return new FormatOptions(DEFAULT_NODE_SLOTS, DEFAULT_SOCKETS_PER_NODE, DEFAULT_ARENA_SIZE,
                DEFAULT_HEARTBEAT_INTERVAL_MS, DEFAULT_LIVENESS_TIMEOUT_MS, DEFAULT_CLAIM_SETTLE_MS, false, false, DEFAULT_MODE, 0,
                false);
    }

    /** The geometry these options give on a medium with {@code sectorSize}-byte sectors. */
    public Geometry geometry(int sectorSize) {
        return new Geometry(Math.max(Geometry.MIN_SECTOR_SIZE, sectorSize), nodeSlots, socketsPerNode, arenaSize);
    }

    public FormatOptions withNodeSlots(int v) {
        return new FormatOptions(v, socketsPerNode, arenaSize, heartbeatIntervalMs, livenessTimeoutMs, claimSettleMs, force, forceLive, mode, size, preallocate);
    }

    public FormatOptions withSocketsPerNode(int v) {
        return new FormatOptions(nodeSlots, v, arenaSize, heartbeatIntervalMs, livenessTimeoutMs, claimSettleMs, force, forceLive, mode, size, preallocate);
    }

    public FormatOptions withArenaSize(long v) {
        return new FormatOptions(nodeSlots, socketsPerNode, v, heartbeatIntervalMs, livenessTimeoutMs, claimSettleMs, force, forceLive, mode, size, preallocate);
    }

    public FormatOptions withHeartbeatIntervalMs(int v) {
        return new FormatOptions(nodeSlots, socketsPerNode, arenaSize, v, livenessTimeoutMs, claimSettleMs, force, forceLive, mode, size, preallocate);
    }

    public FormatOptions withLivenessTimeoutMs(int v) {
        return new FormatOptions(nodeSlots, socketsPerNode, arenaSize, heartbeatIntervalMs, v, claimSettleMs, force, forceLive, mode, size, preallocate);
    }

    public FormatOptions withClaimSettleMs(int v) {
        return new FormatOptions(nodeSlots, socketsPerNode, arenaSize, heartbeatIntervalMs, livenessTimeoutMs, v, force, forceLive, mode, size, preallocate);
    }

    public FormatOptions withForce(boolean v) {
        return new FormatOptions(nodeSlots, socketsPerNode, arenaSize, heartbeatIntervalMs, livenessTimeoutMs, claimSettleMs, v, forceLive, mode, size, preallocate);
    }

    public FormatOptions withForceLive(boolean v) {
        return new FormatOptions(nodeSlots, socketsPerNode, arenaSize, heartbeatIntervalMs, livenessTimeoutMs, claimSettleMs, force, v, mode, size, preallocate);
    }

    public FormatOptions withMode(int v) {
        return new FormatOptions(nodeSlots, socketsPerNode, arenaSize, heartbeatIntervalMs, livenessTimeoutMs, claimSettleMs, force, forceLive, v, size, preallocate);
    }

    public FormatOptions withSize(long v) {
        return new FormatOptions(nodeSlots, socketsPerNode, arenaSize, heartbeatIntervalMs, livenessTimeoutMs, claimSettleMs, force, forceLive, mode, v, preallocate);
    }

    public FormatOptions withPreallocate(boolean v) {
        return new FormatOptions(nodeSlots, socketsPerNode, arenaSize, heartbeatIntervalMs, livenessTimeoutMs, claimSettleMs, force, forceLive, mode, size, v);
    }
}
