package io.arraysock.cli;

import io.arraysock.ArrayInspector;
import io.arraysock.ArraySocket;
import io.arraysock.StorageArray;
import io.arraysock.api.NodeErrors;
import io.arraysock.api.SocketType;
import io.arraysock.format.ErrorLogCodec;
import io.arraysock.format.ErrorLogDescriptor;
import io.arraysock.format.Geometry;
import io.arraysock.medium.ShmMedium;
import io.arraysock.testkit.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ConnectException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code status --errors} lists each node's distinct-error log (table and JSON) and survives
 * whatever a hostile writer puts in the log's header and granule; {@code status --prometheus}
 * prints the counters in Prometheus' text format, which a strict parse of every line accepts.
 */
class StatusErrorsTest {
    private final Cli cli = new Cli();

    @AfterEach
    void cleanUp() throws IOException {
        cli.close();
    }

    @Test
    void statusListsEachDistinctErrorWithItsCount() throws Exception {
        String path = cli.formatted();
        try (StorageArray array = StorageArray.attach(path)) {
            for (int port : new int[] {4501, 4502, 4503}) {
                try (ArraySocket s = array.openSocket(SocketType.STREAM)) {
                    s.connect(port);
                    throw new AssertionError("connected where nothing listens");
                } catch (ConnectException expected) {
                    // logged: one distinct error (the port's digits are masked), count 3
                }
            }
            Cli.Run[] r = {null};
            Await.until(Duration.ofSeconds(10), () -> {
                r[0] = Cli.run("status", path, "--errors", "--json");
                return r[0].out().contains("\"kind\":\"connect\"") && r[0].out().contains("\"count\":3,");
            }, () -> "status --errors --json never showed the 3 refused connects: " + r[0]);
            assertTrue(r[0].out().contains("\"occurrences\":3,\"evicted\":0,\"clock\":\"writer\""), r[0]::toString);
            assertTrue(r[0].out().contains("nothing listens on port 4501"), "the first occurrence's message: " + r[0]);
            Cli.Run t = Cli.run("status", path, "--errors");
            assertEquals(ExitCode.OK, t.code(), t::toString);
            assertTrue(t.out().contains("writer's clock") && t.out().contains("current holder"), t::toString);
            String row = t.out().lines().filter(l -> l.trim().startsWith("connect ")).findFirst()
                    .orElseThrow(() -> new AssertionError("no connect row: " + t));
            assertEquals("3", row.trim().split("\\s+")[1], row);
        }
    }

    @Test
    void aHostileLogIsShownNeverTrusted() throws Exception {
        String path = cli.formatted();
        try (StorageArray array = StorageArray.attach(path);
             ShmMedium vandal = ShmMedium.open(path);
             ArrayInspector inspector = ArrayInspector.open(path)) {
            try (ArraySocket s = array.openSocket(SocketType.STREAM)) {
                s.connect(4510);
            } catch (ConnectException expected) {
                // an entry, so that the log is placed
            }
            int slot = array.nodeSlot();
            Geometry g = array.geometry();
            long header = g.nodeRecordOffset(slot) + ErrorLogDescriptor.LOG_OFFSET_OFFSET;
            Await.until(Duration.ofSeconds(10), () -> vandal.getLongAcquire(header) != 0, () -> "the log was never placed");
            long log = vandal.getLongAcquire(header);
            long tag = array.uuid().getMostSignificantBits();
            SplittableRandom random = new SplittableRandom(23);
            byte[] junk = new byte[ErrorLogDescriptor.LOG_LENGTH];
            for (int round = 0; round < 200; round++) {
                random.nextBytes(junk);
                ByteBuffer b = ByteBuffer.wrap(junk).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < ErrorLogDescriptor.ENTRIES; i++) {
                    ByteBuffer e = b.slice(i * ErrorLogDescriptor.ENTRY_LENGTH, ErrorLogDescriptor.ENTRY_LENGTH)
                            .order(ByteOrder.LITTLE_ENDIAN);
                    switch (random.nextInt(4)) {
                        case 0 -> e.putInt(0, ErrorLogDescriptor.MAGIC); // magic, random length and CRC
                        case 1 -> { // a sealed entry with random fields and message bytes
                            byte[] m = new byte[random.nextInt(ErrorLogDescriptor.MAX_MESSAGE + 1)];
                            random.nextBytes(m);
                            ErrorLogCodec.encode(e, random.nextInt(), random.nextBoolean() ? tag : random.nextLong(),
                                    random.nextLong(), random.nextLong(), random.nextLong(), random.nextLong(),
                                    random.nextLong(), m);
                        }
                        default -> {
                        }
                    }
                }
                vandal.writeRelease(log, junk, 0, junk.length);
                byte[] head = new byte[ErrorLogDescriptor.HEADER_LENGTH];
                random.nextBytes(head);
                ByteBuffer h = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
                if (random.nextInt(3) > 0) {
                    h.putLong(0, random.nextBoolean() ? log : g.arenaOffset(slot) + g.arenaSize() - 2048);
                }
                vandal.writeRelease(header, head, 0, head.length);
                ArrayInspector.Inspection look = inspector.inspect(false);
                List<NodeErrors> logs = inspector.errors(look);
                StringWriter text = new StringWriter();
                StatusErrors.print(logs, new PrintWriter(text));
                assertFalse(text.toString().chars().anyMatch(c -> c == 0x1b || c == '\r' || (c < 0x20 && c != '\n')),
                        "no control character reaches the terminal");
                assertTrue(StatusErrors.json(logs).endsWith("]"));
                parsePrometheus(StatusPrometheus.render(look, new StatusTable.Snapshot(look), logs));
            }
            // a sealed entry of this array whose message would drive a terminal, in malformed UTF-8
            ByteBuffer e = ByteBuffer.allocate(ErrorLogDescriptor.ENTRY_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
            byte[] m = "\u001b[2Jgotcha \u0007 \r".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            byte[] bad = java.util.Arrays.copyOf(m, m.length + 2);
            bad[m.length] = (byte) 0xff;
            bad[m.length + 1] = (byte) 0xc3;
            ErrorLogCodec.encode(e, ErrorLogDescriptor.KIND_RESET, tag, array.incarnation(), 1, 5, 1000, 2000, bad);
            vandal.writeRelease(log, new byte[ErrorLogDescriptor.LOG_LENGTH], 0, ErrorLogDescriptor.LOG_LENGTH);
            vandal.writeRelease(log, e.clear());
            vandal.putLongRelease(header, log);
            List<NodeErrors> logs = inspector.errors(inspector.inspect(false));
            StringWriter text = new StringWriter();
            StatusErrors.print(logs, new PrintWriter(text));
            assertTrue(text.toString().contains("?[2Jgotcha ? ?\uFFFD"), text::toString);
            assertTrue(StatusErrors.json(logs).contains("\"message\":\"\\u001b[2Jgotcha \\u0007 \\u000d\uFFFD"),
                    StatusErrors.json(logs));
        }
    }

    @Test
    void prometheusOutputParsesAndCarriesTheCounters() throws Exception {
        String path = cli.formatted();
        try (StorageArray array = StorageArray.attach(path);
             ArraySocket listener = array.openSocket(SocketType.STREAM);
             ArraySocket client = array.openSocket(SocketType.STREAM)) {
            listener.bind(4520);
            listener.listen(1);
            client.connect(4520);
            try (ArraySocket served = listener.accept()) {
                client.send(ByteBuffer.allocate(12345));
                ByteBuffer in = ByteBuffer.allocate(1 << 16);
                for (int got = 0; got < 12345; ) {
                    got += served.receive(in.clear());
                }
                Cli.Run[] r = {null};
                String tx = "arraysock_socket_tx_bytes_total{array=\"" + path + "\",node=\"" + array.nodeSlot() + "\",socket=\"";
                Await.until(Duration.ofSeconds(10), () -> {
                    r[0] = Cli.run("status", path, "--prometheus");
                    return r[0].out().lines().anyMatch(l -> l.startsWith(tx) && l.endsWith(" 12345"));
                }, () -> "status --prometheus never showed the 12345 bytes sent: " + r[0]);
                Map<String, Double> samples = parsePrometheus(r[0].out());
                assertEquals(1.0, samples.get("arraysock_node_connects_total{array=\"" + path + "\",node=\""
                        + array.nodeSlot() + "\"}"), r[0]::toString);
                assertTrue(samples.keySet().stream().anyMatch(k -> k.startsWith("arraysock_socket_rx_wakeups_received_total{")),
                        r[0]::toString);
                assertEquals(ExitCode.USAGE, Cli.run("status", path, "--prometheus", "--json").code());
            }
        }
    }

    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern SAMPLE = Pattern.compile(
            "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\",?)*\\})? (\\S+)");

    /**
     * A strict parse of the text exposition format: every line a HELP, a TYPE (counter or
     * gauge, before the family's samples, once) or a sample whose family was typed, with
     * well-formed labels and a number; a counter's name ends in _total. Returns the samples.
     */
    static Map<String, Double> parsePrometheus(String text) {
        Map<String, String> types = new HashMap<>();
        Map<String, Double> samples = new HashMap<>();
        for (String line : text.split("\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("# HELP ")) {
                assertTrue(NAME.matcher(line.substring(7).split(" ", 2)[0]).matches(), line);
                continue;
            }
            if (line.startsWith("# TYPE ")) {
                String[] t = line.substring(7).split(" ");
                assertEquals(2, t.length, line);
                assertTrue(t[1].equals("counter") || t[1].equals("gauge"), line);
                assertTrue(!t[1].equals("counter") || t[0].endsWith("_total"), line);
                assertTrue(types.put(t[0], t[1]) == null, "typed twice: " + line);
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertTrue(m.matches(), "not a sample: " + line);
            assertTrue(types.containsKey(m.group(1)), "a sample before its TYPE: " + line);
            double v = Double.parseDouble(m.group(3));
            assertTrue(samples.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), v) == null, "twice: " + line);
        }
        return samples;
    }
}
