package io.arraysock;

import io.arraysock.api.SocketInfo;
import io.arraysock.api.SocketType;
import io.arraysock.testkit.ChildJvm;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** The socket calls between two JVMs, on shm and on each block pair (the child in its own network namespace). */
class CrossProcessSocketTest {
    private static final Duration START = Duration.ofSeconds(30);
    private static final long DUPLEX_BYTES = Long.getLong("arraysock.test.duplexBytes", 1L << 30);

    @ParameterizedTest
    @EnumSource(ArrayFixture.Kind.class)
    void oneGibibyteEachWayAtOnce(ArrayFixture.Kind kind) throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (ArrayFixture f = ArrayFixture.create(kind, ArrayFixture.small());
             StorageArray array = f.attach();
             ArraySocket listener = ArrayFixture.listener(array, SocketType.STREAM, 7000, 1, l -> l.setSendBufferSize(1 << 20));
             ChildJvm child = f.peer(new DuplexPeer(7000, 2, DUPLEX_BYTES))) {
            ArrayFixture.go(child, START);
            try (ArraySocket s = listener.accept(Duration.ofSeconds(30))) {
                Future<String> received = pool.submit(() -> SeededStreams.receiveAll(s));
                String sent = SeededStreams.sendSeeded(s, 1, DUPLEX_BYTES);
                Duration t = Duration.ofMinutes(5);
                assertEquals(child.expect("SENT", t), received.get(5, TimeUnit.MINUTES).split(" ")[1], child.describe());
                assertEquals(DUPLEX_BYTES + " " + sent, child.expect("RECEIVED", t), child.describe());
                assertEquals(Long.toString(DUPLEX_BYTES), received.get().split(" ")[0]);
            }
            child.expect("DONE", START);
        } finally {
            pool.shutdownNow();
        }
    }

    @ParameterizedTest
    @EnumSource(ArrayFixture.Kind.class)
    void sixtyFourConcurrentConnections(ArrayFixture.Kind kind) throws Exception {
        int connections = 64;
        int bytes = 256 * 1024;
        ExecutorService pool = Executors.newFixedThreadPool(connections);
        // NBD through FUSE on a loaded 2-core VM: 128 streams' I/O delayed a heartbeat past 2 s
        // (the node then fenced itself, as it must); this test is about the connections
        FormatOptions options = kind == ArrayFixture.Kind.NBD_PAIR
                ? ArrayFixture.small().withLivenessTimeoutMs(6000) : ArrayFixture.small();
        try (ArrayFixture f = ArrayFixture.create(kind, options);
             StorageArray array = f.attach();
             ArraySocket listener = ArrayFixture.listener(array, SocketType.STREAM, 7001, connections, l -> l.setSendBufferSize(64 * 1024));
             ChildJvm child = f.peer(new ManyConnectionsPeer(7001, connections, bytes))) {
            ArrayFixture.go(child, START);
            List<Future<Integer>> served = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                ArraySocket s = listener.accept(Duration.ofSeconds(60));
                served.add(pool.submit(() -> {
                    try (s) {
                        ByteBuffer head = ByteBuffer.allocate(4);
                        while (head.hasRemaining()) {
                            assertTrue(s.receive(head) > 0);
                        }
                        int id = head.getInt(0);
                        assertEquals(bytes + " " + SeededStreams.expectedSha(id, bytes), SeededStreams.receiveAll(s), "connection " + id);
                        SeededStreams.sendSeeded(s, -id - 1, bytes);
                        return id;
                    }
                }));
            }
            Set<Integer> ids = new HashSet<>();
            for (Future<Integer> r : served) {
                ids.add(r.get(2, TimeUnit.MINUTES));
            }
            assertEquals(connections, ids.size());
            assertEquals(Integer.toString(connections), child.expect("VERIFIED", Duration.ofMinutes(2)), child.describe());
        } finally {
            pool.shutdownNow();
        }
    }

    @ParameterizedTest
    @EnumSource(ArrayFixture.Kind.class)
    void seqpacketKeepsEveryBoundary(ArrayFixture.Kind kind) throws Exception {
        // block: every message of up to a ring's size is a device write; 10,000 random sizes still cover every boundary
        int count = kind.isBlock() ? kind.rounds(10_000) : 100_000;
        long seed = 42;
        try (ArrayFixture f = ArrayFixture.create(kind, ArrayFixture.small());
             StorageArray array = f.attach();
             ArraySocket listener = ArrayFixture.listener(array, SocketType.SEQPACKET, 7002, 1);
             ChildJvm child = f.peer(new MessagesPeer(7002, count, seed))) {
            ArrayFixture.go(child, START);
            try (ArraySocket s = listener.accept(Duration.ofSeconds(30))) {
                // the child's ring less a frame header (shm, 8), or a chunk header and a message length (block, 40 + 4): FORMAT.md
                int max = MessagesPeer.RING - (kind.isBlock() ? 40 + 4 : 8);
                MessagesPeer.receiveAndCheck(s, count, seed, max);
                assertEquals(Integer.toString(max), child.expect("MAX", START));
            }
            assertEquals("-1", child.expect("END", START), child.describe());
        }
    }

    @ParameterizedTest
    @EnumSource(ArrayFixture.Kind.class)
    void bindRacesNeverMakeTwoHolders(ArrayFixture.Kind kind) throws Exception {
        try (ArrayFixture f = ArrayFixture.create(kind, ArrayFixture.small());
             StorageArray array = f.attach()) {
            String ports = "5000,5001,5002";
            try (ChildJvm child = f.peer(new BindRacePeer(ports, 500, 200))) {
                child.expect("READY", START);
                child.send("GO");
                String mine = BindRace.run(array, ports, 500, 200);
                String theirs = child.expect("WON", Duration.ofMinutes(3));
                assertFalse(mine.contains("TWO-HOLDERS"), mine);
                int won = Integer.parseInt(mine.split(" ")[0]) + Integer.parseInt(theirs.split(" ")[0]);
                assertTrue(won >= 3, "someone must win: " + mine + " / " + theirs);
                child.expect("DONE", START);
                assertEquals(0, child.waitFor(START), child.describe());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ArrayFixture.Kind.class)
    void ephemeralBindsAreDistinctAndReleased(ArrayFixture.Kind kind) throws Exception {
        int count = 1000;
        try (ArrayFixture f = ArrayFixture.create(kind, ArrayFixture.small().withSocketsPerNode(1100));
             StorageArray array = f.attach();
             ChildJvm child = f.peer(new EphemeralPortsPeer(count))) {
            child.expect("READY", START);
            child.send("GO");
            List<ArraySocket> mine = new ArrayList<>();
            Set<Integer> ports = new HashSet<>();
            for (int i = 0; i < count; i++) {
                ArraySocket s = array.openSocket(SocketType.STREAM);
                s.bind(0);
                assertTrue(s.localPort() >= 49152, "ephemeral port " + s.localPort());
                assertTrue(ports.add(s.localPort()), "port " + s.localPort() + " handed out twice here");
                mine.add(s);
            }
            for (String p : child.expect("PORTS", Duration.ofMinutes(3)).split(",")) {
                assertTrue(ports.add(Integer.parseInt(p)), "port " + p + " held by both processes");
            }
            assertEquals(2 * count, ports.size());
            assertEquals(2 * count, array.sockets().stream().filter(i -> i.state().equals("BOUND")).count());
            child.send("CLOSE");
            child.expect("CLOSED", START);
            mine.forEach(ArraySocket::close);
            assertEquals(List.of(), array.sockets(), "every block is free again");
            child.expect("DONE", START);
        }
    }

    @ParameterizedTest
    @EnumSource(ArrayFixture.Kind.class)
    void refusalsAndTimeouts(ArrayFixture.Kind kind) throws Exception {
        againstAListeningChild(kind, 7003, array -> {
            try (ArraySocket nowhere = array.openSocket(SocketType.STREAM)) {
                long t0 = System.nanoTime();
                ConnectException e = assertThrows(ConnectException.class, () -> nowhere.connect(7999, Duration.ofSeconds(5)));
                assertTrue(System.nanoTime() - t0 < 1_000_000_000L, "refused within 1 s");
                assertTrue(e.getMessage().contains("refused"), e.getMessage());
            }
            try (ArraySocket first = array.openSocket(SocketType.STREAM);
                 ArraySocket second = array.openSocket(SocketType.STREAM);
                 ArraySocket listener = array.openSocket(SocketType.STREAM)) {
                first.connect(7003, Duration.ofSeconds(10));
                ConnectException full = assertThrows(ConnectException.class, () -> second.connect(7003, Duration.ofSeconds(10)));
                assertTrue(full.getMessage().contains("backlog"), full.getMessage());
                first.setReceiveTimeout(Duration.ofMillis(200));
                long t0 = System.nanoTime();
                assertThrows(SocketTimeoutException.class, () -> first.receive(ByteBuffer.allocate(1)));
                assertTrue(System.nanoTime() - t0 >= 190_000_000L);
                listener.bind(0);
                listener.listen(1);
                assertThrows(SocketTimeoutException.class, () -> listener.accept(Duration.ofMillis(100)));
                assertNull(listener.acceptNow());
            }
        });
    }

    @ParameterizedTest
    @EnumSource(ArrayFixture.Kind.class)
    void aNonBlockingConnectIsAnsweredOrRefusedByTheOtherProcess(ArrayFixture.Kind kind) throws Exception {
        againstAListeningChild(kind, 7005, array -> {
            try (ArraySocket nowhere = array.openSocket(SocketType.STREAM);
                 ArraySocket first = array.openSocket(SocketType.STREAM);
                 ArraySocket second = array.openSocket(SocketType.STREAM)) {
                ConnectException e = assertThrows(ConnectException.class, () -> connectWithoutWaiting(nowhere, 7999));
                assertTrue(e.getMessage().contains("refused"), e.getMessage());
                assertFalse(nowhere.isConnectionPending());
                connectWithoutWaiting(first, 7005); // the child's acceptor answers; its backlog (1) then holds it
                assertTrue(first.isConnected());
                assertFalse(first.isConnectionPending());
                ConnectException full = assertThrows(ConnectException.class, () -> connectWithoutWaiting(second, 7005));
                assertTrue(full.getMessage().contains("backlog"), full.getMessage());
                assertFalse(second.isConnected());
                assertFalse(second.isConnectionPending());
            }
        });
    }

    /** What a test does on an array where a child JVM listens and never accepts. */
    private interface AgainstListener {
        void run(StorageArray array) throws Exception;
    }

    /** {@code test} on a fresh array of {@code kind} where a child listens on {@code port} with a backlog of 1. */
    private static void againstAListeningChild(ArrayFixture.Kind kind, int port, AgainstListener test) throws Exception {
        try (ArrayFixture f = ArrayFixture.create(kind, ArrayFixture.small());
             StorageArray array = f.attach();
             ChildJvm child = f.listeningPeer(port, 1, START)) {
            test.run(array);
            child.send("EXIT");
            child.expect("DONE", START);
        }
    }

    /** connectNow, then finishConnect polls (no other wait) until connected or refused. */
    private static void connectWithoutWaiting(ArraySocket s, int port) throws Exception {
        long deadline = System.nanoTime() + START.toNanos();
        boolean connected = s.connectNow(port);
        while (!connected) {
            assertTrue(s.isConnectionPending());
            assertTrue(System.nanoTime() < deadline, "no answer within " + START);
            Thread.sleep(1);
            connected = s.finishConnect();
        }
    }

    @ParameterizedTest
    @EnumSource(ArrayFixture.Kind.class)
    void connectTransferCloseCyclesLeaveNothingBehind(ArrayFixture.Kind kind) throws Exception {
        int cycles = kind.rounds(Integer.getInteger("arraysock.test.cycles", 10_000));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (ArrayFixture f = ArrayFixture.create(kind, ArrayFixture.small());
             StorageArray array = f.attach();
             ChildJvm child = f.peer(new CyclesPeer(7004, cycles))) {
            ArraySocket listener = array.openSocket(SocketType.STREAM);
            listener.setSendBufferSize(4096);
            listener.bind(7004);
            listener.listen(16);
            Future<Integer> echo = pool.submit(() -> {
                ByteBuffer buf = ByteBuffer.allocateDirect(2048);
                for (int i = 0; i < cycles; i++) {
                    try (ArraySocket s = listener.accept(Duration.ofSeconds(60))) {
                        buf.clear();
                        while (s.receive(buf) >= 0) {
                            // until the client ends its stream
                        }
                        assertEquals(1024, buf.position(), "cycle " + i);
                        s.send(buf.flip());
                    }
                }
                return cycles;
            });
            child.expect("READY", START);
            child.send("GO");
            assertEquals(Integer.toString(cycles), child.expect("CYCLES", Duration.ofMinutes(8)), child.describe());
            assertEquals(cycles, echo.get(1, TimeUnit.MINUTES));
            long deadline = System.nanoTime() + 5_000_000_000L;
            List<SocketInfo> left;
            do {
                Thread.sleep(50);
                left = array.sockets();
            } while (left.size() > 1 && System.nanoTime() < deadline);
            assertEquals(1, left.size(), "only the listener is left: " + left);
            assertEquals("LISTENING", left.get(0).state());
            listener.close();
            assertEquals(List.of(), array.sockets());
            child.send("EXIT");
            child.expect("DONE", START);
        } finally {
            pool.shutdownNow();
        }
    }

    @ParameterizedTest
    @EnumSource(ArrayFixture.Kind.class)
    void aKeyedListenerTakesOnlyClientsThatProveTheKey(ArrayFixture.Kind kind) throws Exception {
        byte[] right = java.util.HexFormat.of().parseHex("00112233445566778899aabbccddeeff0011223344556677");
        byte[] wrong = java.util.HexFormat.of().parseHex("ffeeddccbbaa99887766554433221100ffeeddccbbaa9988");
        try (ArrayFixture f = ArrayFixture.create(kind, ArrayFixture.small());
             StorageArray array = f.attach();
             ArraySocket listener = ArrayFixture.listener(array, SocketType.STREAM, 7005, 4, l -> l.setAuthenticationKey(right));
             ChildJvm child = f.peer(new AuthConnectsPeer(7005, wrong, right))) {
            child.expect("READY", START);
            String none = child.expect("AUTH", START);
            assertTrue(none.startsWith("refused") && none.contains("requires authentication"), none);
            String bad = child.expect("AUTH", START);
            assertTrue(bad.startsWith("refused") && bad.contains("authentication failed"), bad);
            assertEquals("connected", child.expect("AUTH", START));
            try (ArraySocket s = listener.accept(Duration.ofSeconds(10))) {
                ByteBuffer one = ByteBuffer.allocate(1);
                assertEquals(1, s.receive(one));
                assertEquals(42, one.get(0));
            }
            assertNull(listener.acceptNow(), "the refused clients never reached accept");
            child.expect("DONE", START);
            assertFalse(mediumContains(f.parentPath, array.geometry().requiredSize(), right),
                    "the key itself never touches the medium");
        }
    }

    /** Whether {@code needle}'s first 8 bytes appear anywhere in the first {@code length} bytes of the medium. */
    private static boolean mediumContains(String path, long length, byte[] needle) throws Exception {
        byte[] probe = java.util.Arrays.copyOf(needle, 8);
        try (io.arraysock.medium.Medium m = io.arraysock.medium.Media.open(path)) {
            byte[] chunk = new byte[1 << 20];
            for (long at = 0; at < length; at += chunk.length - probe.length) {
                int n = (int) Math.min(chunk.length, length - at);
                m.readAcquire(at, chunk, 0, n);
                for (int i = 0; i + probe.length <= n; i++) {
                    if (chunk[i] == probe[0] && java.util.Arrays.equals(chunk, i, i + probe.length, probe, 0, probe.length)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
