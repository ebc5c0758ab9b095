package io.arraysock.net;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** What only array sockets have: array addresses, the address styles, the channel of a socket, ring-size options. */
class ArrayAdaptersTest {
    private static final long WAIT_SECONDS = 20;
    @RegisterExtension
    static final ShmArray array = ShmArray.perClass();

    @Test
    void arrayAddressesParseAndPrint() {
        ArraySocketAddress a = ArraySocketAddress.parse("array:/dev/shm/backup?port=7000");
        assertEquals("/dev/shm/backup", a.arrayPath());
        assertEquals(7000, a.port());
        assertEquals("array:/dev/shm/backup?port=7000", a.toString());
        assertEquals(a, new ArraySocketAddress("/dev/shm/backup", 7000));
        assertEquals(a.hashCode(), new ArraySocketAddress("/dev/shm/backup", 7000).hashCode());
        assertEquals(new ArraySocketAddress("/dev/sdb", 5), ArraySocketAddress.parse("array:/dev/sdb", 5));
        assertThrows(IllegalArgumentException.class, () -> ArraySocketAddress.parse("array:/dev/sdb"));
        assertThrows(IllegalArgumentException.class, () -> ArraySocketAddress.parse("tcp://127.0.0.1:1"));
        assertThrows(IllegalArgumentException.class, () -> ArraySocketAddress.parse("array:/x?port=70000"));
        assertThrows(IllegalArgumentException.class, () -> ArraySocketAddress.parse("array:/x?port=1&color=red"));
    }

    /** The connection {@code ss} accepts next, accepted on another thread. */
    private static CompletableFuture<Socket> accepting(ServerSocket ss) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return ss.accept();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
    }

    private static Socket[] pair(ServerSocket ss, Socket client, java.net.SocketAddress to) throws Exception {
        CompletableFuture<Socket> accepted = accepting(ss);
        client.connect(to);
        return new Socket[] {client, accepted.get(WAIT_SECONDS, TimeUnit.SECONDS)};
    }

    @Test
    void addressesAnswerInTheStyleTheyWereGiven() throws Exception {
        ArraySocketFactory f = new ArraySocketFactory(array.path);
        ArrayServerSocketFactory sf = new ArrayServerSocketFactory(array.path);
        try (ServerSocket ipStyle = sf.createServerSocket(0);
             ArrayBackedServerSocket arrayStyle = sf.createServerSocket(new ArraySocketAddress(array.path, 0), 5)) {
            assertInstanceOf(InetSocketAddress.class, ipStyle.getLocalSocketAddress());
            assertEquals(InetAddress.getLoopbackAddress(), ipStyle.getInetAddress());
            assertEquals(new ArraySocketAddress(array.path, arrayStyle.getLocalPort()), arrayStyle.getLocalSocketAddress());

            Socket[] ip = pair(ipStyle, f.createSocket(), new InetSocketAddress("127.0.0.1", ipStyle.getLocalPort()));
            assertEquals(new InetSocketAddress("127.0.0.1", ipStyle.getLocalPort()), ip[0].getRemoteSocketAddress());
            assertInstanceOf(InetSocketAddress.class, ip[1].getRemoteSocketAddress());
            assertEquals(new ArraySocketAddress(array.path, ipStyle.getLocalPort()), ((ArrayBackedSocket) ip[0]).arrayRemoteAddress());

            Socket[] arr = pair(arrayStyle, f.createSocket(), arrayStyle.arrayLocalAddress());
            assertEquals(arrayStyle.arrayLocalAddress(), arr[0].getRemoteSocketAddress());
            assertEquals(new ArraySocketAddress(array.path, arr[0].getLocalPort()), arr[1].getRemoteSocketAddress());
            assertNull(arr[0].getChannel(), "no SocketChannel: see arrayChannel()");
            for (Socket s : new Socket[] {ip[0], ip[1], arr[0], arr[1]}) {
                s.close();
            }
        }
    }

    @Test
    void aLocalPortAskedOfTheFactoryIsBound() throws Exception {
        try (ServerSocket ss = new ArrayServerSocketFactory(array.path).createServerSocket(0)) {
            CompletableFuture<Socket> accepted = accepting(ss);
            try (Socket c = new ArraySocketFactory(array.path).createSocket("127.0.0.1", ss.getLocalPort(), null, 4242);
                 Socket s = accepted.get(WAIT_SECONDS, TimeUnit.SECONDS)) {
                assertEquals(4242, c.getLocalPort());
                assertEquals(4242, s.getPort());
            }
        }
    }

    @Test
    void aSocketsChannelSharesItsConnection() throws Exception {
        try (ServerSocket ss = new ArrayServerSocketFactory(array.path).createServerSocket(0)) {
            Socket[] p = pair(ss, new ArraySocketFactory(array.path).createSocket(), new InetSocketAddress("127.0.0.1", ss.getLocalPort()));
            ArraySocketChannel ch = ((ArrayBackedSocket) p[0]).arrayChannel();
            assertSame(ch, ((ArrayBackedSocket) p[0]).arrayChannel());
            ch.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            assertEquals(1, p[1].getInputStream().read());
            p[1].getOutputStream().write(9);
            ByteBuffer b = ByteBuffer.allocate(4);
            assertEquals(1, ch.read(b));
            assertEquals(new ArraySocketAddress(array.path, ss.getLocalPort()), ch.getRemoteAddress());
            ch.close();
            assertTrue(p[0].isClosed(), "closing the channel closes the socket");
            p[1].close();
        }
    }

    @Test
    void bufferSizesBecomeRingSizesWithinTheArraysLimits() throws Exception {
        try (ServerSocket ss = new ArrayServerSocketFactory(array.path).createServerSocket(0)) {
            Socket c = new ArraySocketFactory(array.path).createSocket();
            c.setSendBufferSize(1 << 20);
            c.setReceiveBufferSize(1);
            assertEquals(1 << 20, c.getSendBufferSize());
            assertEquals(RingSizes.MIN, c.getReceiveBufferSize(), "rounded up into the ring limits, as an OS would");
            Socket[] p = pair(ss, c, new InetSocketAddress("127.0.0.1", ss.getLocalPort()));
            assertEquals(1 << 20, p[0].getSendBufferSize());
            assertEquals(1 << 20, p[0].getOption(StandardSocketOptions.SO_SNDBUF));
            assertThrows(UnsupportedOperationException.class, () -> p[0].getOption(StandardSocketOptions.IP_MULTICAST_TTL));
            assertThrows(java.net.SocketException.class, () -> p[0].sendUrgentData(1));
            p[0].close();
            p[1].close();
        }
    }

    @Test
    void aChannelOpensByAddressAndBindsLocally() throws Exception {
        try (ServerSocket ss = new ArrayServerSocketFactory(array.path).createServerSocket(0)) {
            CompletableFuture<Socket> accepted = accepting(ss);
            try (ArraySocketChannel ch = ArraySocketChannel.open(new ArraySocketAddress(array.path, ss.getLocalPort()));
                 Socket s = accepted.get(WAIT_SECONDS, TimeUnit.SECONDS)) {
                assertTrue(ch.isConnected());
                assertTrue(ch.isBlocking());
                assertEquals(new ArraySocketAddress(array.path, s.getPort()), ch.getLocalAddress());
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                assertTrue(ch.getOption(StandardSocketOptions.TCP_NODELAY));
                assertThrows(java.nio.channels.AlreadyConnectedException.class, () -> ch.bind(null));
            }
        }
    }
}
