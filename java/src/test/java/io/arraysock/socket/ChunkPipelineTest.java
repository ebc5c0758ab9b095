package io.arraysock.socket;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.arraysock.format.ControlBlockDescriptor.TX_FLAGS_OFFSET;
import static io.arraysock.format.ControlBlockDescriptor.TX_FLAG_END;
import static io.arraysock.format.ControlBlockDescriptor.TYPE_SEQPACKET;
import static io.arraysock.format.ControlBlockDescriptor.TYPE_STREAM;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The block medium's send side (staging, the writer thread, chunks) in one process: two
 * socket layers on one block medium over a regular file with O_DIRECT. The cross-process
 * behaviour is CrossProcessSocketTest's on the loop and NBD pairs.
 */
class ChunkPipelineTest {
    private static final long SECOND = 1_000_000_000L;
    private static final int SECTOR = BlockFileLayers.SECTOR;

    private BlockFileLayers layers;
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @BeforeEach
    void setUp() throws Exception {
        layers = new BlockFileLayers("arraysock-pipeline-");
    }

    @AfterEach
    void tearDown() throws Exception {
        pool.shutdownNow();
        layers.close();
    }

    private SocketCore[] connectedPair(int type, int port, int ringBytes) throws Exception {
        SocketCore listener = LayerPairs.listener(layers.a, type, port, 8, LayerPairs.Setup.NONE);
        return LayerPairs.connect(listener, port, layers.b, type, s -> s.options().sendBufferSize(ringBytes));
    }

    @Test
    void smallMessagesShareChunksAndKeepTheirBoundaries() throws Exception {
        SocketCore[] p = connectedPair(TYPE_SEQPACKET, 7100, 16 << 10);
        SocketCore client = p[0];
        SocketCore server = p[1];
        int count = 20_000;
        Future<Integer> checked = pool.submit(() -> {
            ByteBuffer got = ByteBuffer.allocate(128);
            SplittableRandom sizes = new SplittableRandom(5);
            for (int i = 0; i < count; i++) {
                int size = sizes.nextInt(100);
                assertEquals(size, server.receiving().receiveMessage(got.clear(), true, false), "length of message " + i);
                for (int j = 0; j < size; j++) {
                    assertEquals((byte) (i + j), got.get(j), "byte " + j + " of message " + i);
                }
            }
            assertEquals(-1, server.receiving().receiveMessage(got.clear(), true, false));
            return count;
        });
        SplittableRandom sizes = new SplittableRandom(5);
        ByteBuffer msg = ByteBuffer.allocate(128);
        long payload = 0;
        for (int i = 0; i < count; i++) {
            int size = sizes.nextInt(100);
            msg.clear();
            for (int j = 0; j < size; j++) {
                msg.put((byte) (i + j));
            }
            assertTrue(client.sending().sendMessage(msg.flip(), true));
            payload += 4 + size;
        }
        client.shutdownOutput();
        assertEquals(count, checked.get(60, TimeUnit.SECONDS));
        long ringBytes = client.connection().producer.tail(); // positions start at 0
        // one chunk per message would take at least a sector each
        assertTrue(ringBytes < (long) count * SECTOR / 4,
                "the writer put many messages in a chunk: " + ringBytes + " ring bytes for " + count + " messages ("
                        + payload + " bytes framed)");
        client.close();
        server.close();
    }

    @Test
    void theEndRecordEndsTheStreamWithoutTheFlag() throws Exception {
        SocketCore[] p = connectedPair(TYPE_STREAM, 7102, 64 << 10);
        SocketCore client = p[0];
        SocketCore server = p[1];
        byte[] data = new byte[30_000]; // less than the ring: all of it is written before anything is read
        new Random(3).nextBytes(data);
        assertEquals(data.length, client.sending().send(ByteBuffer.wrap(data), true));
        client.shutdownOutput();
        long flagsWord = layers.b.table.offset(layers.b.slot, client.index) + TX_FLAGS_OFFSET;
        long deadline = System.nanoTime() + 10 * SECOND;
        while ((layers.medium.getIntAcquire(flagsWord) & TX_FLAG_END) == 0) { // the writer's last step
            assertTrue(System.nanoTime() < deadline, "the writer raised the end flag");
            Thread.sleep(1);
        }
        layers.medium.putIntRelease(flagsWord, 0); // as if that sector write had been lost: only the record says it
        Future<byte[]> received = pool.submit(() -> {
            ByteBuffer all = ByteBuffer.allocate(data.length + 1);
            ByteBuffer buf = ByteBuffer.allocateDirect(8192);
            for (int n; (n = server.receiving().receive(buf.clear(), true)) >= 0; ) {
                all.put(buf.flip());
            }
            return java.util.Arrays.copyOf(all.array(), all.position());
        });
        assertArrayEquals(data, received.get(10, TimeUnit.SECONDS), "all bytes, then the end of the stream");
        client.close();
        server.close();
    }

    @Test
    void aStreamArrivesWholeAndEndsAfterItsLastStagedByte() throws Exception {
        SocketCore[] p = connectedPair(TYPE_STREAM, 7101, 64 << 10);
        SocketCore client = p[0];
        SocketCore server = p[1];
        byte[] data = new byte[24 << 20];
        new Random(2).nextBytes(data);
        Future<byte[]> received = pool.submit(() -> {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            ByteBuffer buf = ByteBuffer.allocateDirect(100_000);
            for (int n; (n = server.receiving().receive(buf.clear(), true)) >= 0; ) {
                sha.update(buf.flip());
            }
            return sha.digest();
        });
        SplittableRandom sizes = new SplittableRandom(9);
        for (int at = 0; at < data.length; ) {
            int n = Math.min(data.length - at, 1 + sizes.nextInt(200_000));
            assertEquals(n, client.sending().send(ByteBuffer.wrap(data, at, n), true));
            at += n;
        }
        client.close(); // returns at once: the writer still has staged bytes, and ends the stream after them
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(data), received.get(60, TimeUnit.SECONDS));
        server.close();
    }
}
