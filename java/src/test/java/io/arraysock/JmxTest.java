package io.arraysock;

import io.arraysock.api.SocketType;
import io.arraysock.testkit.ChildJvm;
import org.junit.jupiter.api.Test;

import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The MXBeans: one per attached array and one per connected socket, under
 * {@code io.arraysock:type=...}, registered on attach and connect (or accept), gone after
 * close; read in this JVM through the platform MBean server, and from another JVM through
 * the JMX attach API.
 */
class JmxTest {
    private static final ObjectName SOCKETS = name("io.arraysock:type=Socket,*");

    private static ObjectName name(String n) {
        try {
            return new ObjectName(n);
        } catch (javax.management.MalformedObjectNameException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void beansLiveFromAttachAndConnectToClose() throws Exception {
        var server = ManagementFactory.getPlatformMBeanServer();
        try (ArrayFixture f = ArrayFixture.create(ArrayFixture.Kind.SHM, ArrayFixture.small())) {
            ObjectName arrayName;
            try (StorageArray array = f.attach();
                 ArraySocket listener = array.openSocket(SocketType.STREAM);
                 ArraySocket client = array.openSocket(SocketType.STREAM)) {
                Set<ObjectName> arrays = server.queryNames(name("io.arraysock:type=Array,path="
                        + ObjectName.quote(f.parentPath) + ",*"), null);
                assertEquals(1, arrays.size(), arrays::toString);
                arrayName = arrays.iterator().next();
                assertEquals(array.nodeSlot(), server.getAttribute(arrayName, "NodeSlot"));
                listener.bind(7200);
                listener.listen(1);
                assertEquals(Set.of(), mine(server.queryNames(SOCKETS, null), f), "an unconnected socket has no bean");
                client.connect(7200);
                try (ArraySocket served = listener.accept()) {
                    client.send(ByteBuffer.allocate(7777));
                    for (int got = 0; got < 7777; ) {
                        got += served.receive(ByteBuffer.allocate(8192));
                    }
                    Set<ObjectName> sockets = mine(server.queryNames(SOCKETS, null), f);
                    assertEquals(2, sockets.size(), sockets::toString);
                    long tx = 0;
                    long rx = 0;
                    for (ObjectName n : sockets) {
                        tx += (Long) server.getAttribute(n, "TxBytes");
                        rx += (Long) server.getAttribute(n, "RxBytes");
                        assertEquals("CONNECTED", server.getAttribute(n, "State"));
                    }
                    assertEquals(7777, tx);
                    assertEquals(7777, rx);
                    assertEquals(1L, server.getAttribute(arrayName, "Connects"));
                    assertEquals(1L, server.getAttribute(arrayName, "Accepts"));
                    assertEquals(3, server.getAttribute(arrayName, "OpenSockets"));
                    // a receiver asleep when each of 3 bytes comes: its bean counts the wakes (a race
                    // with a sleep's 50 ms timeout may hand one over without a wake; a timeout is not one)
                    Thread reader = new Thread(() -> {
                        try {
                            for (int i = 0; i < 3; i++) {
                                served.receive(ByteBuffer.allocate(1));
                            }
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    });
                    reader.start();
                    for (int i = 0; i < 3; i++) {
                        Thread.sleep(200);
                        client.send(ByteBuffer.allocate(1));
                    }
                    reader.join(10_000);
                    long woken = 0;
                    for (ObjectName n : sockets) {
                        woken += (Long) server.getAttribute(n, "RxWakeupsReceived");
                        woken += (Long) server.getAttribute(n, "TxWakeupsReceived");
                    }
                    assertTrue(woken >= 2 && woken <= 3, "wake-ups received: " + woken);
                }
                assertEquals(1, mine(server.queryNames(SOCKETS, null), f).size(), "the served socket's bean went with it");
            }
            assertTrue(!server.isRegistered(arrayName), "the array's bean went with its close");
            assertEquals(Set.of(), mine(server.queryNames(SOCKETS, null), f), "no socket bean outlives the array");
        }
    }

    @Test
    void anAbortedSocketsBeanGoesWithIt() throws Exception {
        var server = ManagementFactory.getPlatformMBeanServer();
        try (ArrayFixture f = ArrayFixture.create(ArrayFixture.Kind.SHM, ArrayFixture.small());
             StorageArray array = f.attach();
             ArraySocket listener = array.openSocket(SocketType.STREAM)) {
            listener.bind(7201);
            listener.listen(1);
            ArraySocket client = array.openSocket(SocketType.STREAM);
            client.connect(7201);
            try (ArraySocket served = listener.accept()) {
                assertEquals(2, mine(server.queryNames(SOCKETS, null), f).size());
                client.abort();
                assertEquals(1, mine(server.queryNames(SOCKETS, null), f).size(),
                        "an aborted socket's bean (and the registry's hold on the socket) goes with it");
                served.abort();
                assertEquals(Set.of(), mine(server.queryNames(SOCKETS, null), f));
            }
        }
    }

    /** The beans of the array of {@code f} (other tests' arrays may be attached in this JVM). */
    private static Set<ObjectName> mine(Set<ObjectName> names, ArrayFixture f) {
        names.removeIf(n -> !ObjectName.quote(f.parentPath).equals(n.getKeyProperty("path")));
        return names;
    }

    @Test
    void anotherJvmReadsTheBeansThroughTheAttachApi() throws Exception {
        try (ArrayFixture f = ArrayFixture.create(ArrayFixture.Kind.SHM, ArrayFixture.small());
             StorageArray array = f.attach();
             ArraySocket listener = ArrayFixture.listener(array, SocketType.STREAM, 7201, 1);
             ArraySocket client = array.openSocket(SocketType.STREAM)) {
            client.connect(7201);
            try (ArraySocket served = listener.accept(Duration.ofSeconds(30))) {
                client.send(ByteBuffer.allocate(54321));
                for (int got = 0; got < 54321; ) {
                    got += served.receive(ByteBuffer.allocate(65536));
                }
                List<String> lines = new ArrayList<>();
                try (ChildJvm reader = ChildJvm.start(JmxReader.class, Long.toString(ProcessHandle.current().pid()))) {
                    for (String line; !(line = reader.readLine(Duration.ofSeconds(60))).equals("DONE"); ) {
                        lines.add(line);
                    }
                }
                String quoted = ObjectName.quote(f.parentPath);
                assertTrue(lines.contains("ARRAY " + f.parentPath + " " + array.nodeSlot() + " 1 1"), lines::toString);
                long sockets = lines.stream().filter(l -> l.startsWith("SOCKET " + quoted + " ")).count();
                assertEquals(2, sockets, lines::toString);
                assertTrue(lines.stream().anyMatch(l -> l.startsWith("SOCKET " + quoted + " ") && l.endsWith(" 54321 0 CONNECTED")),
                        lines::toString);
                assertTrue(lines.stream().anyMatch(l -> l.startsWith("SOCKET " + quoted + " ") && l.endsWith(" 0 54321 CONNECTED")),
                        lines::toString);
            }
        }
    }
}
