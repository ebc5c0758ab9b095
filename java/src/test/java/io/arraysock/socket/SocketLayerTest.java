package io.arraysock.socket;

import io.arraysock.format.ControlBlockDescriptor;
import io.arraysock.format.Geometry;
import io.arraysock.medium.ShmMedium;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import io.arraysock.testkit.ShmSegments;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.BindException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** The socket layer between two nodes of one process on a real shm segment. */
class SocketLayerTest {
    private static final int STREAM = ControlBlockDescriptor.TYPE_STREAM;
    private static final int SEQPACKET = ControlBlockDescriptor.TYPE_SEQPACKET;
    private static final long SECOND = 1_000_000_000L;

    @RegisterExtension
    final ShmSegments segments = new ShmSegments();
    private ShmMedium medium;
    private SocketLayer a;
    private SocketLayer b;
    private BareNode nodeB;
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @BeforeEach
    void setUp() throws Exception {
        ShmNodes nodes = new ShmNodes(segments, new Geometry(512, 4, 64, 8 << 20));
        medium = nodes.medium;
        a = nodes.a;
        b = nodes.b;
        nodeB = nodes.nodeB;
    }

    @AfterEach
    void tearDown() throws Exception {
        pool.shutdownNow();
        a.close();
        b.close();
    }

    private SocketCore[] connectedPair(int type, int port) throws Exception {
        return LayerPairs.connected(a, b, type, port);
    }

    /** The key and encryption are fixed from listen to close, as the listener's flags on the medium are. */
    @Test
    void theKeyIsFixedWhileListening() throws Exception {
        SocketCore s = a.open(STREAM);
        s.options().authenticationKey(new byte[16]);
        s.listen(4);
        assertTrue(s.header().hasFlag(ControlBlockDescriptor.FLAG_AUTH_REQUIRED), "listen took the key");
        SocketException e = assertThrows(SocketException.class, () -> s.options().authenticationKey(null));
        assertEquals("Set the key before listen", e.getMessage());
        e = assertThrows(SocketException.class, () -> s.options().encryption(false));
        assertEquals("Set encryption before listen", e.getMessage());
        s.close();
        s.options().authenticationKey(null); // not listening any more: accepted, as before the settings object
    }

    /** A pending connect's polls keep the answer word's last value without a new record each (only when it changes). */
    @Test
    void pollingAPendingConnectKeepsTheAnswerWordWithoutGarbage() throws Exception {
        SocketCore[] seeded = connectedPair(STREAM, 7051); // b now remembers a's answer word
        // a block that reads as listening, with no acceptor behind it: the request stays unanswered
        SocketCore silent = a.open(STREAM);
        silent.bind(7052);
        a.table.write(silent.index, silent.header().withState(ControlBlockDescriptor.STATE_LISTENING));
        SocketCore client = b.open(STREAM);
        assertFalse(client.client().connectNow(7052)); // its first poll keeps the word as it is now
        ConnectWords.AnswersSeen before = b.connectWords.answersSeen(a.slot, a.node.incarnation());
        assertNotNull(before);
        for (int i = 0; i < 100; i++) {
            assertFalse(client.client().finishConnect());
        }
        assertSame(before, b.connectWords.answersSeen(a.slot, a.node.incarnation()), "no record while the word stayed");
        client.close();
        silent.close();
        seeded[0].close();
        seeded[1].close();
    }

    @Test
    void streamBytesBothWaysWithEndOfStream() throws Exception {
        SocketCore[] p = connectedPair(STREAM, 7000);
        SocketCore client = p[0];
        SocketCore server = p[1];
        assertEquals(7000, client.remotePort());
        assertEquals(7000, server.localPort());
        assertEquals(0, client.localNode() == server.localNode() ? 1 : 0);

        byte[] data = new byte[3 << 20];
        new Random(1).nextBytes(data);
        Future<byte[]> received = pool.submit(() -> readAll(server));
        assertEquals(data.length, client.sending().send(ByteBuffer.wrap(data), true));
        client.shutdownOutput();
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(data),
                MessageDigest.getInstance("SHA-256").digest(received.get(10, TimeUnit.SECONDS)));

        // the half-closed side still receives
        server.sending().send(ByteBuffer.wrap(new byte[] {1, 2, 3}), true);
        server.close();
        ByteBuffer buf = ByteBuffer.allocate(10);
        assertEquals(3, client.receiving().receive(buf, true));
        assertEquals(-1, client.receiving().receive(buf, true));
        client.close();
        assertThrows(SocketException.class, () -> client.receiving().receive(buf, true));
    }

    private static byte[] readAll(SocketCore s) throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocateDirect(70_000);
        for (int n; (n = s.receiving().receive(buf.clear(), true)) >= 0; ) {
            byte[] chunk = new byte[n];
            buf.flip().get(chunk);
            out.write(chunk);
        }
        return out.toByteArray();
    }

    @Test
    void seqpacketKeepsBoundaries() throws Exception {
        SocketCore[] p = connectedPair(SEQPACKET, 7001);
        SocketCore client = p[0];
        SocketCore server = p[1];
        Random r = new Random(2);
        int max = client.maxMessageSize();
        int count = 2000;
        byte[][] sent = new byte[count][];
        for (int i = 0; i < count; i++) {
            sent[i] = new byte[i % 100 == 0 ? max : r.nextInt(2000)];
            r.nextBytes(sent[i]);
        }
        Future<?> sender = pool.submit(() -> {
            for (byte[] m : sent) {
                client.sending().sendMessage(ByteBuffer.wrap(m), true);
            }
            client.shutdownOutput();
            return null;
        });
        ByteBuffer buf = ByteBuffer.allocate(max);
        for (int i = 0; i < count; i++) {
            long n = server.receiving().receiveMessage(buf.clear(), true, false);
            assertEquals(sent[i].length, n, "message " + i);
            assertArrayEquals(sent[i], java.util.Arrays.copyOf(buf.array(), (int) n), "message " + i);
        }
        assertEquals(-1, server.receiving().receiveMessage(buf.clear(), true, false));
        sender.get(10, TimeUnit.SECONDS);
        assertThrows(java.io.IOException.class, () -> client.sending().sendMessage(ByteBuffer.allocate(max + 1), true));
    }

    @Test
    void tooSmallBufferLeavesTheMessageQueued() throws Exception {
        SocketCore[] p = connectedPair(SEQPACKET, 7002);
        p[0].sending().sendMessage(ByteBuffer.wrap(new byte[100]), true);
        assertThrows(io.arraysock.api.MessageTooLargeException.class, () -> p[1].receiving().receiveMessage(ByteBuffer.allocate(10), true, false));
        assertEquals(100, p[1].receiving().receiveMessage(ByteBuffer.allocate(100), true, false));
        p[0].sending().sendMessage(ByteBuffer.wrap(new byte[100]), true);
        ByteBuffer small = ByteBuffer.allocate(10);
        assertEquals(100, p[1].receiving().receiveMessage(small, true, true));
        assertEquals(10, small.position());
    }

    @Test
    void bindConflictsAndEphemeralPorts() throws Exception {
        SocketCore s1 = a.open(STREAM);
        s1.bind(8000);
        SocketCore s2 = b.open(STREAM);
        BindException e = assertThrows(BindException.class, () -> s2.bind(8000));
        assertTrue(e.getMessage().contains("in use"), e.getMessage());
        s1.close();
        s2.bind(8000);
        SocketCore e1 = a.open(STREAM);
        e1.bind(0);
        assertTrue(e1.localPort() >= PortBinder.FIRST_EPHEMERAL, "ephemeral " + e1.localPort());
    }

    /**
     * A client posts to the listener it remembers and checks it after: when that listener was
     * replaced (same port, another block or generation, other terms) or is gone, the connect
     * withdraws the request and finds what listens there now, at once, not at its deadline.
     */
    @Test
    void aConnectAfterTheListenerWasReplacedFindsTheNewOne() throws Exception {
        for (int round = 0; round < 3; round++) {
            SocketCore[] p = connectedPair(STREAM, 7060); // b remembers this listener (closed by the pair)
            p[0].close();
            p[1].close();
            SocketCore spacer = round == 1 ? a.open(STREAM) : null; // round 1: the new listener at another index
            SocketCore listener = LayerPairs.listener(a, STREAM, 7060, 4, LayerPairs.Setup.NONE);
            SocketCore client = b.open(STREAM);
            long t0 = System.nanoTime();
            if (round == 2) { // the non-blocking connect takes the same path
                boolean done = client.client().connectNow(7060);
                while (!done) {
                    done = client.client().finishConnect();
                }
            } else {
                client.client().connect(7060, 5 * SECOND);
            }
            assertTrue(System.nanoTime() - t0 < SECOND, "round " + round + ": connected at once, not at a deadline");
            SocketCore server = listener.accept(5 * SECOND);
            assertNotNull(server);
            assertEquals(listener.index, b.connectWords.listenerSeen(7060).index(), "the new listener is remembered");
            client.sending().send(ByteBuffer.wrap(new byte[] {42}), true);
            ByteBuffer one = ByteBuffer.allocate(1);
            assertEquals(1, server.receiving().receive(one, true));
            assertEquals(42, one.get(0));
            client.close();
            server.close();
            listener.close();
            if (spacer != null) {
                spacer.close();
            }
        }
        // the remembered listener gone, and nothing in its place: refused at once
        SocketCore[] p = connectedPair(STREAM, 7061);
        p[0].close();
        p[1].close();
        SocketCore client = b.open(STREAM);
        long t0 = System.nanoTime();
        ConnectException gone = assertThrows(ConnectException.class, () -> client.client().connect(7061, 5 * SECOND));
        assertTrue(gone.getMessage().contains("nothing listens on port 7061"), gone.getMessage());
        assertTrue(System.nanoTime() - t0 < SECOND);
        // replaced by one that asks for a key this client lacks: its terms decide, not the old one's
        SocketCore keyed = LayerPairs.listener(a, STREAM, 7061, 4, s -> s.options().authenticationKey(new byte[16]));
        ConnectException terms = assertThrows(ConnectException.class, () -> client.client().connect(7061, 5 * SECOND));
        assertTrue(terms.getMessage().contains("requires authentication"), terms.getMessage());
        keyed.close();
        client.close();
    }

    @Test
    void connectErrors() throws Exception {
        SocketCore c = b.open(STREAM);
        long t0 = System.nanoTime();
        assertThrows(ConnectException.class, () -> c.client().connect(9999, 5 * SECOND));
        assertTrue(System.nanoTime() - t0 < SECOND);

        SocketCore listener = a.open(STREAM);
        listener.bind(9000);
        listener.listen(1);
        SocketTimeoutException te = assertThrows(SocketTimeoutException.class, () -> listener.accept(50_000_000));
        assertNotNull(te.getMessage());
        SocketCore first = b.open(STREAM);
        first.client().connect(9000, 5 * SECOND);
        SocketCore second = b.open(STREAM);
        ConnectException refused = assertThrows(ConnectException.class, () -> second.client().connect(9000, 5 * SECOND));
        assertTrue(refused.getMessage().contains("backlog"), refused.getMessage());
        assertNotNull(listener.accept(SECOND));
        second.client().connect(9000, 5 * SECOND);
    }

    @Test
    void readTimeoutAndDeadPeer() throws Exception {
        SocketCore[] p = connectedPair(STREAM, 7003);
        p[1].options().receiveTimeout(100);
        assertThrows(SocketTimeoutException.class, () -> p[1].receiving().receive(ByteBuffer.allocate(10), true));
        Future<Integer> blocked = pool.submit(() -> p[1].receiving().receive(ByteBuffer.allocate(10), true));
        p[1].options().receiveTimeout(0);
        nodeB.die();
        java.util.concurrent.ExecutionException ee = assertThrows(java.util.concurrent.ExecutionException.class,
                () -> blocked.get(5, TimeUnit.SECONDS));
        assertTrue(ee.getCause() instanceof SocketException || ee.getCause() instanceof SocketTimeoutException, ee.toString());
        SocketException reset = assertThrows(SocketException.class, () -> p[1].receiving().receive(ByteBuffer.allocate(10), true));
        assertTrue(reset.getMessage().contains("reset"), reset.getMessage());
    }

    @Test
    void aRecycledBlockStartsWithCleanLiveWords() throws Exception {
        // the first connection ends both ways (flags set), then its blocks are reused
        SocketCore[] first = connectedPair(STREAM, 7200);
        first[0].close();
        first[1].close();
        a.tick();
        b.tick();
        SocketCore[] second = connectedPair(STREAM, 7200);
        assertEquals(first[1].index, second[1].index, "the server block is recycled");
        byte[] data = new byte[1 << 20];
        Future<byte[]> got = pool.submit(() -> readAll(second[1]));
        second[0].sending().send(ByteBuffer.wrap(data), true);
        second[0].shutdownOutput();
        assertEquals(data.length, got.get(10, TimeUnit.SECONDS).length);
    }

    @Test
    void closedSocketsAreReleased() throws Exception {
        for (int i = 0; i < 200; i++) {
            SocketCore[] p = connectedPair(STREAM, 7100);
            p[0].sending().send(ByteBuffer.wrap(new byte[1000]), true);
            p[0].close();
            ByteBuffer buf = ByteBuffer.allocate(2000);
            int total = 0;
            for (int n; (n = p[1].receiving().receive(buf.clear(), true)) >= 0; ) {
                total += n;
            }
            assertEquals(1000, total);
            p[1].close();
            a.tick();
            b.tick();
        }
        a.tick();
        b.tick();
        int[] busy = {0};
        new ControlBlockTable(new BareNode(medium, a.geometry, 2, BareNode.registry()))
                .scanPartition(0, (s, i, h) -> busy[0]++);
        assertEquals(0, busy[0], "blocks still in use on node 0");
        assertEquals(a.geometry.arenaSize(), a.blocks.arena.freeBytes());
        assertEquals(b.geometry.arenaSize(), b.blocks.arena.freeBytes());
    }
}
