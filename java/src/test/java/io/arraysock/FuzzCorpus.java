package io.arraysock;

import io.arraysock.format.Geometry;
import io.arraysock.format.NodeRecord;
import io.arraysock.format.NodeRecordCodec;
import io.arraysock.format.NodeRecordDescriptor;
import io.arraysock.api.NodeState;
import io.arraysock.format.RecordSeal;
import io.arraysock.format.Superblock;
import io.arraysock.format.SuperblockCodec;
import io.arraysock.format.SuperblockDescriptor;
import io.arraysock.medium.internal.FileIdentity;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import static io.arraysock.format.ControlBlockDescriptor.*;

/**
 * Writes the seed corpus of the fuzz tests (valid records and near misses, in each fuzz
 * test's input layout) under src/test/resources. Run once after a format change:
 * {@code java -cp java/target/test-classes:java/target/classes io.arraysock.FuzzCorpus java/src/test/resources}.
 * The seeds are committed; Jazzer's regression mode replays them in every build.
 */
public final class FuzzCorpus {
    private FuzzCorpus() {
    }

    public static void main(String[] args) throws IOException {
        Path root = Path.of(args.length > 0 ? args[0] : "java/src/test/resources");
        superblocks(root.resolve("io/arraysock/format/SuperblockCodecFuzzTestInputs/decode"));
        nodeRecords(root.resolve("io/arraysock/format/NodeRecordCodecFuzzTestInputs/decode"));
        controlBlocks(root.resolve("io/arraysock/format/ControlBlockHeaderFuzzTestInputs/decode"));
        hostilePeer(root.resolve("io/arraysock/socket/HostilePeerFuzzTestInputs/hostilePeer"));
    }

    private static void superblocks(Path dir) throws IOException {
        Geometry g = new Geometry(512, 4, 64, 8 << 20);
        Superblock sb = new Superblock(1, 0, new UUID(1, 2), g, 0, 100, 1000, 50);
        ByteBuffer valid = SuperblockCodec.encode(sb);
        write(dir, "valid", superblockInput(0, g.requiredSize(), valid));
        write(dir, "medium-too-small", superblockInput(0, g.requiredSize() - 1, valid));
        write(dir, "bad-crc", superblockInput(0, g.requiredSize(), withLong(valid, 48, 1L << 20)));
        for (int field = SuperblockDescriptor.HEADER_LENGTH_OFFSET; field < SuperblockDescriptor.CRC_OFFSET; field += 4) {
            ByteBuffer b = withInt(valid, field, -1);
            write(dir, "field-" + field + "-ones", superblockInput(2, Long.MAX_VALUE, b));
        }
        ByteBuffer newerMinor = withInt(valid, SuperblockDescriptor.VERSION_MINOR_OFFSET, 7);
        write(dir, "newer-minor", superblockInput(2, Long.MAX_VALUE, newerMinor));
        write(dir, "newer-major", superblockInput(2, Long.MAX_VALUE, withInt(valid, SuperblockDescriptor.VERSION_MAJOR_OFFSET, 2)));
        write(dir, "big-sector", superblockInput(0, 1L << 44,
                SuperblockCodec.encode(new Superblock(1, 0, new UUID(3, 4), new Geometry(4096, 256, 4096, 1L << 40), 0, 1, 2, 1))));
        write(dir, "zeros", new byte[1 + 8 + SuperblockDescriptor.HEADER_LENGTH]);
    }

    private static byte[] superblockInput(int control, long mediumSize, ByteBuffer header) {
        ByteBuffer in = ByteBuffer.allocate(1 + 8 + SuperblockDescriptor.HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        in.put((byte) control).putLong(mediumSize).put(header.duplicate().clear().limit(SuperblockDescriptor.HEADER_LENGTH));
        return in.array();
    }

    private static void nodeRecords(Path dir) throws IOException {
        NodeRecord active = new NodeRecord(7, NodeState.ACTIVE, 0x1234_5678_9abcL, 4242, new UUID(5, 6),
                new FileIdentity(64, 99), "host-é", 3);
        ByteBuffer valid = NodeRecordCodec.encode(active);
        write(dir, "active", nodeInput(0, 1, valid));
        write(dir, "blank", nodeInput(0, 0, ByteBuffer.allocate(NodeRecordDescriptor.HEADER_LENGTH)));
        write(dir, "free", nodeInput(0, 2, NodeRecordCodec.encode(active.released())));
        write(dir, "bad-crc", nodeInput(0, 1, withInt(valid, NodeRecordDescriptor.PID_OFFSET, 1)));
        for (int field = 0; field < NodeRecordDescriptor.CRC_OFFSET; field += 4) {
            write(dir, "field-" + field + "-ones", nodeInput(1, 3, withInt(valid, field, -1)));
        }
        ByteBuffer badUtf8 = withInt(valid, NodeRecordDescriptor.HOST_NAME_OFFSET, 0xC3C3C3C3);
        write(dir, "bad-utf8", nodeInput(1, 1, badUtf8));
        ByteBuffer padding = withInt(valid, NodeRecordDescriptor.HOST_NAME_OFFSET + 60, 0x41);
        write(dir, "name-padding", nodeInput(1, 1, padding));
    }

    private static byte[] nodeInput(int control, int slot, ByteBuffer header) {
        ByteBuffer in = ByteBuffer.allocate(2 + NodeRecordDescriptor.HEADER_LENGTH);
        in.put((byte) control).put((byte) slot).put(header.duplicate().clear());
        return in.array();
    }

    private static void controlBlocks(Path dir) throws IOException {
        Geometry g = new Geometry(512, 2, 8, 64 << 10);
        ByteBuffer b = ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(SEQUENCE_OFFSET, 3).putInt(STATE_OFFSET, STATE_ESTABLISHED).putInt(GENERATION_OFFSET, 1)
                .putLong(OWNER_INCARNATION_OFFSET, 77).putShort(TYPE_OFFSET, (short) TYPE_STREAM)
                .putShort(FLAGS_OFFSET, (short) FLAG_HOLDS_PORT).putInt(LOCAL_PORT_OFFSET, 4000)
                .putInt(PEER_SLOT_OFFSET, 1).putInt(PEER_INDEX_OFFSET, 2).putInt(PEER_GENERATION_OFFSET, 1)
                .putInt(REMOTE_PORT_OFFSET, 49152).putLong(PEER_INCARNATION_OFFSET, 88).putLong(NONCE_OFFSET, 99)
                .putLong(TX_RING_OFFSET_OFFSET, g.arenaOffset(0)).putLong(TX_RING_CAPACITY_OFFSET, 4096)
                .putInt(PARAMETER_OFFSET, 0);
        RecordSeal.seal(b, CRC_OFFSET);
        write(dir, "established", controlInput(0, b));
        write(dir, "free", controlInput(0, ByteBuffer.allocate(HEADER_LENGTH)));
        write(dir, "torn", controlInput(0, withInt(b, STATE_OFFSET, STATE_CLOSED)));
        write(dir, "ring-at-arena-end", controlInput(1, withLong(b, TX_RING_OFFSET_OFFSET, g.arenaOffset(0) + g.arenaSize() - 4096)));
        write(dir, "ring-past-arena", controlInput(1, withLong(b, TX_RING_OFFSET_OFFSET, g.arenaOffset(0) + g.arenaSize() - 4088)));
        write(dir, "ring-negative", controlInput(1, withLong(b, TX_RING_OFFSET_OFFSET, Long.MIN_VALUE)));
        write(dir, "ring-capacity-huge", controlInput(1, withLong(b, TX_RING_CAPACITY_OFFSET, 1L << 62)));
        for (int field = 8; field < CRC_OFFSET; field += 4) {
            write(dir, "field-" + field + "-ones", controlInput(1, withInt(b, field, -1)));
        }
    }

    private static byte[] controlInput(int control, ByteBuffer header) {
        ByteBuffer in = ByteBuffer.allocate(1 + HEADER_LENGTH);
        in.put((byte) control).put(header.duplicate().clear());
        return in.array();
    }

    private static void hostilePeer(Path dir) throws IOException {
        // ops: opcode, argument, value (see HostilePeerFuzzTest.Victim#step)
        write(dir, "traffic-stream", ops(0, 7, 10, 0, 8, 0, 0, 9, 20, 0, 10, 0, 0));
        write(dir, "traffic-seqpacket", ops(1, 7, 10, 0, 8, 0, 0, 9, 20, 0, 10, 0, 0));
        write(dir, "tail-ahead", ops(0, 0, 0, 1L << 40, 8, 0, 0, 10, 0, 0));
        write(dir, "tail-backwards", ops(0, 7, 10, 0, 8, 0, 0, 0, 0, 1, 8, 0, 0));
        write(dir, "tail-negative", ops(1, 0, 0, -8, 8, 0, 0));
        write(dir, "head-ahead", ops(0, 9, 255, 0, 9, 255, 0, 1, 0, Long.MAX_VALUE, 9, 255, 0));
        write(dir, "frame-length-huge", ops(1, 7, 1, 0, 5, 0, Long.MAX_VALUE, 8, 0, 0));
        write(dir, "frame-length-negative", ops(1, 7, 1, 0, 5, 0, -1, 8, 0, 0));
        write(dir, "frame-length-past-tail", ops(1, 7, 1, 0, 5, 0, 4000, 8, 0, 0));
        write(dir, "short-frame", ops(1, 0, 0, 4, 8, 0, 0));
        write(dir, "end-flag", ops(0, 2, 0, TX_FLAG_END, 8, 0, 0, 10, 0, 0));
        write(dir, "shut-flag", ops(0, 3, 0, RX_FLAG_SHUT, 9, 10, 0, 9, 10, 0));
        write(dir, "header-state-resealed", ops(0, 6, 0x81, STATE_REFUSED, 10, 0, 0, 9, 1, 0));
        write(dir, "header-generation-resealed", ops(0, 6, 0x81, 5L << 32 | STATE_ESTABLISHED, 10, 0, 0));
        write(dir, "header-torn", ops(0, 6, 3, 12345, 10, 0, 0));
        write(dir, "header-bad-peer-slot", ops(0, 6, 0x84, 200, 10, 0, 0));
        write(dir, "shutdowns", ops(0, 12, 0, 0, 12, 1, 0, 8, 0, 0, 9, 1, 0));
    }

    private static byte[] ops(int type, long... triples) {
        ByteBuffer in = ByteBuffer.allocate(1 + triples.length / 3 * 10).order(ByteOrder.LITTLE_ENDIAN);
        in.put((byte) type);
        for (int i = 0; i + 2 < triples.length; i += 3) {
            in.put((byte) triples[i]).put((byte) triples[i + 1]).putLong(triples[i + 2]);
        }
        return in.array();
    }

    private static ByteBuffer withInt(ByteBuffer b, int offset, int value) {
        ByteBuffer c = copy(b);
        c.putInt(offset, value);
        return c;
    }

    private static ByteBuffer withLong(ByteBuffer b, int offset, long value) {
        ByteBuffer c = copy(b);
        c.putLong(offset, value);
        return c;
    }

    private static ByteBuffer copy(ByteBuffer b) {
        ByteBuffer c = ByteBuffer.allocate(b.capacity()).order(ByteOrder.LITTLE_ENDIAN);
        c.put(b.duplicate().clear()).clear();
        return c;
    }

    private static void write(Path dir, String name, byte[] bytes) throws IOException {
        Files.createDirectories(dir);
        Files.write(dir.resolve(name), bytes);
    }

}
