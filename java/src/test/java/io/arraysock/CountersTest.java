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
 *
 * <p>Wake-ups received: the child then sends {@value #PACED} single bytes on a third
 * connection, each after a pause of {@link CountersPeer#PAUSE_MS} ms, while this JVM's
 * receiver blocks: it is asleep when each byte comes, and each of its sleeps (capped at
 * 50 ms) times out several times per pause. On shm the receiver's rx wake-ups received
 * must be at least half the bytes (each one should wake it; a race with a timeout may
 * hand one over without a wake), at most the bytes (a timeout counted would make it
 * several per byte), and at most the wake-ups the child's sender gave (its tx events
 * word). On the block medium nobody sleeps on a word: zero.
 */
class CountersTest {
    private static final Duration START = Duration.ofSeconds(30);
    private static final Duration PUBLISHED = Duration.ofSeconds(10);
    private static final int PACED = 6;

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
             ArraySocket streams = ArrayFixture.listener(array, SocketType.STREAM, 7100, 1);
             ArraySocket packets = array.openSocket(SocketType.SEQPACKET);
             ArraySocket slow = array.openSocket(SocketType.STREAM);
             ChildJvm child = f.peer(new CountersPeer(7100, sends, size, messages, PACED))) {
            packets.bind(7101);
            packets.listen(1);
            slow.bind(7102);
            slow.listen(1);
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
                ArraySocket w = slow.accept(START);
                for (int i = 0; i < PACED; i++) {
                    assertEquals(1, w.receive(buf.clear()), "paced byte " + i);
                }
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
                                "child connects 3", "our accepts 3");
                        last[0] = describe(look, childSlot, me);
                        return last[0].equals(want);
                    }, () -> "the counters read " + last[0] + "; " + child.describe());
                    Await.until(PUBLISHED, () -> {
                        Inspection look = inspector.inspect(false);
                        SocketStats ours = stats(look, me, 7102);
                        SocketStats theirs = stats(look, childSlot, 7102);
                        last[0] = ours == null || theirs == null ? "none" : "rx bytes " + ours.rxBytes()
                                + ", rx wake-ups received " + ours.rxWakeupsReceived() + ", the sender gave "
                                + theirs.txWakeups() + ", tx wake-ups received " + ours.txWakeupsReceived();
                        return ours != null && theirs != null && ours.rxBytes() == PACED
                                && wakesPlausible(kind, ours.rxWakeupsReceived(), theirs.txWakeups())
                                && ours.txWakeupsReceived() == 0;
                    }, () -> "the paced connection's counters read " + last[0] + " (" + kind + ", " + PACED
                            + " bytes after pauses)");
                }
                w.close();
                m.close();
            } finally {
                child.send("CLOSE");
            }
            child.expect("DONE", START);
        }
    }

    /** On shm, between half the paced bytes and all of them, and no more than the sender gave; on block, none. */
    private static boolean wakesPlausible(ArrayFixture.Kind kind, long received, long given) {
        if (kind != ArrayFixture.Kind.SHM) {
            return received == 0;
        }
        return received >= PACED / 2 && received <= PACED && received <= given;
    }

    /** The counters of the four connected sockets and the two nodes, in the order the test expects them. */
    private static String describe(Inspection look, int childSlot, int me) {
        return String.join(" ",
                "child stream tx", tx(look, childSlot, 7100),
                "child packets tx", tx(look, childSlot, 7101),
                "our stream rx", rx(look, me, 7100),
                "our packets rx", rx(look, me, 7101),
                "child connects " + node(look, childSlot, true), "our accepts " + node(look, me, false));
    }

    /** The established socket of {@code node} on the connection to the parent's {@code port} (either end). */
    private static SocketStats stats(Inspection look, int node, int port) {
        for (SocketInfo k : look.sockets()) {
            if (k.node() == node && (k.localPort() == port || k.remotePort() == port) && k.state().equals("ESTABLISHED")) {
                return look.socketStats(k.node(), k.index());
            }
        }
        return null;
    }

    private static String tx(Inspection look, int node, int port) {
        SocketStats s = stats(look, node, port);
        return s == null ? "none" : s.txBytes() + "/" + s.txMessages() + (s.rxBytes() == 0 ? "" : " rx " + s.rxBytes());
    }

    private static String rx(Inspection look, int node, int port) {
        SocketStats s = stats(look, node, port);
        return s == null ? "none" : s.rxBytes() + "/" + s.rxMessages() + (s.txBytes() == 0 ? "" : " tx " + s.txBytes());
    }

    private static String node(Inspection look, int slot, boolean connects) {
        NodeStats n = look.nodeStats(slot);
        return n == null ? "none" : String.valueOf(connects ? n.connects() : n.accepts());
    }
}
