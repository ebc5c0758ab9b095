package io.arraysock.medium;

import io.arraysock.testkit.ChildJvm;
import io.arraysock.testkit.LoopDevices;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The loop pair simulates two hosts on one LUN: device A and device B share the storage
 * but not a page cache. A buffered reader of B keeps seeing what B cached before A's
 * O_DIRECT write; an O_DIRECT reader of B sees the write. That is why the block medium
 * never reads through the cache.
 */
class LoopPairCacheTest {
    private static final int SECTOR = 512;
    private static final long MIB = 1 << 20;
    private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(60);

    @Test
    void aBufferedReaderOfTheOtherDeviceSeesStaleDataWhileODirectSeesTheWrite() throws IOException {
        LoopDevices.Pair pair = LoopDevices.pair();
        long at = middleOf(pair.first());
        byte[] fresh = new byte[SECTOR];
        new Random(System.nanoTime()).nextBytes(fresh);
        // The buffered channel stays open throughout: the last close of a block device drops its cache.
        try (FileChannel buffered = FileChannel.open(Path.of(pair.second()), StandardOpenOption.READ);
             BlockMedium a = BlockMedium.open(pair.first());
             BlockMedium b = BlockMedium.open(pair.second())) {
            byte[] cached = readBuffered(buffered, at); // fills B's page cache
            a.own(at, SECTOR);
            a.writeRelease(at, fresh, 0, SECTOR);

            byte[] direct = new byte[SECTOR];
            b.readAcquire(at, direct, 0, SECTOR);
            assertArrayEquals(fresh, direct, "O_DIRECT through B sees A's write");

            byte[] stale = readBuffered(buffered, at);
            assertArrayEquals(cached, stale, "a buffered read through B still sees B's cache");
            assertFalse(java.util.Arrays.equals(fresh, stale), "B's cache must not have the new bytes");
        }
    }

    /** A page-aligned offset halfway into the device: clear of the arrays other tests format at its start. */
    private static long middleOf(String device) throws IOException {
        try (BlockMedium probe = BlockMedium.open(device)) {
            return probe.size() / 2 / 4096 * 4096;
        }
    }

    private static byte[] readBuffered(FileChannel channel, long at) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(SECTOR);
        while (buf.hasRemaining()) {
            if (channel.read(buf, at + buf.position()) < 0) {
                throw new IOException("end of device at " + at);
            }
        }
        return buf.array();
    }

    /**
     * A child process in a network namespace of its own (so only the storage joins the two)
     * opens device B, reads what this process wrote through A, and writes an answer back.
     */
    @Test
    void aChildInItsOwnNetworkNamespaceTalksThroughTheOtherDevice() throws Exception {
        LoopDevices.Pair pair = LoopDevices.pair();
        requireRoot();
        long parentSector = middleOf(pair.first()) + MIB;
        long childSector = parentSector + SECTOR;
        byte[] question = new byte[SECTOR];
        byte[] answer = new byte[SECTOR];
        Random random = new Random(System.nanoTime());
        random.nextBytes(question);
        random.nextBytes(answer);
        HexFormat hex = HexFormat.of();
        try (BlockMedium a = BlockMedium.open(pair.first());
             ChildJvm child = ChildJvm.start(true, LoopPairChild.class, pair.second())) {
            assertEquals("interfaces [lo]", child.readLine(CHILD_TIMEOUT), "the child must have no network but loopback");
            a.own(parentSector, SECTOR);
            a.writeRelease(parentSector, question, 0, SECTOR);
            child.send("read " + parentSector + " " + SECTOR);
            assertEquals(hex.formatHex(question), child.expect("saw ", CHILD_TIMEOUT));

            child.send("write " + childSector + " " + hex.formatHex(answer));
            assertEquals("wrote", child.readLine(CHILD_TIMEOUT));
            byte[] got = new byte[SECTOR];
            a.readAcquire(childSector, got, 0, SECTOR);
            assertArrayEquals(answer, got, "the child's write through B, read through A");
            child.send("quit");
            assertEquals(0, child.waitFor(CHILD_TIMEOUT), child.describe());
        }
    }

    private static void requireRoot() {
        if (!LoopDevices.isRoot()) {
            String why = "unshare --net needs root; running as " + System.getProperty("user.name");
            if (Boolean.getBoolean("arraysock.test.requireLoop")) {
                throw new AssertionError("cross-namespace test must run in CI, but " + why);
            }
            Assumptions.abort(why);
        }
    }
}
