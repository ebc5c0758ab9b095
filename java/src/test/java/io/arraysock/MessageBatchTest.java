package io.arraysock;

import io.arraysock.api.MessageTooLargeException;
import io.arraysock.api.SocketType;
import io.arraysock.testkit.Allocations;
import io.arraysock.testkit.ChildJvm;
import io.arraysock.testkit.ShmSegments;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ArraySocket#sendMessages}/{@code sendMessagesNow} and {@link ArraySocket#receiveMessages}/
 * {@code receiveMessagesNow}: batches of whole messages across processes on shm and on the block
 * pairs (the child in its own network namespace there) arrive whole, in order, one per buffer,
 * and many per call once the sender is ahead; and the calls refuse what they must.
 */
class MessageBatchTest {
    private static final Duration START = Duration.ofSeconds(30);
    @RegisterExtension
    final ShmSegments segments = new ShmSegments();

    @ParameterizedTest
    @CsvSource({"SHM, false, 20000", "SHM, true, 20000", "LOOP_PAIR, false, 3000", "LOOP_PAIR, true, 2000",
            "NBD_PAIR, false, 1000"})
    void batchesArriveWholeAndInOrder(ArrayFixture.Kind kind, boolean now, int count) throws Exception {
        long seed = 4242 + count;
        try (ArrayFixture f = ArrayFixture.create(kind, ArrayFixture.small());
             StorageArray array = f.attach();
             ArraySocket listener = ArrayFixture.listener(array, SocketType.SEQPACKET, 7420, 1);
             ChildJvm child = f.peer(new MessageBatchPeer(7420, count, seed, now))) {
            ArrayFixture.go(child, START);
            try (ArraySocket s = listener.accept(START)) {
                int max = Integer.parseInt(child.expect("MAX", START));
                int biggest = receiveAndCheck(s, count, seed, max, now);
                assertEquals(Integer.toString(count), child.expect("SENT", Duration.ofMinutes(2)), child.describe());
                assertTrue(biggest > 1, "no receive took more than one message (biggest batch " + biggest + ")");
            }
        }
    }

    /** Receives {@code count} seeded messages in batches of 1..32 buffers, checks each, then the end; the biggest batch. */
    private static int receiveAndCheck(ArraySocket s, int count, long seed, int max, boolean now) throws Exception {
        SplittableRandom sizes = new SplittableRandom(seed);
        SplittableRandom batches = new SplittableRandom(seed * 31);
        ByteBuffer[] got = new ByteBuffer[MessageBatchPeer.MAX_BATCH];
        for (int k = 0; k < got.length; k++) {
            got[k] = ByteBuffer.allocateDirect(max);
        }
        ByteBuffer want = ByteBuffer.allocateDirect(max);
        int biggest = 0;
        for (int i = 0; i < count; ) {
            int offset = batches.nextInt(4);
            int length = 1 + batches.nextInt(got.length - offset);
            for (int k = offset; k < offset + length; k++) {
                got[k].clear();
            }
            int n = now ? s.receiveMessagesNow(got, offset, length) : s.receiveMessages(got, offset, length);
            assertTrue(n >= (now ? 0 : 1) && n <= length, "a batch of " + n + " for " + length + " buffers");
            biggest = Math.max(biggest, n);
            for (int k = offset; k < offset + n; k++, i++) {
                int size = 1 + sizes.nextInt(max);
                assertEquals(MessagesPeer.message(want, seed, i, size), got[k].flip(), "message " + i);
            }
            for (int k = offset + n; k < offset + length; k++) {
                assertEquals(0, got[k].position(), "a buffer past the batch stays untouched");
            }
        }
        assertEquals(-1, s.receiveMessages(got, 0, 2), "the end of the stream");
        return biggest;
    }

    @Test
    void batchesAllocateNothing() throws Exception {
        String path = segments.format(ArrayFixture.small());
        try (StorageArray a = StorageArray.attach(path)) {
            ArraySocket[] p = LocalPair.connect(a, SocketType.SEQPACKET, 7422, 0);
            ArraySocket client = p[0];
            try (ArraySocket accepted = p[1]) {
                ByteBuffer[] out = new ByteBuffer[8];
                ByteBuffer[] in = new ByteBuffer[8];
                for (int i = 0; i < out.length; i++) {
                    out[i] = ByteBuffer.allocateDirect(64);
                    in[i] = ByteBuffer.allocateDirect(64);
                }
                for (int i = 0; i < 30_000; i++) { // warm: the JIT settles
                    round(client, accepted, out, in);
                }
                int rounds = 20_000;
                long before = Allocations.ofThisThread();
                for (int i = 0; i < rounds; i++) {
                    round(client, accepted, out, in);
                }
                long allocated = Allocations.ofThisThread() - before;
                // a few bytes per round would be hundreds of KiB here; allow the measurement's own noise
                assertTrue(allocated < 16 * 1024, rounds + " rounds of 8 + 8 messages allocated " + allocated + " bytes");
            }
        }
    }

    /** Eight messages out in one batch and back in one batch. */
    private static void round(ArraySocket from, ArraySocket to, ByteBuffer[] out, ByteBuffer[] in) throws IOException {
        for (ByteBuffer b : out) {
            b.clear();
        }
        assertEquals(out.length, from.sendMessagesNow(out, 0, out.length));
        for (ByteBuffer b : in) {
            b.clear();
        }
        assertEquals(in.length, to.receiveMessagesNow(in, 0, in.length));
    }

    @Test
    void refusesWhatItMust() throws Exception {
        String path = segments.format(ArrayFixture.small());
        try (StorageArray a = StorageArray.attach(path);
             ArraySocket stream = a.openSocket(SocketType.STREAM)) {
            ArraySocket[] p = LocalPair.connect(a, SocketType.SEQPACKET, 7421, 0);
            ArraySocket client = p[0];
            try (ArraySocket accepted = p[1]) {
                ByteBuffer[] three = {ByteBuffer.wrap(new byte[] {1}), ByteBuffer.wrap(new byte[] {2, 2}),
                        ByteBuffer.allocate(client.maxMessageSize() + 1)};
                IOException tooLong = assertThrows(IOException.class, () -> client.sendMessages(three));
                assertTrue(tooLong.getMessage().startsWith("Message too long"), tooLong.getMessage());
                assertEquals(1, three[0].remaining(), "no message of a refused batch is sent");
                assertEquals(0, accepted.receiveMessagesNow(new ByteBuffer[] {ByteBuffer.allocate(8)}, 0, 1),
                        "nothing there: 0");
                assertThrows(IndexOutOfBoundsException.class, () -> client.sendMessages(three, 2, 2));
                assertEquals(2, client.sendMessages(three, 0, 2));
                ByteBuffer[] small = {ByteBuffer.allocate(1), ByteBuffer.allocate(1)};
                assertEquals(1, accepted.receiveMessages(small), "the second does not fit its buffer: one");
                assertThrows(MessageTooLargeException.class, () -> accepted.receiveMessages(small, 1, 1));
                ByteBuffer[] roomy = {ByteBuffer.allocate(2)};
                assertEquals(1, accepted.receiveMessages(roomy), "the message too large stayed queued");
                assertEquals(ByteBuffer.wrap(new byte[] {2, 2}), roomy[0].flip());
                assertThrows(UnsupportedOperationException.class, () -> accepted.send(new ByteBuffer[] {ByteBuffer.allocate(1)}));
                assertThrows(IOException.class, () -> stream.sendMessages(new ByteBuffer[] {ByteBuffer.allocate(1)}));
                client.shutdownOutput();
                assertEquals(-1, accepted.receiveMessages(roomy));
            }
        }
    }
}
