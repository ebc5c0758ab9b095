package io.arraysock;

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

/** The socket calls between two JVMs, on shm and on the loop pair (the child in its own network namespace). */
class CrossProcessSocketTest {
    private static final Duration START = Duration.ofSeconds(30);
    private static final long DUPLEX_BYTES = Long.getLong("arraysock.test.duplexBytes", 1L << 30);

    @ParameterizedTest
    @EnumSource(ArrayFixture.Kind.class)
    void oneGibibyteEachWayAtOnce(ArrayFixture.Kind kind) throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (ArrayFixture f = ArrayFixture.create(kind, ArrayFixture.small());
             StorageArray array = f.attach();
             ArraySocket listener = array.openSocket(SocketType.STREAM);
             ChildJvm child = f.child("duplex", "7000", "2", Long.toString(DUPLEX_BYTES))) {
            listener.setSendBufferSize(1 << 20);
            listener.bind(7000);
            listener.listen(1);
            child.expect("READY", START);
            child.send("GO");
            try (ArraySocket s = listener.accept(Duration.ofSeconds(30))) {
                Future<String> received = pool.submit(() -> SocketPeer.receiveAll(s));
                String sent = SocketPeer.sendSeeded(s, 1, DUPLEX_BYTES);
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
        try (ArrayFixture f = ArrayFixture.create(kind, ArrayFixture.small());
             StorageArray array = f.attach();
             ArraySocket listener = array.openSocket(SocketType.STREAM);
             ChildJvm child = f.child("many", "7001", Integer.toString(connections), Integer.toString(bytes))) {
            listener.setSendBufferSize(64 * 1024);
            listener.bind(7001);
            listener.listen(connections);
            child.expect("READY", START);
            child.send("GO");
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
                        assertEquals(bytes + " " + SocketPeer.expectedSha(id, bytes), SocketPeer.receiveAll(s), "connection " + id);
                        SocketPeer.sendSeeded(s, -id - 1, bytes);
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
        int count = 100_000;
        long seed = 42;
        try (ArrayFixture f = ArrayFixture.create(kind, ArrayFixture.small());
             StorageArray array = f.attach();
             ArraySocket listener = array.openSocket(SocketType.SEQPACKET);
             ChildJvm child = f.child("messages", "7002", Integer.toString(count), Long.toString(seed))) {
            listener.bind(7002);
            listener.listen(1);
            child.expect("READY", START);
            child.send("GO");
            try (ArraySocket s = listener.accept(Duration.ofSeconds(30))) {
                int max = 16384 - 8;
                SplittableRandom sizes = new SplittableRandom(seed);
                ByteBuffer got = ByteBuffer.allocateDirect(max);
                ByteBuffer want = ByteBuffer.allocateDirect(max);
                for (int i = 0; i < count; i++) {
                    int size = 1 + sizes.nextInt(max);
                    int n = s.receiveMessage(got.clear());
                    assertEquals(size, n, "length of message " + i);
                    want.clear().limit(size);
                    SocketPeer.fill(new SplittableRandom(seed ^ i), want);
                    want.limit(size);
                    assertEquals(want, got.flip(), "contents of message " + i);
                }
                assertEquals(-1, s.receiveMessage(got.clear()));
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
            try (ChildJvm child = f.child("bind-race", ports, "500", "200")) {
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
}
