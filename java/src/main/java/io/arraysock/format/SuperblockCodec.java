package io.arraysock.format;

import io.arraysock.api.MediumTooSmallException;
import io.arraysock.api.NotAnArrayException;
import io.arraysock.api.UnsupportedFormatVersionException;
import io.arraysock.medium.Medium;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.UUID;

import static io.arraysock.format.SuperblockDescriptor.*;

/**
 * Encodes and decodes the superblock ({@link SuperblockDescriptor}). Decoding trusts
 * nothing: magic, version, checksum, then every field, the geometry, the stored offsets
 * against the derived ones, and the required size against the medium's.
 */
public final class SuperblockCodec {
    private static final String STRUCTURE = "superblock";

    private SuperblockCodec() {
    }

    /** The superblock's whole sector ({@code geometry.sectorSize()} bytes): sealed header, zero rest. */
    public static ByteBuffer encode(Superblock sb) {
        Geometry g = sb.geometry();
        ByteBuffer b = ByteBuffer.allocate(g.sectorSize()).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(MAGIC_OFFSET, MAGIC);
        b.putShort(VERSION_MAJOR_OFFSET, (short) sb.versionMajor());
        b.putShort(VERSION_MINOR_OFFSET, (short) sb.versionMinor());
        b.putInt(HEADER_LENGTH_OFFSET, HEADER_LENGTH);
        b.order(ByteOrder.BIG_ENDIAN)
                .putLong(UUID_OFFSET, sb.uuid().getMostSignificantBits())
                .putLong(UUID_OFFSET + 8, sb.uuid().getLeastSignificantBits())
                .order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(SECTOR_SIZE_OFFSET, g.sectorSize());
        b.putInt(NODE_SLOTS_OFFSET, g.nodeSlots());
        b.putInt(SOCKETS_PER_NODE_OFFSET, g.socketsPerNode());
        b.putInt(FLAGS_OFFSET, sb.flags());
        b.putLong(ARENA_SIZE_OFFSET, g.arenaSize());
        b.putLong(NODE_TABLE_OFFSET_OFFSET, g.nodeTableOffset());
        b.putLong(CONTROL_BLOCK_TABLE_OFFSET_OFFSET, g.controlBlockTableOffset());
        b.putLong(ARENA_OFFSET_OFFSET, g.arenaOffset());
        b.putLong(REQUIRED_SIZE_OFFSET, g.requiredSize());
        b.putInt(HEARTBEAT_INTERVAL_MS_OFFSET, sb.heartbeatIntervalMs());
        b.putInt(LIVENESS_TIMEOUT_MS_OFFSET, sb.livenessTimeoutMs());
        b.putInt(CLAIM_SETTLE_MS_OFFSET, sb.claimSettleMs());
        RecordSeal.seal(b, CRC_OFFSET);
        return b;
    }

    /**
     * Reads and decodes the superblock of {@code medium}, re-reading while the seal does not
     * match, up to {@link SealedRead#ATTEMPTS} times.
     */
    public static Superblock read(Medium medium) throws IOException {
        String path = medium.path();
        ByteBuffer b = ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        for (int attempt = 0; ; attempt++) {
            SealedRead.pause(attempt);
            b.clear();
            medium.readAcquire(0, b);
            checkIdentity(b, path);
            if (RecordSeal.isSealed(b, CRC_OFFSET)) {
                return decodeFields(b, path, medium.size());
            }
            if (attempt + 1 >= SealedRead.ATTEMPTS) {
                throw new FieldCheck(path, STRUCTURE).checksum(b.getInt(CRC_OFFSET), RecordSeal.checksum(b, CRC_OFFSET));
            }
        }
    }

    /**
     * The uuid of the array on {@code medium} now, read without seal or checks, or null when
     * the magic is gone (erased, or a format is under way): what an attached node compares
     * with the uuid it attached to, to notice a reformat. One small read.
     */
    public static UUID currentUuid(Medium medium) {
        ByteBuffer b = ByteBuffer.allocate(UUID_OFFSET + UUID_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        medium.readAcquire(0, b);
        if (b.getLong(MAGIC_OFFSET) != MAGIC) {
            return null;
        }
        b.order(ByteOrder.BIG_ENDIAN);
        return new UUID(b.getLong(UUID_OFFSET), b.getLong(UUID_OFFSET + 8));
    }

    /** Whether the buffer starts with the array magic (what {@code format} refuses to overwrite). */
    public static boolean hasMagic(ByteBuffer header) {
        return header.order(ByteOrder.LITTLE_ENDIAN).getLong(MAGIC_OFFSET) == MAGIC;
    }

    /**
     * Decodes a header ({@value SuperblockDescriptor#HEADER_LENGTH} bytes or more) read from
     * the medium at {@code path} of {@code mediumSize} bytes.
     */
    public static Superblock decode(ByteBuffer header, String path, long mediumSize) throws IOException {
        ByteBuffer b = header.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (b.limit() < HEADER_LENGTH) {
            throw new IllegalArgumentException("superblock header needs " + HEADER_LENGTH + " bytes, got " + b.limit());
        }
        checkIdentity(b, path);
        if (!RecordSeal.isSealed(b, CRC_OFFSET)) {
            throw new FieldCheck(path, STRUCTURE).checksum(b.getInt(CRC_OFFSET), RecordSeal.checksum(b, CRC_OFFSET));
        }
        return decodeFields(b, path, mediumSize);
    }

    private static void checkIdentity(ByteBuffer b, String path) throws IOException {
        long magic = b.getLong(MAGIC_OFFSET);
        if (magic != MAGIC) {
            throw new NotAnArrayException(path, "no array magic at offset 0 (found 0x" + Long.toHexString(magic)
                    + "): not formatted as an array");
        }
        int major = (int) FieldCheck.u16(b.getShort(VERSION_MAJOR_OFFSET));
        int minor = (int) FieldCheck.u16(b.getShort(VERSION_MINOR_OFFSET));
        if (major != VERSION_MAJOR) {
            throw new UnsupportedFormatVersionException(path, major, minor, VERSION_MAJOR, VERSION_MINOR);
        }
    }

    private static Superblock decodeFields(ByteBuffer b, String path, long mediumSize) throws IOException {
        FieldCheck check = new FieldCheck(path, STRUCTURE);
        int major = (int) FieldCheck.u16(b.getShort(VERSION_MAJOR_OFFSET));
        int minor = (int) FieldCheck.u16(b.getShort(VERSION_MINOR_OFFSET));
        boolean newerMinor = minor > VERSION_MINOR;
        long headerLength = FieldCheck.u32(b.getInt(HEADER_LENGTH_OFFSET));
        if (newerMinor) {
            // a newer minor may grow the header into the reserved rest of the sector
            check.inRange("header length", headerLength, HEADER_LENGTH, Geometry.MIN_SECTOR_SIZE);
        } else {
            check.equal("header length", headerLength, HEADER_LENGTH, "version " + major + "." + minor);
        }
        UUID uuid = new UUID(b.order(ByteOrder.BIG_ENDIAN).getLong(UUID_OFFSET), b.getLong(UUID_OFFSET + 8));
        b.order(ByteOrder.LITTLE_ENDIAN);
        if (uuid.getMostSignificantBits() == 0 && uuid.getLeastSignificantBits() == 0) {
            throw check.corrupt("uuid", uuid, "must not be all zero");
        }
        long sectorSize = FieldCheck.u32(b.getInt(SECTOR_SIZE_OFFSET));
        long nodeSlots = FieldCheck.u32(b.getInt(NODE_SLOTS_OFFSET));
        long socketsPerNode = FieldCheck.u32(b.getInt(SOCKETS_PER_NODE_OFFSET));
        long flags = FieldCheck.u32(b.getInt(FLAGS_OFFSET));
        long arenaSize = b.getLong(ARENA_SIZE_OFFSET);
        check.inRange("sector size", sectorSize, Geometry.MIN_SECTOR_SIZE, Geometry.MAX_SECTOR_SIZE);
        check.inRange("node slots", nodeSlots, 1, Geometry.MAX_NODE_SLOTS);
        check.inRange("sockets per node", socketsPerNode, 1, Geometry.MAX_SOCKETS_PER_NODE);
        check.inRange("arena size", arenaSize, Geometry.MIN_ARENA_SIZE, Geometry.MAX_ARENA_SIZE);
        if (!newerMinor && (flags & ~(long) KNOWN_FLAGS) != 0) {
            throw check.corrupt("flags", "0x" + Long.toHexString(flags), "no flags are defined in version " + major + "." + minor);
        }
        Geometry g;
        try {
            g = new Geometry((int) sectorSize, (int) nodeSlots, (int) socketsPerNode, arenaSize);
        } catch (IllegalArgumentException e) {
            throw new io.arraysock.api.CorruptMediumException(path, "superblock geometry is invalid: " + e.getMessage());
        }
        check.equal("node table offset", b.getLong(NODE_TABLE_OFFSET_OFFSET), g.nodeTableOffset(), "derived from the geometry");
        check.equal("control-block table offset", b.getLong(CONTROL_BLOCK_TABLE_OFFSET_OFFSET),
                g.controlBlockTableOffset(), "derived from the geometry");
        check.equal("arena offset", b.getLong(ARENA_OFFSET_OFFSET), g.arenaOffset(), "derived from the geometry");
        long required = b.getLong(REQUIRED_SIZE_OFFSET);
        check.equal("required size", required, g.requiredSize(), "derived from the geometry");
        long interval = FieldCheck.u32(b.getInt(HEARTBEAT_INTERVAL_MS_OFFSET));
        long timeout = FieldCheck.u32(b.getInt(LIVENESS_TIMEOUT_MS_OFFSET));
        long settle = FieldCheck.u32(b.getInt(CLAIM_SETTLE_MS_OFFSET));
        check.inRange("heartbeat interval ms", interval, MIN_HEARTBEAT_INTERVAL_MS, MAX_HEARTBEAT_INTERVAL_MS);
        check.inRange("liveness timeout ms", timeout, interval * MIN_TIMEOUT_INTERVALS, MAX_LIVENESS_TIMEOUT_MS);
        check.inRange("claim settle ms", settle, MIN_CLAIM_SETTLE_MS, MAX_CLAIM_SETTLE_MS);
        if (!newerMinor) {
            for (int i = RESERVED_OFFSET; i < CRC_OFFSET; i++) {
                if (b.get(i) != 0) {
                    throw check.corrupt("reserved byte " + i, b.get(i), "must be zero in version " + major + "." + minor);
                }
            }
        }
        if (required > mediumSize) {
            throw new MediumTooSmallException(path, mediumSize, required);
        }
        return new Superblock(major, minor, uuid, g, (int) flags, (int) interval, (int) timeout, (int) settle);
    }
}
