package io.arraysock.format;

import io.arraysock.api.NodeState;
import io.arraysock.medium.BlockMedium;
import io.arraysock.medium.internal.FileIdentity;
import org.junit.jupiter.api.Test;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.*;

/** One look at a node record on the block medium: the header and the heartbeat of one sector read. */
class NodeRecordLookTest {
    @Test
    void oneLookReadsTheHeaderAndTheHeartbeat() throws Exception {
        Geometry g = new Geometry(512, 4, 64, 8 << 20);
        Path file = Files.createTempFile(Path.of("/var/tmp"), "node-look", ".img");
        try {
            try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
                f.setLength(g.requiredSize());
            }
            try (BlockMedium m = BlockMedium.open(file.toString())) {
                long at = g.nodeRecordOffset(2);
                m.own(at, 512);
                NodeRecordCodec.Look blank = NodeRecordCodec.readWithHeartbeat(m, g, 2);
                assertEquals(NodeState.FREE, blank.record().state());
                assertEquals(0, blank.heartbeat());
                NodeRecord r = new NodeRecord(7, NodeState.ACTIVE, 0x5eedL, 4242, new UUID(1, 2),
                        new FileIdentity(3, 4), "host-a", 9);
                m.writeRelease(at, NodeRecordCodec.encode(r));
                m.putLongRelease(at + NodeRecordDescriptor.HEARTBEAT_OFFSET, 0x0123_4567_89abL);
                NodeRecordCodec.Look look = NodeRecordCodec.readWithHeartbeat(m, g, 2);
                assertEquals(NodeRecordCodec.read(m, g, 2), look.record());
                assertEquals(0x5eedL, look.record().incarnation());
                assertEquals(0x0123_4567_89abL, look.heartbeat());
                m.putIntRelease(at + 12, 0xdead); // the pid changes under the seal: judged corrupt, as read() judges it
                assertThrows(io.arraysock.api.CorruptMediumException.class, () -> NodeRecordCodec.readWithHeartbeat(m, g, 2));
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
