package io.arraysock;

import io.arraysock.api.AlreadyFormattedException;
import io.arraysock.api.ArrayInUseException;
import io.arraysock.api.CorruptMediumException;
import io.arraysock.api.MediumTooSmallException;
import io.arraysock.api.NodeInfo;
import io.arraysock.api.UnsupportedFormatVersionException;
import io.arraysock.format.Geometry;
import io.arraysock.format.NodeRecord;
import io.arraysock.format.Superblock;
import io.arraysock.format.SuperblockCodec;
import io.arraysock.format.SuperblockDescriptor;
import io.arraysock.format.Zeroing;
import io.arraysock.medium.Media;
import io.arraysock.medium.Medium;
import io.arraysock.medium.MediumFaultException;
import io.arraysock.medium.ShmMedium;
import io.arraysock.node.NodeCensus;
import io.arraysock.node.NodeTable;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * {@link StorageArray#format}: lays out an empty array on a medium (created first when it
 * is a missing path on tmpfs): the superblock, a zeroed node table and control-block table.
 * Refuses to overwrite an array in use unless told to, and then sweeps the old holders'
 * ghost records out of the new table.
 */
final class ArrayFormatter {
    private static final Logger LOG = System.getLogger(StorageArray.class.getName());

    private ArrayFormatter() {
    }

    /** See {@link StorageArray#format}. */
    static void format(String path, FormatOptions options) throws IOException {
        Medium m = createOrOpen(path, options);
        try {
            Geometry g = options.geometry(m.sectorSize());
            if (m.size() < g.requiredSize()) {
                throw new MediumTooSmallException(path, m.size(), g.requiredSize());
            }
            ByteBuffer first = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            m.readAcquire(0, first);
            OldHolders old = OldHolders.NONE;
            if (SuperblockCodec.hasMagic(first)) {
                if (!options.force()) {
                    throw new AlreadyFormattedException(path, "already formatted as an array; use force to overwrite it");
                }
                if (!options.forceLive()) {
                    refuseIfInUse(m);
                } else {
                    old = OldHolders.of(m);
                }
            }
            if (options.preallocate() && m instanceof ShmMedium shm) {
                shm.preallocate();
            }
            Superblock sb = new Superblock(SuperblockDescriptor.VERSION_MAJOR, SuperblockDescriptor.VERSION_MINOR,
                    UUID.randomUUID(), g, 0, options.heartbeatIntervalMs(), options.livenessTimeoutMs(), options.claimSettleMs());
            long tables = g.arenaOffset();
            m.own(0, tables);
            try {
                // magic last: a format that dies halfway leaves no array behind, not a broken one
                Zeroing.zero(m, 0, tables);
                ByteBuffer sector = SuperblockCodec.encode(sb);
                ByteBuffer rest = sector.duplicate().position(Long.BYTES);
                m.writeRelease(Long.BYTES, rest);
                m.writeRelease(0, sector.duplicate().limit(Long.BYTES));
            } finally {
                m.disown(0, tables);
            }
            old.sweepGhosts(m, g);
            LOG.log(Level.DEBUG, "{0}: formatted as array {1}: {2}", path, sb.uuid(), g);
        } catch (MediumFaultException e) {
            throw e.getCause();
        } finally {
            m.close();
        }
    }

    /**
     * The holders of the old array's slots, when format overwrites it under them
     * ({@code forceLive}). A holder whose heartbeat read the old superblock just before the
     * zeroing may still write once after it: on the block medium that rewrites its whole
     * old record (from its shadow) into the new table. Each holder stops at its next beat,
     * when it sees the new uuid; so format waits two of the old heartbeat intervals, then
     * zeroes every record that still carries an old incarnation (a ghost; a node that
     * claimed a slot of the new array meanwhile has a fresh one).
     */
    private record OldHolders(Set<Long> incarnations, long intervalMs) {
        static final OldHolders NONE = new OldHolders(Set.of(), 0);

        static OldHolders of(Medium m) throws IOException {
            Superblock old;
            try {
                old = SuperblockCodec.read(m);
            } catch (CorruptMediumException | UnsupportedFormatVersionException | MediumTooSmallException unreadable) {
                return NONE;
            }
            NodeTable table = new NodeTable(m, old.geometry());
            Set<Long> held = new HashSet<>();
            for (int s = 0; s < old.geometry().nodeSlots(); s++) {
                try {
                    NodeRecord r = table.read(s);
                    if (r.incarnation() != 0) {
                        held.add(r.incarnation());
                    }
                } catch (CorruptMediumException torn) {
                    // no holder we can name; nothing to sweep for it
                }
            }
            return new OldHolders(held, old.heartbeatIntervalMs());
        }

        void sweepGhosts(Medium m, Geometry g) throws IOException {
            if (incarnations.isEmpty()) {
                return;
            }
            try {
                Thread.sleep(2 * intervalMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return; // the sweep is a courtesy: a ghost left is judged dead and reclaimed
            }
            NodeTable table = new NodeTable(m, g);
            for (int s = 0; s < g.nodeSlots(); s++) {
                long incarnation;
                try {
                    incarnation = table.read(s).incarnation();
                } catch (CorruptMediumException torn) {
                    continue;
                }
                if (incarnations.contains(incarnation)) {
                    long at = g.nodeRecordOffset(s);
                    m.own(at, g.sectorSize());
                    try {
                        Zeroing.zero(m, at, g.sectorSize());
                    } finally {
                        m.disown(at, g.sectorSize());
                    }
                    LOG.log(Level.DEBUG, "{0}: swept the old record of node slot {1} out of the new array", m.path(), s);
                }
            }
        }
    }

    /**
     * Overwriting an array under live nodes would pull it from under them: refuse, naming
     * them. An array whose superblock cannot be read has no node table we could judge.
     */
    private static void refuseIfInUse(Medium m) throws IOException {
        Superblock old;
        try {
            old = SuperblockCodec.read(m);
        } catch (CorruptMediumException | UnsupportedFormatVersionException | MediumTooSmallException unreadable) {
            LOG.log(Level.DEBUG, "{0}: old superblock unreadable, no live nodes to look for: {1}", m.path(),
                    unreadable.getMessage());
            return;
        }
        List<NodeInfo> alive = NodeCensus.alive(m, old);
        if (!alive.isEmpty()) {
            throw new ArrayInUseException(m.path(), alive.stream().map(NodeCensus::describe).toList());
        }
    }

    private static Medium createOrOpen(String path, FormatOptions options) throws IOException {
        Path p = Path.of(path);
        if (!Files.exists(p) && Media.isOnTmpfs(path)) {
            long required = options.geometry(Geometry.MIN_SECTOR_SIZE).requiredSize();
            long size = options.size() == 0 ? required : options.size();
            if (size < required) {
                throw new MediumTooSmallException(path, size, required);
            }
            try {
                return ShmMedium.create(path, size, options.mode(), options.preallocate());
            } catch (FileAlreadyExistsException raced) {
                // created by someone else meanwhile: format it as any existing medium
            }
        }
        return StorageArray.openMedium(path);
    }

}
