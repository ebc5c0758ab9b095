package io.arraysock.socket;

import io.arraysock.format.ChunkCodec;
import io.arraysock.format.ChunkDescriptor;
import io.arraysock.format.ControlBlockHeader;
import io.arraysock.format.Geometry;
import io.arraysock.medium.BlockMedium;
import io.arraysock.testkit.ShmSegments;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.arraysock.format.ControlBlockDescriptor.REFUSED_ENCRYPTION_MISMATCH;
import static io.arraysock.format.ControlBlockDescriptor.STATE_CONNECTING;
import static io.arraysock.format.ControlBlockDescriptor.STATE_REFUSED;
import static io.arraysock.format.ControlBlockDescriptor.TYPE_SEQPACKET;
import static io.arraysock.format.ControlBlockDescriptor.TYPE_STREAM;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Authenticated encryption of chunk payloads (docs/PROTOCOL.md, "Encryption") in one
 * process: two socket layers on one block medium over a regular file with O_DIRECT, as in
 * ChunkPipelineTest. The cross-process transfer is EncryptedTransferTest's, on the pairs.
 */
class EncryptedChunksTest {
    private static final long SECOND = 1_000_000_000L;
    private static final int SECTOR = BlockFileLayers.SECTOR;
    private static final byte[] KEY = java.util.HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f1011121314151617");

    private final BlockFileLayers layers = new BlockFileLayers("arraysock-aes-");
    private final BlockMedium medium = layers.medium;
    private final SocketLayer a = layers.a;
    private final SocketLayer b = layers.b;
    private final ExecutorService pool = Executors.newCachedThreadPool();

    EncryptedChunksTest() throws Exception {
    }

    @AfterEach
    void tearDown() throws Exception {
        pool.shutdownNow();
        layers.close();
    }

    /** A keyed listener on layer a, requiring encryption if {@code encrypted}. */
    private SocketCore keyedListener(int type, int port, int ringBytes, boolean encrypted) throws Exception {
        return LayerPairs.listener(a, type, port, 8, l -> {
            l.options().authenticationKey(KEY);
            l.options().encryption(encrypted);
            l.options().sendBufferSize(ringBytes);
        });
    }

    /** A listener on layer a (encrypting if {@code encrypted}, keyed anyway), and a keyed client on b connected to it. */
    private SocketCore[] connectedPair(int type, int port, int ringBytes, boolean encrypted) throws Exception {
        SocketCore listener = keyedListener(type, port, ringBytes, encrypted);
        SocketCore[] pair = LayerPairs.connect(listener, port, b, type, c -> {
            c.options().authenticationKey(KEY);
            c.options().sendBufferSize(ringBytes);
        });
        SocketCore client = pair[0];
        SocketCore server = pair[1];
        assertEquals(encrypted, client.options().encryption(), "the client encrypts as its listener asks");
        assertEquals(encrypted, server.options().encryption());
        return new SocketCore[] {client, server};
    }

    @Test
    void aStreamCrossesAnEncryptedConnectionByteForByteBothWays() throws Exception {
        SocketCore[] p = connectedPair(TYPE_STREAM, 7200, 64 << 10, true);
        byte[] up = new byte[6 << 20];
        byte[] down = new byte[3 << 20];
        new Random(1).nextBytes(up);
        new Random(2).nextBytes(down);
        Future<byte[]> atServer = pool.submit(() -> receiveAll(p[1], up.length));
        Future<byte[]> atClient = pool.submit(() -> receiveAll(p[0], down.length));
        Future<?> serverSends = pool.submit(() -> {
            sendInPieces(p[1], down, 3);
            return null;
        });
        sendInPieces(p[0], up, 4);
        p[0].shutdownOutput();
        serverSends.get(60, TimeUnit.SECONDS);
        p[1].shutdownOutput();
        assertArrayEquals(up, atServer.get(60, TimeUnit.SECONDS), "client to server");
        assertArrayEquals(down, atClient.get(60, TimeUnit.SECONDS), "server to client");
        p[0].close();
        p[1].close();
    }

    @Test
    void seqpacketMessagesUpToTheLargestKeepTheirBytesAndBoundaries() throws Exception {
        SocketCore[] p = connectedPair(TYPE_SEQPACKET, 7201, 64 << 10, true);
        SocketCore client = p[0];
        SocketCore server = p[1];
        int max = client.maxMessageSize();
        assertEquals((64 << 10) - ChunkDescriptor.HEADER_LENGTH - ChunkDescriptor.TAG_LENGTH
                - ChunkDescriptor.MESSAGE_LENGTH_SIZE, max, "the tag takes its room in the chunk");
        int count = 3_000;
        Future<Integer> checked = pool.submit(() -> {
            ByteBuffer got = ByteBuffer.allocate(max);
            SplittableRandom sizes = new SplittableRandom(7);
            for (int i = 0; i < count; i++) {
                int size = size(sizes, i, max);
                assertEquals(size, server.receiving().receiveMessage(got.clear(), true, false), "length of message " + i);
                for (int j = 0; j < size; j++) {
                    assertEquals((byte) (i * 31 + j), got.get(j), "byte " + j + " of message " + i);
                }
            }
            assertEquals(-1, server.receiving().receiveMessage(got.clear(), true, false));
            return count;
        });
        SplittableRandom sizes = new SplittableRandom(7);
        ByteBuffer msg = ByteBuffer.allocate(max);
        for (int i = 0; i < count; i++) {
            int size = size(sizes, i, max);
            msg.clear();
            for (int j = 0; j < size; j++) {
                msg.put((byte) (i * 31 + j));
            }
            assertTrue(client.sending().sendMessage(msg.flip(), true), "message " + i);
        }
        client.shutdownOutput();
        assertEquals(count, checked.get(60, TimeUnit.SECONDS));
        client.close();
        server.close();
    }

    /** Mostly small messages, every 100th the largest. */
    private static int size(SplittableRandom sizes, int i, int max) {
        int small = sizes.nextInt(2_000);
        return i % 100 == 99 ? max : small;
    }

    @Test
    void theRingOnTheMediumHoldsNoPlaintext() throws Exception {
        byte[] pattern = new byte[64];
        new Random(64).nextBytes(pattern);
        assertTrue(ringHolds(pattern, false), "the search finds the pattern on a connection in the clear");
        assertFalse(ringHolds(pattern, true), "an encrypted connection's ring never shows it");
    }

    /** Sends {@code pattern} 500 times on a fresh connection, then searches the client's ring, read raw from the medium. */
    private boolean ringHolds(byte[] pattern, boolean encrypted) throws Exception {
        SocketCore[] p = connectedPair(TYPE_STREAM, encrypted ? 7202 : 7203, 64 << 10, encrypted);
        byte[] data = new byte[500 * pattern.length];
        for (int i = 0; i < 500; i++) {
            System.arraycopy(pattern, 0, data, i * pattern.length, pattern.length);
        }
        Future<byte[]> got = pool.submit(() -> receiveAll(p[1], data.length));
        sendInPieces(p[0], data, 5);
        p[0].shutdownOutput();
        assertArrayEquals(data, got.get(30, TimeUnit.SECONDS));
        RingProducer ring = p[0].connection().producer;
        ByteBuffer raw = medium.allocateExtentBuffer((int) ring.capacity());
        medium.readExtent(ring.ring, raw);
        byte[] bytes = new byte[raw.clear().remaining()];
        raw.get(bytes);
        p[0].close();
        p[1].close();
        for (int i = 0; i + pattern.length <= bytes.length; i++) {
            if (Arrays.equals(bytes, i, i + pattern.length, pattern, 0, pattern.length)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void aForgedChunkWithAValidCrcIsAResetAndNeverDelivered() throws Exception {
        SocketCore[] p = connectedPair(TYPE_STREAM, 7204, 64 << 10, true);
        byte[] data = new byte[1000];
        Arrays.fill(data, (byte) 'a');
        forgeFirstChunk(p, data, chunk -> {
            int payload = ChunkDescriptor.HEADER_LENGTH;
            for (int i = 0; i < 100; i++) {
                chunk.put(payload + i, (byte) (chunk.get(payload + i) ^ 0x5a)); // a flip of known bytes: ciphertext is malleable
            }
        });
    }

    @Test
    void aForgedEndIsAResetNotAnEarlyEndOfStream() throws Exception {
        SocketCore[] p = connectedPair(TYPE_STREAM, 7205, 64 << 10, true);
        byte[] data = new byte[1000];
        forgeFirstChunk(p, data, chunk -> {
            chunk.putShort(ChunkDescriptor.KIND_OFFSET, (short) ChunkDescriptor.KIND_END);
            chunk.putInt(ChunkDescriptor.LENGTH_OFFSET, ChunkDescriptor.TAG_LENGTH); // an END's length: the tag alone
        });
    }

    /**
     * Sends {@code data} (one chunk), rewrites that chunk on the medium before the server
     * reads it as {@code vandal} says, seals it again with a CRC that matches, and checks the
     * server gets the reset and none of the chunk.
     */
    private void forgeFirstChunk(SocketCore[] p, byte[] data, java.util.function.Consumer<ByteBuffer> vandal) throws Exception {
        SocketCore client = p[0];
        SocketCore server = p[1];
        RingProducer producer = client.connection().producer;
        assertEquals(data.length, client.sending().send(ByteBuffer.wrap(data), true));
        long deadline = System.nanoTime() + 10 * SECOND;
        while (producer.tail() == 0) { // written (positions start at 0)
            assertTrue(System.nanoTime() < deadline, "the writer wrote the chunk");
            Thread.sleep(1);
        }
        int extent = (int) producer.tail();
        int alignment = medium.extentAlignment();
        ByteBuffer chunk = medium.allocateExtentBuffer((extent + alignment - 1) / alignment * alignment)
                .order(ByteOrder.LITTLE_ENDIAN);
        medium.readExtent(producer.ring, chunk);
        chunk.clear();
        vandal.accept(chunk);
        int length = (int) ChunkCodec.length(chunk, 0);
        ChunkCodec codec = new ChunkCodec(client.connection().nonce, producer.ring, SECTOR, ChunkDescriptor.TAG_LENGTH);
        codec.seal(chunk, 0, ChunkCodec.kind(chunk, 0), 0, length);
        assertEquals(ChunkCodec.VALID, codec.check(chunk, 0, extent, 0, extent - ChunkDescriptor.HEADER_LENGTH),
                "the forged chunk passes the CRC");
        medium.writeExtent(producer.ring, chunk.clear().limit(extent));
        ByteBuffer dst = ByteBuffer.allocate(data.length);
        Future<Integer> received = pool.submit(() -> server.receiving().receive(dst, true));
        ExecutionException e = assertThrows(ExecutionException.class, () -> received.get(10, TimeUnit.SECONDS));
        assertInstanceOf(SocketException.class, e.getCause(), String.valueOf(e.getCause()));
        assertTrue(e.getCause().getMessage().startsWith("Connection reset: payload authentication failed at stream position 0 (node "
                + b.slot + ")"), e.getCause().getMessage());
        assertEquals(0, dst.position(), "no byte of the forged chunk was delivered");
        assertThrows(SocketException.class, () -> server.receiving().receive(dst, false), "the connection stays reset");
        assertEquals(0, dst.position());
        client.close();
        server.close();
    }

    @Test
    void bothSidesMustAgree() throws Exception {
        SocketCore plain = keyedListener(TYPE_STREAM, 7206, 4096, false);
        SocketCore wants = b.open(TYPE_STREAM);
        wants.options().authenticationKey(KEY);
        wants.options().encryption(true);
        ConnectException e = assertThrows(ConnectException.class, () -> wants.client().connect(7206, 5 * SECOND));
        assertTrue(e.getMessage().contains("does not encrypt, and this socket requires encryption"), e.getMessage());

        SocketCore encrypting = keyedListener(TYPE_STREAM, 7207, 4096, true);
        SocketCore keyless = b.open(TYPE_STREAM);
        e = assertThrows(ConnectException.class, () -> keyless.client().connect(7207, 5 * SECOND));
        assertTrue(e.getMessage().contains("requires authentication"), e.getMessage());

        SocketCore noKey = a.open(TYPE_STREAM);
        noKey.options().encryption(true);
        SocketException s = assertThrows(SocketException.class, () -> noKey.listen(4));
        assertTrue(s.getMessage().contains("needs a pre-shared key"), s.getMessage());
        for (SocketCore c : new SocketCore[] {plain, wants, encrypting, keyless, noKey}) {
            c.close();
        }
    }

    /** A request that proves the key but does not say it encrypts (no honest client sends one): refused, reason 6. */
    @Test
    void theAcceptorRefusesARequestThatDoesNotEncrypt() throws Exception {
        SocketCore listener = keyedListener(TYPE_STREAM, 7208, 4096, true);
        SocketCore client = b.open(TYPE_STREAM);
        ControlBlockHeader l = a.table.read(a.slot, listener.index);
        ControlBlockHeader own = b.table.read(b.slot, client.index);
        long nonce = 0x5eed_0001L;
        long ring = b.blocks.allocateRing(4096);
        byte[] proof = ConnectProof.tag(KEY, l.nonce(),
                new ConnectProof.Identity(a.slot, listener.index, l.generation(), l.ownerIncarnation()),
                new ConnectProof.Identity(b.slot, client.index, own.generation(), b.node.incarnation()), nonce);
        b.table.write(client.index, own.withPeer(STATE_CONNECTING, a.slot, listener.index, l.generation(),
                l.ownerIncarnation(), 7208, nonce, ring, 4096, 4096).withAuthTag(proof));
        b.connectWords.announceConnectRequest(client.index);
        int[] reason = {-1};
        long deadline = System.nanoTime() + 10 * SECOND;
        while (reason[0] < 0) {
            assertTrue(System.nanoTime() < deadline, "the listener answered the request");
            a.table.scanPartition(a.slot, (slot, i, h) -> {
                if (h.state() == STATE_REFUSED && h.nonce() == nonce) {
                    reason[0] = h.parameter();
                }
            });
            Thread.sleep(1);
        }
        assertEquals(REFUSED_ENCRYPTION_MISMATCH, reason[0]);
        assertEquals("the listener and this socket disagree on encryption", ClientHandshake.refusalReason(reason[0]));
        assertNull(listener.accept(0), "nothing reached accept");
        listener.close();
    }

    @Test
    void shmRefusesEncryption() throws Exception {
        Geometry g = new Geometry(512, 2, 16, 1 << 20);
        try (ShmSegments segments = new ShmSegments();
             SocketLayer layer = new SocketLayer(new BareNode(segments.medium(g), g, 0, BareNode.registry()))) {
            SocketCore s = layer.open(TYPE_STREAM);
            s.options().authenticationKey(KEY);
            SocketException e = assertThrows(SocketException.class, () -> s.options().encryption(true));
            assertTrue(e.getMessage().startsWith("Encryption needs the block medium's chunk framing"), e.getMessage());
            assertFalse(s.options().encryption());
            s.close();
        }
    }

    private static void sendInPieces(SocketCore s, byte[] data, long seed) throws Exception {
        SplittableRandom sizes = new SplittableRandom(seed);
        for (int at = 0; at < data.length; ) {
            int n = Math.min(data.length - at, 1 + sizes.nextInt(150_000));
            assertEquals(n, s.sending().send(ByteBuffer.wrap(data, at, n), true));
            at += n;
        }
    }

    /** Everything until the end of the stream (at most {@code expected} + 1 bytes kept). */
    private static byte[] receiveAll(SocketCore s, int expected) throws Exception {
        ByteBuffer all = ByteBuffer.allocate(expected + 1);
        ByteBuffer buf = ByteBuffer.allocateDirect(70_000);
        for (int n; (n = s.receiving().receive(buf.clear(), true)) >= 0; ) {
            buf.flip();
            if (buf.remaining() > all.remaining()) {
                throw new AssertionError("more bytes than were sent");
            }
            all.put(buf);
        }
        return Arrays.copyOf(all.array(), all.position());
    }
}
