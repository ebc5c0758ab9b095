package io.arraysock;

import io.arraysock.api.ErrorEntry;
import io.arraysock.api.NodeErrors;
import io.arraysock.api.SocketType;
import io.arraysock.testkit.Await;
import io.arraysock.testkit.ChildJvm;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node's distinct-error log is readable from another process: a child JVM provokes
 * errors of its own (three connects to a port nothing listens on, one with a wrong key, two
 * connections reset by this JVM's abort), and a read-only look at the array (what
 * {@code status --errors} sees) must show them with their counts, one entry per distinct
 * error, as the child's current log; and this node's own refusal of the wrong key. On shm
 * and on the loop pair (published once a second there).
 */
class ErrorLogTest {
    private static final Duration START = Duration.ofSeconds(30);
    private static final Duration PUBLISHED = Duration.ofSeconds(15);

    @ParameterizedTest
    @EnumSource(value = ArrayFixture.Kind.class, names = {"SHM", "LOOP_PAIR"})
    void anotherProcessReadsTheDistinctErrorsWithTheirCounts(ArrayFixture.Kind kind) throws Exception {
        byte[] right = HexFormat.of().parseHex("00112233445566778899aabbccddeeff0011223344556677");
        byte[] wrong = HexFormat.of().parseHex("ffeeddccbbaa99887766554433221100ffeeddccbbaa9988");
        try (ArrayFixture f = ArrayFixture.create(kind, ArrayFixture.small());
             StorageArray array = f.attach();
             ArraySocket plain = ArrayFixture.listener(array, SocketType.STREAM, 7201, 4);
             ChildJvm child = f.peer(new ErrorsPeer(7200, wrong))) {
            int childSlot = Integer.parseInt(child.expect("READY", START).trim());
            child.send("GO");
            for (int i = 0; i < 2; i++) {
                try (ArraySocket s = plain.accept(START)) {
                    // not before the child saw it connected: an abort that frees the block before the client
                    // read the answer leaves that client waiting out its connect timeout (not a reset)
                    child.expect("CONNECTED", START);
                    s.abort();
                }
                String reset = child.expect("RESET", START);
                assertTrue(reset.startsWith("Connection reset"), reset);
            }
            ArraySocket keyed = array.openSocket(SocketType.STREAM);
            keyed.setAuthenticationKey(right);
            keyed.bind(7200);
            keyed.listen(4);
            child.send("KEYED");
            child.expect("PROVOKED", START);
            int me = array.nodeSlot();
            try (ArrayInspector inspector = ArrayInspector.open(f.parentPath)) {
                String[] last = {""};
                String want = "child {authentication=1/1, connect=3/1, reset=2/1} current; ours {authentication=1/1} current";
                Await.until(PUBLISHED, () -> {
                    ArrayInspector.Inspection look = inspector.inspect(false);
                    List<NodeErrors> logs = inspector.errors(look);
                    last[0] = "child " + describe(logs, childSlot) + "; ours " + describe(logs, me);
                    return last[0].equals(want);
                }, () -> "the error logs read " + last[0] + ", not " + want + "; " + child.describe());
                NodeErrors childLog = inspector.errors(inspector.inspect(false)).stream()
                        .filter(n -> n.slot() == childSlot).findFirst().orElseThrow();
                for (ErrorEntry e : childLog.entries()) {
                    assertTrue(e.firstMillis() > 0 && e.lastMillis() >= e.firstMillis(), e::toString);
                    assertTrue(!e.message().isEmpty(), e::toString);
                }
                assertTrue(childLog.occurrences() == 6 && childLog.evicted() == 0, childLog::toString);
                assertTrue(childLog.problems().isEmpty(), childLog::toString);
            } finally {
                child.send("CLOSE");
            }
            child.expect("DONE", START);
        }
    }

    /** Per kind: the summed count and the number of distinct entries; then whose log it is. */
    private static String describe(List<NodeErrors> logs, int slot) {
        NodeErrors n = logs.stream().filter(x -> x.slot() == slot).findFirst().orElse(null);
        if (n == null) {
            return "none";
        }
        TreeMap<String, long[]> kinds = new TreeMap<>();
        for (ErrorEntry e : n.entries()) {
            long[] k = kinds.computeIfAbsent(e.kind(), x -> new long[2]);
            k[0] += e.count();
            k[1]++;
        }
        StringBuilder b = new StringBuilder("{");
        kinds.forEach((k, v) -> b.append(b.length() > 1 ? ", " : "").append(k).append('=').append(v[0]).append('/').append(v[1]));
        return b.append("} ").append(n.currentHolder() ? "current" : "earlier").toString();
    }
}
