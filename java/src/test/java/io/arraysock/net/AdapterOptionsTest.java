package io.arraysock.net;

import io.arraysock.ArraySocket;
import io.arraysock.api.SocketType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The socket options of the three adapters, option by option: what each accepts, what it
 * reads back, where ring sizes and the timeout take effect, and what a closed adapter or a
 * bad value throws (in the JDK's order of checks).
 */
class AdapterOptionsTest {
    private static final long WAIT_SECONDS = 20;
    @RegisterExtension
    static final ShmArray array = ShmArray.perClass();

    private static ArrayBackedSocket[] connect(ArrayBackedServerSocket ss, ArrayBackedSocket client) throws Exception {
        CompletableFuture<Socket> accepted = CompletableFuture.supplyAsync(() -> {
            try {
                return ss.accept();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        client.connect(new InetSocketAddress("127.0.0.1", ss.getLocalPort()));
        return new ArrayBackedSocket[] {client, (ArrayBackedSocket) accepted.get(WAIT_SECONDS, TimeUnit.SECONDS)};
    }

    private static ArrayBackedServerSocket server() throws IOException {
        return (ArrayBackedServerSocket) new ArrayServerSocketFactory(array.path).createServerSocket(0);
    }

    private static ArrayBackedSocket client() throws IOException {
        return (ArrayBackedSocket) new ArraySocketFactory(array.path).createSocket();
    }

    @Test
    void aSocketRemembersTheOptionsThatMeanNothingOnTheArray() throws IOException {
        ArrayBackedSocket s = client();
        assertEquals(Set.of(StandardSocketOptions.SO_SNDBUF, StandardSocketOptions.SO_RCVBUF,
                StandardSocketOptions.TCP_NODELAY, StandardSocketOptions.SO_KEEPALIVE, StandardSocketOptions.SO_LINGER,
                StandardSocketOptions.SO_REUSEADDR, StandardSocketOptions.IP_TOS), s.supportedOptions());
        assertFalse(s.getTcpNoDelay());
        assertFalse(s.getKeepAlive());
        assertFalse(s.getReuseAddress());
        assertFalse(s.getOOBInline());
        assertEquals(-1, s.getSoLinger());
        assertEquals(0, s.getTrafficClass());
        assertEquals(0, s.getSoTimeout());
        assertEquals(RingSizes.DEFAULT, s.getSendBufferSize());
        assertEquals(RingSizes.DEFAULT, s.getReceiveBufferSize());

        s.setTcpNoDelay(true);
        s.setKeepAlive(true);
        s.setReuseAddress(true);
        s.setOOBInline(true);
        s.setSoLinger(true, 70000);
        s.setTrafficClass(0x10);
        assertTrue(s.getTcpNoDelay());
        assertTrue(s.getKeepAlive());
        assertTrue(s.getReuseAddress());
        assertTrue(s.getOOBInline());
        assertEquals(65535, s.getSoLinger(), "capped as the JDK caps it");
        assertEquals(0x10, s.getTrafficClass());
        s.setSoLinger(false, 5);
        assertEquals(-1, s.getSoLinger());

        s.setOption(StandardSocketOptions.SO_LINGER, 7);
        assertEquals(7, s.getOption(StandardSocketOptions.SO_LINGER));
        s.setOption(StandardSocketOptions.SO_LINGER, -1);
        assertEquals(-1, s.getOption(StandardSocketOptions.SO_LINGER));
        s.setOption(StandardSocketOptions.TCP_NODELAY, false);
        assertFalse(s.getOption(StandardSocketOptions.TCP_NODELAY));
        s.setOption(StandardSocketOptions.SO_KEEPALIVE, false);
        assertFalse(s.getOption(StandardSocketOptions.SO_KEEPALIVE));
        s.setOption(StandardSocketOptions.SO_REUSEADDR, false);
        assertFalse(s.getOption(StandardSocketOptions.SO_REUSEADDR));
        s.setOption(StandardSocketOptions.IP_TOS, 3);
        assertEquals(3, s.getOption(StandardSocketOptions.IP_TOS));
        assertSame(s, s.setOption(StandardSocketOptions.SO_SNDBUF, 1 << 18));
        assertEquals(1 << 18, s.getOption(StandardSocketOptions.SO_SNDBUF));
        s.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 17);
        assertEquals(1 << 17, s.getOption(StandardSocketOptions.SO_RCVBUF));
        s.setOption(StandardSocketOptions.SO_RCVBUF, Integer.MAX_VALUE);
        assertEquals(RingSizes.MAX, s.getReceiveBufferSize(), "rounded down into the ring limits");

        assertThrows(UnsupportedOperationException.class, () -> s.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 1));
        assertThrows(UnsupportedOperationException.class, () -> s.getOption(StandardSocketOptions.IP_MULTICAST_LOOP));
        assertThrows(IllegalArgumentException.class, () -> s.setSoLinger(true, -1));
        assertThrows(IllegalArgumentException.class, () -> s.setTrafficClass(256));
        assertThrows(IllegalArgumentException.class, () -> s.setSoTimeout(-1));
        assertThrows(IllegalArgumentException.class, () -> s.setSendBufferSize(0));
        assertThrows(IllegalArgumentException.class, () -> s.setReceiveBufferSize(-5));
        s.close();
    }

    @Test
    void aClosedSocketRefusesEveryOptionButChecksArgumentsFirstWhereTheJdkDoes() throws IOException {
        ArrayBackedSocket s = client();
        s.close();
        assertThrows(SocketException.class, () -> s.setTcpNoDelay(true));
        assertThrows(SocketException.class, s::getTcpNoDelay);
        assertThrows(SocketException.class, () -> s.setKeepAlive(true));
        assertThrows(SocketException.class, s::getKeepAlive);
        assertThrows(SocketException.class, () -> s.setReuseAddress(true));
        assertThrows(SocketException.class, s::getReuseAddress);
        assertThrows(SocketException.class, () -> s.setOOBInline(true));
        assertThrows(SocketException.class, s::getOOBInline);
        assertThrows(SocketException.class, s::getSoLinger);
        assertThrows(SocketException.class, () -> s.setSoLinger(true, -1), "closed is checked before the value");
        assertThrows(IllegalArgumentException.class, () -> s.setTrafficClass(-1), "the value is checked before closed");
        assertThrows(SocketException.class, () -> s.setTrafficClass(1));
        assertThrows(SocketException.class, s::getTrafficClass);
        assertThrows(IllegalArgumentException.class, () -> s.setSoTimeout(-1), "the value is checked before closed");
        assertThrows(SocketException.class, () -> s.setSoTimeout(1));
        assertThrows(SocketException.class, s::getSoTimeout);
        assertThrows(SocketException.class, () -> s.setSendBufferSize(0), "closed is checked before the value");
        assertThrows(SocketException.class, s::getSendBufferSize);
        assertThrows(SocketException.class, () -> s.setReceiveBufferSize(4096));
        assertThrows(SocketException.class, s::getReceiveBufferSize);
        assertThrows(SocketException.class, () -> s.setOption(StandardSocketOptions.SO_KEEPALIVE, true));
        assertThrows(SocketException.class, () -> s.getOption(StandardSocketOptions.IP_TOS));
        assertThrows(UnsupportedOperationException.class, () -> s.getOption(StandardSocketOptions.IP_MULTICAST_IF),
                "an unknown option is refused before closed is checked");
    }

    @Test
    void ringSizesAndTheTimeoutSetBeforeConnectReachTheArraySocket() throws Exception {
        try (ArrayBackedServerSocket ss = server()) {
            ArrayBackedSocket c = client();
            c.setSendBufferSize(1 << 19);
            c.setReceiveBufferSize(1 << 20);
            c.setSoTimeout(1234);
            assertEquals(1 << 19, c.getSendBufferSize());
            assertEquals(1 << 20, c.getReceiveBufferSize());
            ArrayBackedSocket[] p = connect(ss, c);
            assertEquals(1 << 19, c.arraySocket().sendBufferSize(), "the ring this side writes into");
            assertEquals(1 << 20, c.arraySocket().receiveBufferSize(), "the ring the peer writes into, as asked");
            assertEquals(1 << 20, p[1].getSendBufferSize());
            assertEquals(Duration.ofMillis(1234), c.arraySocket().receiveTimeout());
            c.setSoTimeout(50);
            assertEquals(Duration.ofMillis(50), c.arraySocket().receiveTimeout(), "and a later timeout too");
            c.setSendBufferSize(1 << 16);
            assertEquals(1 << 19, c.getSendBufferSize(), "once connected the size is the ring's");
            assertThrows(java.net.SocketTimeoutException.class, () -> c.getInputStream().read());
            p[0].close();
            p[1].close();
        }
    }

    @ParameterizedTest(name = "SO_RCVBUF set {0} bind")
    @ValueSource(strings = {"before", "after"})
    void anAcceptedSocketStartsWithTheListenersTimeoutAndTheListenersRingSize(String when) throws Exception {
        ArrayBackedServerSocket unbound = (ArrayBackedServerSocket) new ArrayServerSocketFactory(array.path).createServerSocket();
        try (ArrayBackedServerSocket ss = unbound) {
            if (when.equals("before")) {
                ss.setReceiveBufferSize(1 << 19);
                ss.bind(null);
            } else {
                ss.bind(null);
                ss.setReceiveBufferSize(1 << 19);
            }
            ArrayBackedSocket[] p = connect(ss, client());
            ArrayBackedSocket accepted = p[1];
            assertEquals(1 << 19, accepted.getSendBufferSize(), "the listener's SO_RCVBUF sizes the rings it writes into");
            assertEquals(1 << 19, p[0].getReceiveBufferSize());
            assertEquals((int) accepted.arraySocket().receiveTimeout().toMillis(), accepted.getSoTimeout());
            p[0].close();
            p[1].close();
        }
    }

    @Test
    void aServerSocketTakesTheReceiveBufferAndReuseAddress() throws Exception {
        ArrayBackedServerSocket ss = server();
        assertEquals(Set.of(StandardSocketOptions.SO_RCVBUF, StandardSocketOptions.SO_REUSEADDR), ss.supportedOptions());
        assertTrue(ss.getReuseAddress(), "on by default, as for JDK server sockets");
        assertEquals(RingSizes.DEFAULT, ss.getReceiveBufferSize());
        assertEquals(0, ss.getSoTimeout());
        ss.setReceiveBufferSize(1);
        assertEquals(RingSizes.MIN, ss.getReceiveBufferSize());
        assertEquals(RingSizes.MIN, ss.getOption(StandardSocketOptions.SO_RCVBUF));
        assertSame(ss, ss.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 18));
        assertEquals(1 << 18, ss.getReceiveBufferSize());
        ss.setOption(StandardSocketOptions.SO_REUSEADDR, false);
        assertFalse(ss.getOption(StandardSocketOptions.SO_REUSEADDR));
        assertThrows(UnsupportedOperationException.class, () -> ss.setOption(StandardSocketOptions.SO_SNDBUF, 4096));
        assertThrows(UnsupportedOperationException.class, () -> ss.getOption(StandardSocketOptions.TCP_NODELAY));
        assertThrows(IllegalArgumentException.class, () -> ss.setSoTimeout(-1));
        ss.setSoTimeout(30);
        assertEquals(30, ss.getSoTimeout());
        assertThrows(java.net.SocketTimeoutException.class, ss::accept);
        ss.close();
        assertThrows(IllegalArgumentException.class, () -> ss.setSoTimeout(-1), "the value is checked before closed");
        assertThrows(SocketException.class, () -> ss.setSoTimeout(1));
        assertThrows(SocketException.class, ss::getSoTimeout);
        assertThrows(SocketException.class, () -> ss.setReceiveBufferSize(4096));
        assertThrows(SocketException.class, ss::getReceiveBufferSize);
        assertThrows(SocketException.class, () -> ss.setReuseAddress(true));
        assertThrows(SocketException.class, ss::getReuseAddress);
        assertThrows(SocketException.class, () -> ss.setOption(StandardSocketOptions.SO_RCVBUF, 4096));
    }

    @Test
    void aChannelSizesItsSocketsRingsAndRemembersTheRest() throws Exception {
        ArraySocket unconnected = array.lease.array().openSocket(SocketType.STREAM);
        try (ArraySocketChannel before = ArraySocketChannel.of(unconnected, array.path)) {
            assertSame(before, before.setOption(StandardSocketOptions.SO_SNDBUF, 1));
            assertEquals(RingSizes.MIN, unconnected.sendBufferSize());
            assertEquals(RingSizes.MIN, before.getOption(StandardSocketOptions.SO_SNDBUF));
            before.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 18);
            assertEquals(1 << 18, unconnected.receiveBufferSize());
            assertEquals(1 << 18, before.getOption(StandardSocketOptions.SO_RCVBUF));
        }
        try (ArrayBackedServerSocket ss = server()) {
            ArrayBackedSocket[] p = connect(ss, client());
            ArraySocketChannel ch = p[0].arrayChannel();
            assertEquals(Set.of(StandardSocketOptions.SO_SNDBUF, StandardSocketOptions.SO_RCVBUF,
                    StandardSocketOptions.TCP_NODELAY, StandardSocketOptions.SO_KEEPALIVE), ch.supportedOptions());
            assertFalse(ch.getOption(StandardSocketOptions.TCP_NODELAY));
            assertFalse(ch.getOption(StandardSocketOptions.SO_KEEPALIVE));
            assertEquals(p[0].arraySocket().sendBufferSize(), ch.getOption(StandardSocketOptions.SO_SNDBUF));
            assertEquals(p[0].arraySocket().receiveBufferSize(), ch.getOption(StandardSocketOptions.SO_RCVBUF));
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            assertTrue(ch.getOption(StandardSocketOptions.TCP_NODELAY));
            assertFalse(p[0].getTcpNoDelay(), "the channel of a socket keeps its own flags");
            ch.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
            assertTrue(ch.getOption(StandardSocketOptions.SO_KEEPALIVE));
            assertThrows(IllegalArgumentException.class, () -> ch.setOption(StandardSocketOptions.SO_SNDBUF, 0));
            assertThrows(UnsupportedOperationException.class, () -> ch.setOption(StandardSocketOptions.SO_LINGER, 1));
            ch.close();
            assertThrows(ClosedChannelException.class, () -> ch.getOption(StandardSocketOptions.TCP_NODELAY));
            assertThrows(ClosedChannelException.class, () -> ch.setOption(StandardSocketOptions.SO_LINGER, 1),
                    "a closed channel is checked before the option");
            p[1].close();
        }
    }

    /** Every supported option reads back on each adapter (a holder that forgot one would throw). */
    @Test
    void everySupportedOptionReadsBack() throws Exception {
        ArrayBackedSocket s = client();
        for (SocketOption<?> o : s.supportedOptions()) {
            assertNotNull(s.getOption(o), o.name());
        }
        s.close();
        try (ArrayBackedServerSocket ss = server()) {
            for (SocketOption<?> o : ss.supportedOptions()) {
                assertNotNull(ss.getOption(o), o.name());
            }
        }
    }
}
