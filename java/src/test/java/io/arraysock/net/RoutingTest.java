package io.arraysock.net;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The connect layer: explicit addresses, and rules moving 127.0.0.1 host:port addresses
 * onto an array with each policy, including the fallbacks when the array is missing or
 * refuses. Only loopback addresses are ever targets.
 */
class RoutingTest {
    private static final long WAIT_SECONDS = 20;
    private static final String MISSING = "/dev/shm/arraysock-net-missing-array";

    @RegisterExtension
    static final ShmArray array = ShmArray.perClass();

    /** Accepts one connection and answers each byte with byte+1 until EOF; returns the server's kind. */
    private static CompletableFuture<Transport> serveOnce(ServerSocket ss) {
        return CompletableFuture.supplyAsync(() -> {
            try (ss; Socket s = ss.accept()) {
                for (int b; (b = s.getInputStream().read()) >= 0; ) {
                    s.getOutputStream().write(b + 1);
                }
                return Transport.of(s);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
    }

    /** One round trip, then close; returns the transport the client got. */
    private static Transport talk(Socket s) throws IOException {
        try (s) {
            s.getOutputStream().write(41);
            assertEquals(42, s.getInputStream().read());
            return Transport.of(s);
        }
    }

    private static ServerSocket tcpServer() throws IOException {
        return new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    private static ServerSocket arrayServer(int port) throws IOException {
        return new ArrayServerSocketFactory(array.path).createServerSocket(port);
    }

    @Test
    void explicitAddressesPickTheirTransport() throws Exception {
        Connector c = Connector.withRules(RoutingRules.none());
        ServerSocket as = c.listen(array.uri(0));
        assertEquals(Transport.ARRAY, Transport.of(as));
        CompletableFuture<Transport> server = serveOnce(as);
        assertEquals(Transport.ARRAY, talk(c.connect(array.uri(as.getLocalPort()))));
        assertEquals(Transport.ARRAY, server.get(WAIT_SECONDS, TimeUnit.SECONDS));

        ServerSocket ts = c.listen("tcp://127.0.0.1:0");
        assertEquals(Transport.TCP, Transport.of(ts));
        CompletableFuture<Transport> tcp = serveOnce(ts);
        assertEquals(Transport.TCP, talk(c.connect("tcp://127.0.0.1:" + ts.getLocalPort())));
        assertEquals(Transport.TCP, tcp.get(WAIT_SECONDS, TimeUnit.SECONDS));

        assertThrows(IllegalArgumentException.class, () -> c.connect("udp://127.0.0.1:1"));
        assertThrows(IllegalArgumentException.class, () -> c.connect("array:/dev/shm/x"));
    }

    @Test
    void arrayOnlyGoesToTheArrayAndFailsWithoutIt() throws Exception {
        ServerSocket as = arrayServer(0);
        int port = as.getLocalPort();
        CompletableFuture<Transport> server = serveOnce(as);
        Connector c = Connector.withRules(RoutingRules.parse(
                "connect 127.0.0.1:" + port + " -> " + array.uri(port) + " array-only\n"
                        + "connect 127.0.0.1:1 -> array:" + MISSING + "?port=1 array-only\n"
                        + "connect 127.0.0.1:2 -> " + array.uri(2) + "\n"));
        assertEquals(Transport.ARRAY, talk(c.connect("tcp://127.0.0.1:" + port)));
        assertEquals(Transport.ARRAY, server.get(WAIT_SECONDS, TimeUnit.SECONDS));
        assertThrows(ArrayUnavailableException.class, () -> c.connect("127.0.0.1", 1), "missing array");
        assertThrows(ConnectException.class, () -> c.connect("127.0.0.1", 2), "array-only is the default; nothing listens");
    }

    @Test
    void preferArrayUsesTheArrayWhenItIsThere() throws Exception {
        ServerSocket as = arrayServer(0);
        int port = as.getLocalPort();
        CompletableFuture<Transport> server = serveOnce(as);
        Connector c = Connector.withRules(RoutingRules.parse("connect 127.0.0.1:* -> array:" + array.path + " prefer-array"));
        assertEquals(Transport.ARRAY, talk(c.connect("127.0.0.1", port)), "the target keeps the matched port");
        assertEquals(Transport.ARRAY, server.get(WAIT_SECONDS, TimeUnit.SECONDS));
    }

    @Test
    void preferArrayFallsBackToTcpWhenTheArrayIsMissing() throws Exception {
        assertFalse(Files.exists(Path.of(MISSING)));
        ServerSocket ts = tcpServer();
        CompletableFuture<Transport> server = serveOnce(ts);
        Connector c = Connector.withRules(RoutingRules.parse("connect 127.0.0.1:" + ts.getLocalPort()
                + " -> array:" + MISSING + "?port=9 prefer-array"));
        assertEquals(Transport.TCP, talk(c.connect("tcp://127.0.0.1:" + ts.getLocalPort())));
        assertEquals(Transport.TCP, server.get(WAIT_SECONDS, TimeUnit.SECONDS));
    }

    @Test
    void preferArrayFallsBackToTcpWhenTheArrayRefuses() throws Exception {
        ServerSocket ts = tcpServer();
        CompletableFuture<Transport> server = serveOnce(ts);
        Connector c = Connector.withRules(RoutingRules.parse("connect 127.0.0.1:" + ts.getLocalPort()
                + " -> " + array.uri(4321) + " prefer-array"));
        assertEquals(Transport.TCP, talk(c.connect("127.0.0.1", ts.getLocalPort())), "nothing listens on array port 4321");
        assertEquals(Transport.TCP, server.get(WAIT_SECONDS, TimeUnit.SECONDS));
    }

    @Test
    void tcpOnlyExemptsAddressesFromABroaderRuleBelowIt() throws Exception {
        ServerSocket ts = tcpServer();
        CompletableFuture<Transport> server = serveOnce(ts);
        Connector c = Connector.withRules(RoutingRules.parse("connect 127.0.0.1:" + ts.getLocalPort() + " tcp-only\n"
                + "connect 127.0.0.*:* -> array:" + MISSING + " array-only\n"));
        assertEquals(Transport.TCP, talk(c.connect("127.0.0.1", ts.getLocalPort())));
        assertEquals(Transport.TCP, server.get(WAIT_SECONDS, TimeUnit.SECONDS));
        assertThrows(ArrayUnavailableException.class, () -> c.connect("127.0.0.2", ts.getLocalPort() + 1),
                "the broader rule still applies elsewhere");
    }

    @Test
    void bindRulesMoveServersAndConnectRulesFindThem() throws Exception {
        int port = 7001;
        Connector c = Connector.withRules(RoutingRules.parse(
                "bind *:" + port + " -> " + array.uri(port) + "\n"
                        + "connect 127.0.0.1:" + port + " -> " + array.uri(port) + "\n"));
        ServerSocket ss = new RoutingServerSocketFactory(c).createServerSocket(port);
        assertEquals(Transport.ARRAY, Transport.of(ss));
        CompletableFuture<Transport> server = serveOnce(ss);
        assertEquals(Transport.ARRAY, talk(new RoutingSocketFactory(c).createSocket("127.0.0.1", port)));
        assertEquals(Transport.ARRAY, server.get(WAIT_SECONDS, TimeUnit.SECONDS));

        // prefer-array with the array missing: an ordinary TCP listener on the same port
        int free;
        try (ServerSocket probe = tcpServer()) {
            free = probe.getLocalPort();
        }
        Connector fallback = Connector.withRules(RoutingRules.parse("bind *:" + free + " -> array:" + MISSING + " prefer-array"));
        try (ServerSocket s = fallback.listen("tcp://127.0.0.1:" + free)) {
            assertEquals(Transport.TCP, Transport.of(s));
            assertEquals(free, s.getLocalPort());
        }
        Connector strict = Connector.withRules(RoutingRules.parse("bind *:" + free + " -> array:" + MISSING));
        assertThrows(ArrayUnavailableException.class, () -> strict.listen("tcp://127.0.0.1:" + free));
    }

    @Test
    void rulesParseAndMatch() {
        RoutingRules r = RoutingRules.parse("""
                # comment line
                connect 127.0.0.1:9000 -> array:/dev/shm/a?port=9100 prefer-array   # trailing comment
                connect 127.0.0.*:7000-7099 -> array:/dev/shm/b
                connect localhost:22 tcp-only
                bind *:* -> array:/dev/shm/c
                """);
        assertEquals(4, r.rules().size());
        RoutingRule first = r.match(RoutingRule.Action.CONNECT, "127.0.0.1", 9000).orElseThrow();
        assertEquals(new ArraySocketAddress("/dev/shm/a", 9100), first.target(9000));
        assertEquals(RoutePolicy.PREFER_ARRAY, first.policy());
        RoutingRule range = r.match(RoutingRule.Action.CONNECT, "127.0.0.9", 7050).orElseThrow();
        assertEquals(new ArraySocketAddress("/dev/shm/b", 7050), range.target(7050));
        assertEquals(RoutePolicy.ARRAY_ONLY, range.policy());
        assertTrue(r.match(RoutingRule.Action.CONNECT, "127.0.0.9", 7100).isEmpty());
        assertEquals(RoutePolicy.TCP_ONLY, r.match(RoutingRule.Action.CONNECT, "LOCALHOST", 22).orElseThrow().policy());
        assertEquals("/dev/shm/c", r.match(RoutingRule.Action.BIND, "0.0.0.0", 5).orElseThrow().arrayPath());
        assertTrue(r.match(RoutingRule.Action.CONNECT, "127.0.0.1", 5).isEmpty(), "bind rules do not route connects");

        for (String bad : List.of("listen 127.0.0.1:1 -> array:/x", "connect 127.0.0.1 -> array:/x",
                "connect 127.0.0.1:1 -> tcp://x:1", "connect 127.0.0.1:1 array-only", "connect 127.0.0.1:1 -> array:/x maybe",
                "connect 127.0.0.1:5-1 -> array:/x", "connect 127.0.0.1:1-5 -> array:/x?port=3")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RoutingRules.parse("\n" + bad), bad);
            assertTrue(e.getMessage().startsWith("rule line 2"), e.getMessage());
        }
    }

    @Test
    void rulesFileFromTheSystemProperty() throws Exception {
        Path file = Files.createTempFile("arraysock-rules", ".conf");
        String before = System.getProperty(RoutingRules.RULES_PROPERTY);
        try {
            Files.writeString(file, "connect 127.0.0.1:9 -> array:/dev/shm/z?port=9 prefer-array\n");
            System.setProperty(RoutingRules.RULES_PROPERTY, file.toString());
            assertEquals(1, RoutingRules.fromSystemProperty().rules().size());
            System.clearProperty(RoutingRules.RULES_PROPERTY);
            assertTrue(RoutingRules.fromSystemProperty().rules().isEmpty());
        } finally {
            if (before != null) {
                System.setProperty(RoutingRules.RULES_PROPERTY, before);
            }
            Files.delete(file);
        }
    }

    @Test
    void socketsShareOneAttachmentPerArray() throws Exception {
        int base = SharedArrays.references(array.path);
        assertTrue(base >= 1, "the test holds one");
        ServerSocket ss = arrayServer(0);
        List<Socket> clients = new ArrayList<>();
        List<Socket> servers = new ArrayList<>();
        ArraySocketFactory f = new ArraySocketFactory(array.path);
        for (int i = 0; i < 8; i++) {
            clients.add(f.createSocket("127.0.0.1", ss.getLocalPort()));
            servers.add(ss.accept());
        }
        assertEquals(base + 17, SharedArrays.references(array.path), "a listener, 8 clients, 8 accepted");
        int node = array.lease.array().nodeSlot();
        for (int i = 0; i < 8; i++) {
            assertEquals(node, ((ArrayBackedSocket) clients.get(i)).arraySocket().localNode());
            assertEquals(node, ((ArrayBackedSocket) servers.get(i)).arraySocket().localNode());
        }
        for (Socket s : clients) {
            s.close();
        }
        for (Socket s : servers) {
            s.getInputStream().close();
        }
        ss.close();
        assertEquals(base, SharedArrays.references(array.path));
    }
}
