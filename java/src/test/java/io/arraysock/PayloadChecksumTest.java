package io.arraysock;

import io.arraysock.api.SocketInfo;
import io.arraysock.api.SocketType;
import io.arraysock.format.ControlBlockDescriptor;
import io.arraysock.format.Geometry;
import io.arraysock.medium.BlockMedium;
import io.arraysock.testkit.ChildJvm;
import org.junit.jupiter.api.Test;

import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The vandal of issue 11 on the loop pair: while a sender in another JVM keeps a slow
 * receiver's ring full, a writer with a second device node overwrites sectors of the
 * sender's ring. The receiver must get a reset naming the checksum, and every byte it got
 * before must be the sender's.
 */
class PayloadChecksumTest {
    private static final int RING = 256 * 1024;

    @Test
    void aVandalisedRingIsAResetNeverWrongBytes() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (ArrayFixture f = ArrayFixture.create(ArrayFixture.Kind.LOOP_PAIR, ArrayFixture.small());
             StorageArray array = f.attach();
             ArraySocket listener = ArrayFixture.listener(array, SocketType.STREAM, 7400, 1);
             ChildJvm sender = f.child(PatternSender.class, f.childPath, "7400", Integer.toString(RING));
             BlockMedium vandal = BlockMedium.open(f.childPath)) {
            sender.expect("CONNECTED", Duration.ofSeconds(30));
            try (ArraySocket s = listener.accept(Duration.ofSeconds(30))) {
                Future<Long> receiver = pool.submit(() -> receiveSlowlyAndCheck(s));
                long[] ring = senderRing(array, s.remoteNode(), vandal);
                assertEquals(RING, ring[1], "the sender's ring");
                vandal.own(ring[0], ring[1]);
                ByteBuffer junk = ByteBuffer.allocateDirect(2 * vandal.extentAlignment())
                        .alignedSlice(vandal.extentAlignment()).limit(vandal.sectorSize());
                vandaliseAndExpectReset(receiver, ring, vandal.sectorSize(), s.remoteNode(), (offset, random) -> {
                    for (int i = 0; i < junk.limit(); i++) {
                        junk.put(i, (byte) random.nextInt());
                    }
                    vandal.writeExtent(offset, junk.clear().limit(vandal.sectorSize()));
                });
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** The vandal's way onto the medium: one sector of junk from {@code random} written at {@code offset}. */
    interface SectorWrite {
        void write(long offset, SplittableRandom random) throws Exception;
    }

    /**
     * Lets {@code ring} ({offset, capacity}) fill, then overwrites random sectors of it with
     * junk every 5 ms while {@code receiver} runs (60 s at the most), and checks that the
     * receiver ended in a reset naming the checksum and the sender's node, never well.
     */
    static void vandaliseAndExpectReset(Future<Long> receiver, long[] ring, int sectorSize, int senderNode,
                                        SectorWrite write) throws Exception {
        SplittableRandom random = new SplittableRandom(11);
        Thread.sleep(300); // let the ring fill
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int writes = 0;
        while (!receiver.isDone() && System.nanoTime() < deadline) {
            write.write(ring[0] + random.nextLong(ring[1] / sectorSize) * sectorSize, random);
            writes++;
            Thread.sleep(5);
        }
        int vandalWrites = writes;
        ExecutionException e = assertThrows(ExecutionException.class, () -> receiver.get(30, TimeUnit.SECONDS),
                "the receiver must not end well after " + vandalWrites + " vandal writes");
        assertInstanceOf(SocketException.class, e.getCause(), "a reset, not wrong bytes: " + e.getCause());
        String message = e.getCause().getMessage();
        assertTrue(message.startsWith("Connection reset: payload checksum mismatch at stream position "), message);
        assertTrue(message.contains("(node " + senderNode + ")"), message);
    }

    /** Reads 16 KiB at a time with pauses (the ring stays full), checking every byte; returns only if the stream ends. */
    static long receiveSlowlyAndCheck(ArraySocket s) throws Exception {
        ByteBuffer buf = ByteBuffer.allocateDirect(16 * 1024);
        long at = 0;
        for (int n; (n = s.receive(buf.clear())) >= 0; ) {
            for (int i = 0; i < n; i++) {
                if (buf.get(i) != PatternSender.patternByte(at + i)) {
                    throw new AssertionError("wrong byte delivered at stream offset " + (at + i));
                }
            }
            at += n;
            Thread.sleep(2);
        }
        return at;
    }

    /** {ring offset, capacity} of the sender's established socket, read from its control block as the vandal sees it. */
    static long[] senderRing(StorageArray array, int senderNode, io.arraysock.medium.Medium medium) throws Exception {
        Geometry g = array.geometry();
        for (SocketInfo info : array.sockets()) {
            if (info.node() == senderNode && info.state().equals("ESTABLISHED")) {
                long block = g.controlBlockOffset(senderNode, info.index());
                ByteBuffer h = ByteBuffer.allocate(ControlBlockDescriptor.HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
                medium.readAcquire(block, h);
                return new long[] {h.getLong(ControlBlockDescriptor.TX_RING_OFFSET_OFFSET),
                        h.getLong(ControlBlockDescriptor.TX_RING_CAPACITY_OFFSET)};
            }
        }
        throw new AssertionError("no established socket of node " + senderNode + " in " + array.sockets());
    }
}
