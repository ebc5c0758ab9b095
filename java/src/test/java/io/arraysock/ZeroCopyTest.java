package io.arraysock;

import io.arraysock.api.ReceiveHandler;
import io.arraysock.api.SocketType;
import io.arraysock.testkit.ChildJvm;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The zero-copy calls across processes ({@link ArraySocket#tryClaim}, {@link ArraySocket#claim},
 * {@link ArraySocket#poll}) on shm (in place), on shm with payload checksums and on the loop pair
 * (chunked rings: staged): a claimed stream arrives whole and in order (SHA-256 of a seeded
 * stream, claims of uneven sizes, many across the ring's end, aborted ones among them), a
 * polled one too, and claimed messages arrive one by one, each as sent, polled or received.
 */
class ZeroCopyTest {
    private static final Duration START = Duration.ofSeconds(30);

    @ParameterizedTest
    @CsvSource({"SHM, false, false, 16", "SHM, true, false, 16", "SHM, false, true, 4", "LOOP_PAIR, false, false, 4",
            "LOOP_PAIR, true, false, 2"})
    void claimedBytesArriveInOrder(ArrayFixture.Kind kind, boolean now, boolean checksums, int mebibytes) throws Exception {
        long total = (long) mebibytes << 20;
        stream(kind, new ClaimSenderPeer(7410, 21, total, now, checksums), 7410, total, 21, 0);
    }

    @ParameterizedTest
    @CsvSource({"SHM, false, 100000, 16", "SHM, true, 1000, 4", "SHM, false, 7, 1", "LOOP_PAIR, false, 100000, 4"})
    void polledBytesArriveInOrder(ArrayFixture.Kind kind, boolean checksums, int limit, int mebibytes) throws Exception {
        long total = (long) mebibytes << 20;
        stream(kind, new ClaimSenderPeer(7411, 22, total, false, checksums), 7411, total, 22, limit);
    }

    /** The child's seeded stream, received by the copy path ({@code limit} 0) or by polls of at most {@code limit}. */
    private static void stream(ArrayFixture.Kind kind, Peer.Scenario sender, int port, long total, long seed, int limit)
            throws Exception {
        try (ArrayFixture f = ArrayFixture.create(kind, ArrayFixture.small());
             StorageArray array = f.attach();
             ArraySocket listener = ArrayFixture.listener(array, SocketType.STREAM, port, 1);
             ChildJvm child = f.peer(sender)) {
            ArrayFixture.go(child, START);
            try (ArraySocket s = listener.accept(START)) {
                String received = limit == 0 ? SeededStreams.receiveAll(s) : SeededStreams.receiveAllPolled(s, limit);
                String sent = child.expect("SENT", Duration.ofMinutes(2));
                assertEquals(total + " " + sent, received, child.describe());
                assertEquals(SeededStreams.expectedSha(seed, total), sent, "the sender sent the seeded stream");
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"SHM, true, false, 1", "SHM, true, true, 3", "SHM, false, true, 1000", "LOOP_PAIR, true, true, 16",
            "LOOP_PAIR, false, true, 2"})
    void claimedMessagesArriveWhole(ArrayFixture.Kind kind, boolean claims, boolean now, int limit) throws Exception {
        int count = kind.isBlock() ? 2000 : 20_000;
        Peer.Scenario sender = claims ? new ClaimMessagesPeer(7412, count, 23, now) : new MessagesPeer(7412, count, 23);
        try (ArrayFixture f = ArrayFixture.create(kind, ArrayFixture.small());
             StorageArray array = f.attach();
             ArraySocket listener = ArrayFixture.listener(array, SocketType.SEQPACKET, 7412, 1);
             ChildJvm child = f.peer(sender)) {
            ArrayFixture.go(child, START);
            try (ArraySocket s = listener.accept(START)) {
                // the child's ring less a frame header (shm, 8), or a chunk header and a message length (block, 40 + 4)
                int max = MessagesPeer.RING - (kind.isBlock() ? 40 + 4 : 8);
                pollAndCheck(s, count, 23, max, limit);
                assertEquals(String.valueOf(max), child.expect("MAX", Duration.ofMinutes(2)));
            }
        }
    }

    /** {@link MessagesPeer#receiveAndCheck}, by polls of at most {@code limit} messages: each message as sent, then the end. */
    private static void pollAndCheck(ArraySocket s, int count, long seed, int max, int limit) throws Exception {
        SplittableRandom sizes = new SplittableRandom(seed);
        ByteBuffer want = ByteBuffer.allocateDirect(1 << 20);
        int[] seen = {0};
        ReceiveHandler check = data -> {
            int i = seen[0]++;
            assertTrue(data.isReadOnly(), "read-only");
            assertTrue(i < count, "more messages than sent");
            int size = 1 + sizes.nextInt(max);
            assertEquals(MessagesPeer.message(want, seed, i, size), data, "contents of message " + i);
        };
        int polled = 0;
        for (int n; (n = s.poll(check, limit)) >= 0; ) {
            assertTrue(n <= limit, "a poll of at most " + limit + " handed " + n);
            polled += n;
            assertEquals(seen[0], polled, "the poll's count is the handler's calls");
            if (n == 0) {
                Thread.yield();
            }
        }
        assertEquals(count, polled, "every message, then the end");
    }
}
