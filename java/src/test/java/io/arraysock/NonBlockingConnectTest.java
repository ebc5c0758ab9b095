package io.arraysock;

import io.arraysock.api.SocketInfo;
import io.arraysock.api.SocketType;
import io.arraysock.testkit.Await;
import io.arraysock.testkit.ShmSegments;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.ConnectException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.ConnectionPendingException;
import java.nio.channels.NoConnectionPendingException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

/** {@link ArraySocket#connectNow}, {@link ArraySocket#finishConnect}: the connect that never waits, on shm. */
class NonBlockingConnectTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    @RegisterExtension
    final ShmSegments segments = new ShmSegments();

    /**
     * The rings of the tests that connect many times (each way): the medium's default (256 KiB
     * on shm, a quarter of the arena) let two answered attempts fill the arena.
     */
    private static final int RING = 16 * 1024;

    private StorageArray array() throws Exception {
        // Room for every attempt's rings at once ({@link #RING} each way): connects answered
        // before their close wait in the backlog with their rings until accepted, as in TCP.
        return StorageArray.attach(segments.format(StorageArrayTest.SMALL.withArenaSize(1 << 20)));
    }

    /** Polls finishConnect until connected; the number of polls that found it pending. */
    private static int finish(ArraySocket s) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        int pendingPolls = 0;
        while (!s.finishConnect()) {
            assertTrue(s.isConnectionPending());
            assertFalse(s.isConnected());
            pendingPolls++;
            assertTrue(System.nanoTime() < deadline, "no answer within " + WAIT);
            Thread.onSpinWait();
        }
        return pendingPolls;
    }

    @Test
    void connectsWithoutWaitingAndCarriesData() throws Exception {
        try (StorageArray a = array(); ArraySocket server = ArrayFixture.listener(a, SocketType.STREAM, 7000, 4);
             ArraySocket client = a.openSocket(SocketType.STREAM)) {
            if (!client.connectNow(7000)) {
                assertTrue(client.isConnectionPending());
                finish(client);
            }
            assertTrue(client.isConnected());
            assertFalse(client.isConnectionPending());
            assertTrue(client.finishConnect(), "connected: finishConnect says so again");
            assertEquals(7000, client.remotePort());
            try (ArraySocket accepted = server.accept(WAIT)) {
                client.send(ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII)));
                ByteBuffer in = ByteBuffer.allocate(5);
                while (in.hasRemaining()) {
                    assertTrue(accepted.receive(in) > 0);
                }
                assertEquals("hello", new String(in.array(), StandardCharsets.US_ASCII));
            }
        }
    }

    @Test
    void nothingListeningRefusesAtOnceAndTheSocketMayTryAgain() throws Exception {
        try (StorageArray a = array(); ArraySocket client = a.openSocket(SocketType.STREAM)) {
            ConnectException e = assertThrows(ConnectException.class, () -> client.connectNow(7001));
            assertTrue(e.getMessage().contains("nothing listens on port 7001"), e.getMessage());
            assertFalse(client.isConnectionPending());
            assertThrows(NoConnectionPendingException.class, client::finishConnect);
            try (ArraySocket server = ArrayFixture.listener(a, SocketType.STREAM, 7001, 4)) {
                if (!client.connectNow(7001)) {
                    finish(client);
                }
                assertTrue(client.isConnected());
            }
        }
    }

    @Test
    void aRefusalArrivesThroughFinishConnectAndRestoresTheSocket() throws Exception {
        byte[] key = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
        byte[] wrong = "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.US_ASCII);
        try (StorageArray a = array(); ArraySocket server = ArrayFixture.listener(a, SocketType.STREAM, 7002, 4, l -> l.setAuthenticationKey(key));
             ArraySocket client = a.openSocket(SocketType.STREAM)) {
            client.setAuthenticationKey(wrong);
            ConnectException e = assertThrows(ConnectException.class, () -> {
                if (!client.connectNow(7002)) {
                    finish(client);
                }
            });
            assertTrue(e.getMessage().contains("authentication failed"), e.getMessage());
            assertFalse(client.isConnectionPending());
            assertFalse(client.isConnected());
            client.setAuthenticationKey(key);
            client.connect(7002, WAIT); // the blocking connect, from the state the refusal left
            assertTrue(client.isConnected());
        }
    }

    @Test
    void aSecondConnectWhilePendingIsRefusedTyped() throws Exception {
        try (StorageArray a = array(); ArraySocket server = ArrayFixture.listener(a, SocketType.STREAM, 7003, 50);
             ArraySocket client = a.openSocket(SocketType.STREAM)) {
            try (var held = a.holdAcceptor()) { // nothing answers: the connect stays pending
                assertFalse(client.connectNow(7003));
                assertTrue(client.isConnectionPending());
                assertThrows(ConnectionPendingException.class, () -> client.connectNow(7003));
                assertThrows(ConnectionPendingException.class, () -> client.connect(7003));
                SocketException late = assertThrows(SocketException.class, () -> client.setPayloadChecksums(true));
                assertEquals("Set payload checksums before connect", late.getMessage());
                assertFalse(client.isConnected());
            }
            finish(client);
            assertTrue(client.isConnected());
            assertFalse(client.isPayloadChecksummed(), "the refused setting was not taken");
        }
    }

    /**
     * A server that aborts an accepted connection before its client saw the answer: the
     * client must not wait out its connect (the answer block was released at once, so it
     * never found one); it connects and sees the stream end, as a client does whose peer
     * closed right after accepting.
     */
    @Test
    void anAcceptedConnectionAbortedBeforeTheClientLookedDoesNotLeaveTheClientWaiting() throws Exception {
        try (StorageArray a = array(); ArraySocket server = ArrayFixture.listener(a, SocketType.STREAM, 7005, 50);
             ArraySocket client = a.openSocket(SocketType.STREAM)) {
            try (var held = a.holdAcceptor()) {
                assertFalse(client.connectNow(7005), "the acceptor is held: the connect is pending");
            }
            server.accept(WAIT).abort(); // answered now; the client has not looked since
            finish(client);
            assertTrue(client.isConnected());
            assertEquals(-1, client.receive(ByteBuffer.allocate(8)), "the aborted peer's stream ends");
        }
    }

    @Test
    void closingAPendingConnectTakesTheRequestBack() throws Exception {
        try (StorageArray a = array(); ArraySocket server = ArrayFixture.listener(a, SocketType.STREAM, 7004, 50, l -> l.setSendBufferSize(RING))) {
            int clientsBefore = a.sockets().size();
            for (int i = 0; i < 10; i++) {
                ArraySocket client = a.openSocket(SocketType.STREAM);
                client.setSendBufferSize(RING);
                client.setReceiveBufferSize(RING);
                client.connectNow(7004);
                client.close();
                assertFalse(client.isConnectionPending());
                assertThrows(SocketException.class, client::finishConnect);
            }
            // Requests the acceptor answered before the close took them back wait in the
            // backlog, as in TCP, until accepted (the acceptor may still be answering: keep
            // accepting); accepted, they end at once, for the peer is gone.
            Await.until(WAIT, () -> {
                for (ArraySocket s; (s = server.acceptNow()) != null; ) {
                    s.close();
                }
                return a.sockets().stream().noneMatch(NonBlockingConnectTest::connecting)
                        && a.sockets().size() <= clientsBefore;
            }, () -> "left over: " + safeSockets(a));
        }
    }

    private static boolean connecting(SocketInfo s) {
        return s.state().equals("CONNECTING");
    }

    private static String safeSockets(StorageArray a) {
        try {
            return a.sockets().toString();
        } catch (Exception e) {
            return e.toString();
        }
    }
}
