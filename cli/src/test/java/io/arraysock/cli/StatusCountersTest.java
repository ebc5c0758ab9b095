package io.arraysock.cli;

import io.arraysock.ArrayInspector;
import io.arraysock.ArraySocket;
import io.arraysock.StorageArray;
import io.arraysock.api.NodeInfo;
import io.arraysock.api.SocketInfo;
import io.arraysock.api.SocketType;
import io.arraysock.format.ControlBlockCodec;
import io.arraysock.format.Geometry;
import io.arraysock.format.NodeCountersDescriptor;
import io.arraysock.format.SocketCountersDescriptor;
import io.arraysock.medium.ShmMedium;
import io.arraysock.testkit.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code status} shows the counters each node publishes (as a table, as JSON, and with
 * rates when watching), and survives whatever a hostile writer puts there: shown as read,
 * never trusted, a counter that went backwards has rate "?".
 */
class StatusCountersTest {
    private final Cli cli = new Cli();

    @AfterEach
    void cleanUp() throws IOException {
        cli.close();
    }

    @Test
    void statusShowsWhatAConnectionCarried() throws Exception {
        String path = cli.formatted();
        try (StorageArray array = StorageArray.attach(path);
             ArraySocket listener = array.openSocket(SocketType.STREAM);
             ArraySocket client = array.openSocket(SocketType.STREAM)) {
            listener.bind(4400);
            listener.listen(1);
            client.connect(4400);
            try (ArraySocket served = listener.accept()) {
                for (int i = 0; i < 3; i++) {
                    client.send(ByteBuffer.allocate(4115));
                }
                ByteBuffer in = ByteBuffer.allocate(1 << 16);
                for (int got = 0; got < 3 * 4115; ) {
                    got += served.receive(in.clear());
                }
                Cli.Run[] r = {null};
                Await.until(Duration.ofSeconds(10), () -> {
                    r[0] = Cli.run("status", path, "--json");
                    return r[0].out().contains("\"txBytes\":12345,\"txMessages\":3");
                }, () -> "status --json never showed the client's 12345 bytes in 3 sends: " + r[0]);
                assertTrue(r[0].out().contains("\"rxBytes\":12345"), r[0]::toString);
                assertTrue(r[0].out().contains("\"connects\":1"), r[0]::toString);
                assertTrue(r[0].out().contains("\"accepts\":1"), r[0]::toString);
                Cli.Run t = Cli.run("status", path);
                assertEquals(ExitCode.OK, t.code(), t::toString);
                assertTrue(t.out().contains("TX BYTES") && t.out().contains(" 12345 "), t::toString);
                assertTrue(t.out().contains("WOKEN TX/RX"), t::toString);
                assertTrue(r[0].out().contains("\"txWakeupsReceived\":") && r[0].out().contains("\"rxWakeupsReceived\":"),
                        r[0]::toString);
            }
        }
    }

    @Test
    void hostileCountersAreShownNeverTrusted() throws Exception {
        String path = cli.formatted();
        try (StorageArray array = StorageArray.attach(path);
             ArraySocket listener = array.openSocket(SocketType.STREAM);
             ArraySocket client = array.openSocket(SocketType.STREAM);
             ShmMedium vandal = ShmMedium.open(path);
             ArrayInspector inspector = ArrayInspector.open(path)) {
            listener.bind(4401);
            listener.listen(1);
            client.connect(4401);
            try (ArraySocket served = listener.accept()) {
                client.send(ByteBuffer.allocate(100));
                served.receive(ByteBuffer.allocate(100));
                ArrayInspector.Inspection first = inspector.inspect(false);
                Geometry g = first.geometry();
                ControlBlockCodec blocks = new ControlBlockCodec(vandal, g);
                SplittableRandom random = new SplittableRandom(17);
                byte[] junk = new byte[SocketCountersDescriptor.AREA_LENGTH];
                for (int round = 0; round < 100; round++) {
                    for (SocketInfo k : first.sockets()) {
                        long block = g.controlBlockOffset(k.node(), k.index());
                        random.nextBytes(junk);
                        ByteBuffer b = ByteBuffer.wrap(junk).order(ByteOrder.LITTLE_ENDIAN);
                        if (random.nextBoolean()) { // lines that claim to be the socket's: shown
                            int gen = blocks.read(k.node(), k.index()).generation();
                            b.putInt(SocketCountersDescriptor.LINE_GENERATION, gen);
                            b.putInt(SocketCountersDescriptor.RX_GENERATION_OFFSET - SocketCountersDescriptor.AREA_START, gen);
                        }
                        vandal.writeRelease(block + SocketCountersDescriptor.AREA_START, junk, 0, junk.length);
                    }
                    for (NodeInfo n : first.nodes()) {
                        byte[] node = new byte[NodeCountersDescriptor.AREA_LENGTH];
                        random.nextBytes(node);
                        if (random.nextBoolean()) {
                            ByteBuffer.wrap(node).order(ByteOrder.LITTLE_ENDIAN).putLong(node.length - Long.BYTES, n.incarnation());
                        }
                        vandal.writeRelease(g.nodeRecordOffset(n.slot()) + NodeCountersDescriptor.CONNECTS_OFFSET, node, 0,
                                node.length);
                    }
                    StatusTable.Snapshot s = new StatusTable.Snapshot(first).after(inspector.inspect(false));
                    StringWriter text = new StringWriter();
                    StatusTable.print(s, new PrintWriter(text));
                    String json = StatusTable.json(s);
                    assertTrue(text.toString().contains("free:") && json.endsWith("}}"), text::toString);
                }
                // a counter the size of 2^64 - 1 is shown as such, and one that then went back has rate "?"
                SocketInfo k = first.sockets().stream().filter(x -> x.state().equals("ESTABLISHED")).findFirst().orElseThrow();
                long block = g.controlBlockOffset(k.node(), k.index());
                int gen = blocks.read(k.node(), k.index()).generation();
                vandal.putIntRelease(block + SocketCountersDescriptor.TX_GENERATION_OFFSET, gen);
                vandal.putIntRelease(block + SocketCountersDescriptor.RX_GENERATION_OFFSET, gen);
                vandal.putLongRelease(block + SocketCountersDescriptor.TX_BYTES_OFFSET, -1L);
                StatusTable.Snapshot big = new StatusTable.Snapshot(inspector.inspect(false));
                StringWriter text = new StringWriter();
                StatusTable.print(big, new PrintWriter(text));
                assertTrue(text.toString().contains("18446744073709551615"), text::toString);
                vandal.putLongRelease(block + SocketCountersDescriptor.TX_BYTES_OFFSET, 5);
                StatusTable.Snapshot back = big.after(inspector.inspect(false));
                String json = StatusTable.json(back);
                assertTrue(json.contains("\"txBytes\":5,") && json.contains("\"txBytesPerSecond\":null"), json);
                StringWriter watched = new StringWriter();
                StatusTable.print(back, new PrintWriter(watched));
                String row = watched.toString().lines().filter(l -> l.startsWith(k.node() + "/" + k.index() + " ")).findFirst()
                        .orElseThrow(() -> new AssertionError("no counters row for " + k + ":\n" + watched));
                assertTrue(row.trim().split("\\s+")[9].equals("?"), "TX MB/s of a counter that went back: " + row);
            }
        }
    }

    @Test
    void ratesArePerSecondAndUnknownWhenACounterWentBack() {
        assertEquals("2.00", StatusCounters.rate(3_000_000, 1_000_000L, 1.0, 1e6));
        assertEquals("500", StatusCounters.rate(1000, 0L, 2.0, 1));
        assertEquals("?", StatusCounters.rate(1, 2L, 1.0, 1));
        assertEquals("?", StatusCounters.rate(1, -1L, 1.0, 1), "-1 is 2^64 - 1 unsigned: 1 is below it");
        assertEquals("-", StatusCounters.rate(1, null, 1.0, 1));
        assertEquals("18446744073709551615", StatusCounters.u(-1L));
    }
}
