package io.arraysock.format;

import io.arraysock.api.NodeState;
import io.arraysock.api.CorruptMediumException;
import io.arraysock.medium.internal.FileIdentity;
import io.arraysock.medium.Medium;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

import static io.arraysock.format.NodeRecordDescriptor.*;

/**
 * Encodes and decodes the sealed header of a node record ({@link NodeRecordDescriptor}).
 * Decoding validates every field: a record any peer can write is untrusted input.
 */
public final class NodeRecordCodec {
    private NodeRecordCodec() {
    }

    /** The sealed header, {@value NodeRecordDescriptor#HEADER_LENGTH} bytes (the heartbeat is not included). */
    public static ByteBuffer encode(NodeRecord r) {
        ByteBuffer b = ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(SEQUENCE_OFFSET, r.sequence());
        b.putInt(STATE_OFFSET, r.state().code());
        b.putInt(PID_OFFSET, r.pid());
        b.putLong(INCARNATION_OFFSET, r.incarnation());
        b.order(ByteOrder.BIG_ENDIAN)
                .putLong(HOST_ID_OFFSET, r.hostId().getMostSignificantBits())
                .putLong(HOST_ID_OFFSET + 8, r.hostId().getLeastSignificantBits())
                .order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(LOCK_DEVICE_OFFSET, r.lockIdentity().device());
        b.putLong(LOCK_INODE_OFFSET, r.lockIdentity().inode());
        byte[] name = truncatedUtf8(r.hostName(), HOST_NAME_LENGTH);
        b.put(HOST_NAME_OFFSET, name);
        b.putLong(ATTACH_COUNT_OFFSET, r.attachCount());
        RecordSeal.seal(b, CRC_OFFSET);
        return b;
    }

    /**
     * Reads the header of {@code slot}'s record, re-reading while it is not sealed (it may be
     * caught mid-write), up to {@link SealedRead#ATTEMPTS} times.
     */
    public static NodeRecord read(Medium medium, Geometry geometry, int slot) throws CorruptMediumException {
        ByteBuffer b = ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        return readSealed(medium, geometry, slot, b, b);
    }

    /**
     * Reads {@code into} (which starts at the record) until its first {@code header} bytes,
     * {@code header}, are sealed or blank; decodes them.
     */
    private static NodeRecord readSealed(Medium medium, Geometry geometry, int slot, ByteBuffer into, ByteBuffer header)
            throws CorruptMediumException {
        long offset = geometry.nodeRecordOffset(slot);
        for (int attempt = 0; ; attempt++) {
            SealedRead.pause(attempt);
            into.clear();
            medium.readAcquire(offset, into);
            if (isBlank(header) || RecordSeal.isSealed(header, CRC_OFFSET)) {
                return decode(header, medium.path(), slot);
            }
            if (attempt + 1 >= SealedRead.ATTEMPTS) {
                throw check(medium.path(), slot).checksum(header.getInt(CRC_OFFSET), RecordSeal.checksum(header, CRC_OFFSET));
            }
        }
    }

    /** A node record's sealed header and its heartbeat, as one look read them. */
    public record Look(NodeRecord record, long heartbeat) {
    }

    /**
     * {@link #read} and {@link #readHeartbeat}, in this order; on the block medium with one
     * transfer: the header and the heartbeat share the record's sector, and a sector is read
     * whole, so one read sees both (a liveness judgement paid two sector reads before).
     */
    public static Look readWithHeartbeat(Medium medium, Geometry geometry, int slot) throws CorruptMediumException {
        if (medium.kind() != Medium.Kind.BLOCK) {
            NodeRecord r = read(medium, geometry, slot);
            return new Look(r, readHeartbeat(medium, geometry, slot));
        }
        ByteBuffer b = ByteBuffer.allocate(HEARTBEAT_OFFSET + Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer header = b.slice(0, HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        NodeRecord r = readSealed(medium, geometry, slot, b, header);
        return new Look(r, b.getLong(HEARTBEAT_OFFSET));
    }

    /** Reads the heartbeat counter of {@code slot} (acquire: outside the seal, one atomic word). */
    public static long readHeartbeat(Medium medium, Geometry geometry, int slot) {
        return medium.getLongAcquire(geometry.nodeRecordOffset(slot) + HEARTBEAT_OFFSET);
    }

    /** Decodes a header read from the medium at {@code path}, for node slot {@code slot}. */
    public static NodeRecord decode(ByteBuffer header, String path, int slot) throws CorruptMediumException {
        ByteBuffer b = header.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (b.limit() < HEADER_LENGTH) {
            throw new IllegalArgumentException("node record header needs " + HEADER_LENGTH + " bytes, got " + b.limit());
        }
        if (isBlank(b)) {
            return NodeRecord.blank();
        }
        FieldCheck check = check(path, slot);
        if (!RecordSeal.isSealed(b, CRC_OFFSET)) {
            throw check.checksum(b.getInt(CRC_OFFSET), RecordSeal.checksum(b, CRC_OFFSET));
        }
        long sequence = b.getLong(SEQUENCE_OFFSET);
        long stateCode = FieldCheck.u32(b.getInt(STATE_OFFSET));
        NodeState state = NodeState.ofCode(stateCode);
        if (state == null) {
            throw check.corrupt("state", stateCode, "must be FREE (0), CLAIMING (1) or ACTIVE (2)");
        }
        long pid = FieldCheck.u32(b.getInt(PID_OFFSET));
        long incarnation = b.getLong(INCARNATION_OFFSET);
        if (state != NodeState.FREE) {
            check.inRange("pid", pid, 1, MAX_PID);
            if (incarnation == 0) {
                throw check.corrupt("incarnation", 0, "must be nonzero in state " + state);
            }
        } else {
            check.inRange("pid", pid, 0, MAX_PID);
        }
        UUID hostId = new UUID(b.order(ByteOrder.BIG_ENDIAN).getLong(HOST_ID_OFFSET), b.getLong(HOST_ID_OFFSET + 8));
        b.order(ByteOrder.LITTLE_ENDIAN);
        FileIdentity lock = new FileIdentity(b.getLong(LOCK_DEVICE_OFFSET), b.getLong(LOCK_INODE_OFFSET));
        String hostName = decodeHostName(b, check);
        long attachCount = b.getLong(ATTACH_COUNT_OFFSET);
        if (attachCount < 0) {
            throw check.corrupt("attach count", Long.toUnsignedString(attachCount), "must be below 2^63");
        }
        // reserved bytes are not checked: a 1.x minor may define them, and the seal covers them
        return new NodeRecord(sequence, state, incarnation, (int) pid, hostId, lock, hostName, attachCount);
    }

    private static FieldCheck check(String path, int slot) {
        return new FieldCheck(path, "node record " + slot);
    }

    private static boolean isBlank(ByteBuffer b) {
        for (int i = 0; i < HEADER_LENGTH; i += Long.BYTES) {
            if (b.getLong(i) != 0) {
                return false;
            }
        }
        return true;
    }

    private static String decodeHostName(ByteBuffer b, FieldCheck check) throws CorruptMediumException {
        int length = 0;
        while (length < HOST_NAME_LENGTH && b.get(HOST_NAME_OFFSET + length) != 0) {
            length++;
        }
        for (int i = length; i < HOST_NAME_LENGTH; i++) {
            if (b.get(HOST_NAME_OFFSET + i) != 0) {
                throw check.corrupt("host name", "byte " + i + " = " + b.get(HOST_NAME_OFFSET + i), "padding after the first NUL must be NUL");
            }
        }
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            return utf8.decode(b.duplicate().position(HOST_NAME_OFFSET).limit(HOST_NAME_OFFSET + length)).toString();
        } catch (CharacterCodingException e) {
            throw check.corrupt("host name", length + " bytes", "not valid UTF-8");
        }
    }

    /** The longest prefix of {@code s} whose UTF-8 fits {@code max} bytes, without NULs. */
    static byte[] truncatedUtf8(String s, int max) {
        String clean = s.replace("\0", "");
        byte[] all = clean.getBytes(StandardCharsets.UTF_8);
        if (all.length <= max) {
            return all;
        }
        int end = max;
        while (end > 0 && (all[end] & 0xC0) == 0x80) {
            end--; // do not cut a multi-byte character
        }
        byte[] cut = new byte[end];
        System.arraycopy(all, 0, cut, 0, end);
        return cut;
    }
}
