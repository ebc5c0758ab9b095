package io.arraysock;

import io.arraysock.ArrayInspector.Inspection;
import io.arraysock.api.NodeStats;
import io.arraysock.api.SocketInfo;
import io.arraysock.api.SocketStats;
import io.arraysock.api.SocketType;
import io.arraysock.testkit.Await;
import io.arraysock.testkit.ChildJvm;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.ByteBuffer;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The counters on the medium match the truth: a child JVM sends a known number of bytes,
 * sends and messages, this JVM receives them and counts its receive calls, and a read-only
 * look at the array (what {@code status} sees) must show exactly those numbers for both
 * ends, and the connects and accepts of both nodes. On shm and on the block pairs (where
 * the counters are published once a second).
 */
class CountersTest {
    private static final Duration START = Duration.ofSeconds(30);
    private static final Duration PUBLISHED = Duration.ofSeconds(10);

    @ParameterizedTest
    @EnumSource(value = ArrayFixture.Kind.class, names = {"SHM", "LOOP_PAIR"})
    void countersMatchWhatCrossedBetweenTwoProcesses(ArrayFixture.Kind kind) throws Exception {
        int sends = 1000;
        int size = 1000;
        int messages = 500;
        long streamBytes = (long) sends * size;
        long messageBytes = CountersPeer.messageBytes(messages);
        try (ArrayFixture f = ArrayFixture.create(kind, ArrayFixture.small());
             StorageArray array = f.attach();
             ArraySocket streams = array.openSocket(SocketType.STREAM);
             ArraySocket packets = array.openSocket(SocketType.SEQPACKET);
             ChildJvm child = f.peer(new CountersPeer(7100, sends, size, messages))) {
            streams.bind(7100);
            streams.listen(1);
            packets.bind(7101);
            packets.listen(1);
            int childSlot = Integer.parseInt(child.expect("READY", START).trim());
            child.send("GO");
            try (ArraySocket s = streams.accept(START)) {
                ByteBuffer buf = ByteBuffer.allocateDirect(64 * 1024);
                long received = 0;
                long calls = 0;
                while (received < streamBytes) {
                    int n = s.receive(buf.clear());
                    received += n;
                    calls++;
                }
                assertEquals(streamBytes, received);
                ArraySocket m = packets.accept(START); // the child connects it once its stream was sent
                long got = 0;
                for (int i = 0; i < messages; i++) {
                    got += m.receiveMessage(buf.clear());
                }
                assertEquals(messageBytes, got);
                child.expect("SENT", START);
                int me = array.nodeSlot();
                long receiveCalls = calls;
                try (ArrayInspector inspector = ArrayInspector.open(f.parentPath)) {
                    String[] last = {""};
                    Await.until(PUBLISHED, () -> {
                        Inspection look = inspector.inspect(false);
                        String want = String.join(" ",
                                "child stream tx", streamBytes + "/" + sends,
                                "child packets tx", messageBytes + "/" + messages,
                                "our stream rx", streamBytes + "/" + receiveCalls,
                                "our packets rx", messageBytes + "/" + messages,
                                "child connects 2", "our accepts 2");
                        last[0] = describe(look, childSlot, me);
                        return last[0].equals(want);
                    }, () -> "the counters read " + last[0] + "; " + child.describe());
                }
                m.close();
            } finally {
                child.send("CLOSE");
            }
            child.expect("DONE", START);
        }
    }

    /** The counters of the four connected sockets and the two nodes, in the order the test expects them. */
    private static String describe(Inspection look, int childSlot, int me) {
        return String.join(" ",
                "child stream tx", tx(look, childSlot, SocketType.STREAM),
                "child packets tx", tx(look, childSlot, SocketType.SEQPACKET),
                "our stream rx", rx(look, me, SocketType.STREAM),
                "our packets rx", rx(look, me, SocketType.SEQPACKET),
                "child connects " + node(look, childSlot, true), "our accepts " + node(look, me, false));
    }

    private static SocketStats stats(Inspection look, int node, SocketType type) {
        for (SocketInfo k : look.sockets()) {
            if (k.node() == node && k.type() == type && k.state().equals("ESTABLISHED")) {
                return look.socketStats(k.node(), k.index());
            }
        }
        return null;
    }

    private static String tx(Inspection look, int node, SocketType type) {
        SocketStats s = stats(look, node, type);
        return s == null ? "none" : s.txBytes() + "/" + s.txMessages() + (s.rxBytes() == 0 ? "" : " rx " + s.rxBytes());
    }

    private static String rx(Inspection look, int node, SocketType type) {
        SocketStats s = stats(look, node, type);
        return s == null ? "none" : s.rxBytes() + "/" + s.rxMessages() + (s.txBytes() == 0 ? "" : " tx " + s.txBytes());
    }

    private static String node(Inspection look, int slot, boolean connects) {
        NodeStats n = look.nodeStats(slot);
        return n == null ? "none" : String.valueOf(connects ? n.connects() : n.accepts());
    }
}
