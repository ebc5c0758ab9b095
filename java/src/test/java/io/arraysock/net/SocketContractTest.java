package io.arraysock.net;

import io.arraysock.testkit.BlockedCall;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import javax.net.ServerSocketFactory;
import javax.net.SocketFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * java.net.Socket's contract, observed the same on a JDK TCP socket (loopback) and on an
 * array socket made by the socket factories: each test runs against both and requires the
 * same behaviour.
 */
class SocketContractTest {
    /** Long enough for a loaded 2-core machine; no test asserts a duration. */
    private static final long WAIT_SECONDS = 20;

    enum Kind { TCP, ARRAY }

    @RegisterExtension
    static final ShmArray array = ShmArray.perClass();

    private static SocketFactory clients(Kind k) {
        return k == Kind.TCP ? SocketFactory.getDefault() : new ArraySocketFactory(array.path);
    }

    private static ServerSocketFactory servers(Kind k) {
        return k == Kind.TCP ? ServerSocketFactory.getDefault() : new ArrayServerSocketFactory(array.path);
    }

    /** A connected pair: [0] the client, [1] the accepted server side. */
    private static Socket[] pair(Kind k) throws Exception {
        try (ServerSocket ss = servers(k).createServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Socket> accepted = CompletableFuture.supplyAsync(() -> {
                try {
                    return ss.accept();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            Socket c = clients(k).createSocket("127.0.0.1", ss.getLocalPort());
            return new Socket[] {c, accepted.get(WAIT_SECONDS, TimeUnit.SECONDS)};
        }
    }

    /** A port where nothing listens: a listener's, closed again. */
    private static int closedPort(Kind k) throws IOException {
        try (ServerSocket ss = servers(k).createServerSocket(0)) {
            return ss.getLocalPort();
        }
    }

    /** {@code test} on a fresh connected pair of {@code k}'s sockets, both closed after it. */
    private static void withPair(Kind k, ConnectedPairs.PairTest<Socket> test) throws Exception {
        ConnectedPairs.with(() -> pair(k), test);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aReadReturnsWhatIsThereWithoutFillingTheBuffer(Kind k) throws Exception {
        withPair(k, p -> {
            p[0].getOutputStream().write(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
            byte[] buf = new byte[100];
            int total = 0;
            while (total < 10) {
                int n = p[1].getInputStream().read(buf, total, buf.length - total);
                assertTrue(n > 0 && n <= 10 - total, "read " + n);
                total += n;
            }
            assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, Arrays.copyOf(buf, 10));
            assertEquals(0, p[1].getInputStream().read(buf, 0, 0), "a zero-length read");
        });
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void endOfStreamAfterThePeerShutsOutputAndAfterItCloses(Kind k) throws Exception {
        withPair(k, p -> {
            p[0].getOutputStream().write(42);
            p[0].shutdownOutput();
            assertTrue(p[0].isOutputShutdown());
            assertThrows(SocketException.class, () -> p[0].getOutputStream().write(1), "write after shutdownOutput");
            InputStream in = p[1].getInputStream();
            assertEquals(42, in.read());
            assertEquals(-1, in.read());
            assertEquals(-1, in.read(new byte[8]), "EOF stays");
            // the other direction still works, then close ends it too
            p[1].getOutputStream().write(7);
            assertEquals(7, p[0].getInputStream().read());
            p[1].close();
            assertEquals(-1, p[0].getInputStream().read());
        });
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void availableCountsWhatAReadWouldReturnAtOnce(Kind k) throws Exception {
        withPair(k, p -> {
            InputStream in = p[1].getInputStream();
            assertEquals(0, in.available());
            p[0].getOutputStream().write(new byte[5]);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
            while (in.available() < 5 && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertEquals(5, in.available());
            assertEquals(5, in.read(new byte[100]));
            assertEquals(0, in.available());
            p[0].getOutputStream().write(new byte[3]);
            p[1].shutdownInput();
            assertEquals(0, in.available(), "after shutdownInput");
            assertEquals(-1, in.read(), "a read after shutdownInput");
            p[1].close();
            assertThrows(SocketException.class, in::available, "available() on a closed socket");
        });
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aReadTimesOutAndTheSocketStaysUsable(Kind k) throws Exception {
        withPair(k, p -> {
            p[1].setSoTimeout(200);
            assertEquals(200, p[1].getSoTimeout());
            InputStream in = p[1].getInputStream();
            assertThrows(SocketTimeoutException.class, in::read);
            p[0].getOutputStream().write(9);
            assertEquals(9, in.read());
            assertFalse(p[1].isClosed());
        });
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void closingAStreamClosesTheSocket(Kind k) throws Exception {
        withPair(k, p -> {
            p[1].getInputStream().close();
            assertTrue(p[1].isClosed());
            assertTrue(p[1].isConnected(), "isConnected stays true after close");
            assertThrows(SocketException.class, p[1]::getOutputStream);
            assertThrows(SocketException.class, p[1]::getInputStream);
            assertEquals(-1, p[0].getInputStream().read(), "the peer sees the end");
            p[0].getOutputStream().close();
            assertTrue(p[0].isClosed());
        });
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void streamsOfAClosedSocketThrow(Kind k) throws Exception {
        Socket[] p = pair(k);
        InputStream in = p[1].getInputStream();
        OutputStream out = p[1].getOutputStream();
        p[1].close();
        p[1].close();
        assertThrows(SocketException.class, in::read);
        assertThrows(SocketException.class, () -> out.write(1));
        assertThrows(SocketException.class, () -> p[1].setSoTimeout(5));
        ConnectedPairs.closeAll(p);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aBlockedReadFailsWhenAnotherThreadClosesTheSocket(Kind k) throws Exception {
        withPair(k, p -> {
            InputStream in = p[1].getInputStream();
            BlockedCall<Integer> read = BlockedCall.start("reader", in::read)
                    .awaitBlockedIn(in, "read", Duration.ofSeconds(WAIT_SECONDS));
            p[1].close();
            ExecutionException e = assertThrows(ExecutionException.class, () -> read.result().get(WAIT_SECONDS, TimeUnit.SECONDS));
            assertInstanceOf(SocketException.class, e.getCause());
        });
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void connectingWhereNothingListensIsRefused(Kind k) throws Exception {
        int port = closedPort(k);
        assertThrows(ConnectException.class, () -> clients(k).createSocket("127.0.0.1", port));
        Socket unconnected = clients(k).createSocket();
        assertFalse(unconnected.isConnected());
        assertThrows(SocketException.class, unconnected::getInputStream);
        unconnected.close();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void acceptTimesOutAndFailsWhenClosedMeanwhile(Kind k) throws Exception {
        try (ServerSocket ss = servers(k).createServerSocket(0)) {
            assertTrue(ss.isBound());
            assertTrue(ss.getLocalPort() > 0);
            ss.setSoTimeout(200);
            assertThrows(SocketTimeoutException.class, ss::accept);
            ss.setSoTimeout(0);
            BlockedCall<Socket> accepted = BlockedCall.start("acceptor", ss::accept)
                    .awaitBlockedIn(ss, "accept", Duration.ofSeconds(WAIT_SECONDS));
            ss.close();
            assertTrue(ss.isClosed());
            ExecutionException e = assertThrows(ExecutionException.class, () -> accepted.result().get(WAIT_SECONDS, TimeUnit.SECONDS));
            assertInstanceOf(SocketException.class, e.getCause());
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void addressesAndOptionsAnswerLikeTcp(Kind k) throws Exception {
        withPair(k, p -> {
            assertTrue(p[0].getLocalPort() > 0, "a connected socket has a local port");
            assertEquals(p[1].getLocalPort(), p[0].getPort());
            assertEquals(p[0].getLocalPort(), p[1].getPort());
            assertNotNull(p[0].getInetAddress());
            assertNotNull(p[0].getRemoteSocketAddress());
            p[0].setTcpNoDelay(true);
            assertTrue(p[0].getTcpNoDelay());
            p[0].setKeepAlive(true);
            assertTrue(p[0].getKeepAlive());
            assertTrue(p[0].getSendBufferSize() > 0);
            assertTrue(p[0].getReceiveBufferSize() > 0);
        });
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aLargeTransferArrivesWhole(Kind k) throws Exception {
        withPair(k, p -> {
            byte[] data = new byte[3 << 20];
            new java.util.Random(7).nextBytes(data);
            CompletableFuture<Void> send = CompletableFuture.runAsync(() -> {
                try (OutputStream out = p[0].getOutputStream()) {
                    out.write(data);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            byte[] got = p[1].getInputStream().readAllBytes();
            send.get(WAIT_SECONDS, TimeUnit.SECONDS);
            assertArrayEquals(data, got);
        });
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aFailedConnectClosesTheSocket(Kind k) throws Exception {
        int port = closedPort(k);
        Socket s = clients(k).createSocket();
        java.net.InetSocketAddress to = new java.net.InetSocketAddress("127.0.0.1", port);
        assertThrows(ConnectException.class, () -> s.connect(to));
        assertFalse(s.isConnected());
        // JDK 17 leaves isClosed() false yet unusable, JDK 20+ closes it; array sockets close it
        SocketException again = assertThrows(SocketException.class, () -> s.connect(to));
        assertTrue(again.getMessage().contains("closed"), again.getMessage());
        s.close();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void writingToAClosedPeerEventuallyFails(Kind k) throws Exception {
        withPair(k, p -> {
            p[1].close();
            OutputStream out = p[0].getOutputStream();
            // TCP learns of the close from the peer's reset after a first write; the array when
            // its ring is full (it does not read the peer's flags on every send): allow either
            IOException failure = null;
            for (int i = 0; i < 400 && failure == null; i++) {
                try {
                    out.write(new byte[16 * 1024]);
                    Thread.sleep(1);
                } catch (IOException e) {
                    failure = e;
                }
            }
            assertInstanceOf(SocketException.class, failure);
        });
    }
}
