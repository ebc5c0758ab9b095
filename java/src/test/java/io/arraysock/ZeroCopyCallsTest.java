package io.arraysock;

import io.arraysock.api.ClaimStateException;
import io.arraysock.api.ReceiveHandler;
import io.arraysock.api.SocketType;
import io.arraysock.format.ChunkDescriptor;
import io.arraysock.testkit.Allocations;
import io.arraysock.testkit.ShmSegments;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The zero-copy calls in one process on shm: where a claim and a poll's buffer lie (in the
 * ring, or staged where the bytes would wrap), what misuse throws, what a throwing handler
 * consumes, and that a claim, a commit and a poll allocate nothing.
 */
class ZeroCopyCallsTest {
    private static final int RING = 64 * 1024;

    @RegisterExtension
    final ShmSegments segments = new ShmSegments();

    @Test
    void aClaimAndAPollSeeTheRingInPlaceUnlessTheBytesWrap() throws Exception {
        try (StorageArray a = StorageArray.attach(segments.format(ArrayFixture.small()))) {
            ArraySocket[] p = LocalPair.connect(a, SocketType.STREAM, 7420, RING);
            SendClaim claim = new SendClaim();
            assertTrue(p[0].tryClaim(100, claim));
            ByteBuffer b = claim.buffer();
            assertEquals(RING, b.capacity(), "in place: a view of the ring");
            assertEquals(100, b.remaining());
            for (int i = 0; i < 100; i++) {
                b.put((byte) i);
            }
            claim.commit();
            assertFalse(claim.isOpen());
            assertEquals(0, b.limit(), "the buffer is emptied by the commit");
            List<ByteBuffer> seen = new ArrayList<>();
            ReceiveHandler keep = data -> {
                assertTrue(data.isReadOnly());
                assertEquals(RING, data.capacity(), "in place: a view of the peer's ring");
                for (int i = 0; i < data.remaining(); i++) {
                    assertEquals((byte) i, data.get(data.position() + i));
                }
                seen.add(data);
            };
            assertEquals(100, p[1].poll(keep, 1000));
            assertEquals(0, seen.get(0).limit(), "the view is empty once the poll returned");
            assertEquals(0, p[1].poll(keep, 1000), "released: nothing more");

            // the tail 100 short of the ring's end: a claim of 200 would wrap, so it is staged
            ByteBuffer fill = ByteBuffer.allocateDirect(RING - 200);
            assertEquals(RING - 200, p[0].send(fill));
            assertEquals(RING - 200, p[1].receive(ByteBuffer.allocateDirect(RING)));
            assertTrue(p[0].tryClaim(200, claim));
            assertNotEquals(RING, claim.buffer().capacity(), "across the ring's end: staged");
            for (int i = 0; i < 200; i++) {
                claim.buffer().put((byte) (i * 3));
            }
            claim.commit();
            ByteBuffer got = ByteBuffer.allocate(200);
            int[] pieces = {0};
            assertEquals(200, p[1].poll(data -> {
                pieces[0]++;
                got.put(data);
            }, 1000));
            assertEquals(2, pieces[0], "the ready bytes wrap: two pieces");
            for (int i = 0; i < 200; i++) {
                assertEquals((byte) (i * 3), got.get(i));
            }
            p[0].close();
            assertEquals(-1, p[1].poll(keep, 1000), "end of stream");
            p[1].close();
        }
    }

    @Test
    void misuseThrowsClearly() throws Exception {
        try (StorageArray a = StorageArray.attach(segments.format(ArrayFixture.small()));
             ArraySocket unconnected = a.openSocket(SocketType.STREAM)) {
            ArraySocket[] p = LocalPair.connect(a, SocketType.STREAM, 7421, RING);
            ArraySocket[] m = LocalPair.connect(a, SocketType.SEQPACKET, 7422, RING);
            SendClaim claim = new SendClaim();
            SendClaim other = new SendClaim();
            assertThrows(ClaimStateException.class, claim::commit, "nothing claimed");
            assertThrows(ClaimStateException.class, claim::abort);
            assertThrows(ClaimStateException.class, claim::buffer);
            assertThrows(IllegalArgumentException.class, () -> p[0].tryClaim(RING + 1, claim), "longer than the ring");
            assertThrows(IllegalArgumentException.class, () -> p[0].claim(-1, claim));
            IOException tooLong = assertThrows(IOException.class, () -> m[0].tryClaim(m[0].maxMessageSize() + 1, claim));
            assertTrue(tooLong.getMessage().startsWith("Message too long"), tooLong.getMessage());
            assertFalse(claim.isOpen());
            SocketException notConnected = assertThrows(SocketException.class, () -> unconnected.tryClaim(1, claim));
            assertEquals("Socket is not connected", notConnected.getMessage());

            p[0].claim(10, claim);
            assertThrows(ClaimStateException.class, () -> p[0].tryClaim(10, claim), "this claim is open");
            assertThrows(ClaimStateException.class, () -> m[0].tryClaim(10, claim), "this claim is open, on another socket");
            assertThrows(ClaimStateException.class, () -> p[0].tryClaim(10, other), "the socket has a claim open");
            assertThrows(ClaimStateException.class, () -> p[0].send(ByteBuffer.allocate(1)), "no send while a claim is open");
            claim.abort();
            assertThrows(ClaimStateException.class, claim::commit, "commit after abort");
            assertThrows(ClaimStateException.class, claim::abort, "abort twice");
            assertEquals(1, p[0].send(ByteBuffer.allocate(1)), "after the abort the socket sends again");
            p[0].claim(10, claim);
            claim.commit();
            assertThrows(ClaimStateException.class, claim::commit, "commit twice");
            assertThrows(ClaimStateException.class, claim::abort, "abort after commit");
            assertEquals(11, p[1].poll(data -> { }, 100), "the aborted bytes never went");

            // full ring: tryClaim says no, and claims nothing
            assertEquals(RING, p[0].sendNow(ByteBuffer.allocateDirect(RING)));
            assertFalse(p[0].tryClaim(1, claim));
            assertFalse(claim.isOpen());

            assertThrows(IllegalArgumentException.class, () -> p[1].poll(data -> { }, -1));
            p[1].shutdownInput();
            assertEquals(-1, p[1].poll(data -> fail("input shut"), 100));

            assertTrue(m[0].tryClaim(5, claim));
            m[0].close();
            SocketException closed = assertThrows(SocketException.class, claim::commit);
            assertEquals("Socket is closed", closed.getMessage());
            assertFalse(claim.isOpen(), "a failed commit ends the claim");
            assertThrows(SocketException.class, () -> m[0].tryClaim(5, claim));
            p[0].shutdownOutput();
            SocketException shut = assertThrows(SocketException.class, () -> p[0].tryClaim(1, claim));
            assertEquals("Socket output is shutdown", shut.getMessage());
            p[0].close();
            p[1].close();
            m[1].close();
        }
    }

    /**
     * A chunked ring (payload checksums on shm, as the block medium's) stages a claim: a
     * non-blocking claim is refused while the staging is full, so its commit never waits,
     * and is granted, and delivered whole, once the peer has read.
     */
    @Test
    @Timeout(60)
    void aNonBlockingClaimOnAChunkedRingIsRefusedWhileItsStagingIsFull() throws Exception {
        try (StorageArray a = StorageArray.attach(segments.format(ArrayFixture.small()))) {
            ArraySocket[] p = LocalPair.connect(a, SocketType.STREAM, 7426, RING, true);
            ArraySocket[] m = LocalPair.connect(a, SocketType.SEQPACKET, 7427, RING, true);
            assertTrue(p[0].isPayloadChecksummed() && m[0].isPayloadChecksummed(), "chunked rings");
            SendClaim claim = new SendClaim();
            long stream = fillUntilRefused(() -> p[0].sendNow(ByteBuffer.allocateDirect(1)) > 0); // bytes
            assertFalse(p[0].tryClaim(100, claim), "the staging is full: no room for a claim");
            assertFalse(claim.isOpen());
            long messages = fillUntilRefused(() -> m[0].sendMessageNow(ByteBuffer.allocateDirect(1000)));
            assertFalse(m[0].tryClaim(1000, claim), "the staging is full: no room for a message claim");

            assertEquals(stream, drainBytes(p[1], stream, (byte) 0), "what the sender had sent");
            assertTrue(claimWhenRoom(p[0], 100, claim), "room again once the peer read");
            for (int i = 0; i < 100; i++) {
                claim.buffer().put((byte) (i + 7));
            }
            claim.commit();
            ByteBuffer got = ByteBuffer.allocate(100);
            while (got.hasRemaining()) {
                assertTrue(p[1].receive(got) > 0);
            }
            for (int i = 0; i < 100; i++) {
                assertEquals((byte) (i + 7), got.get(i));
            }
            ByteBuffer one = ByteBuffer.allocateDirect(1000);
            for (long i = 0; i < messages; i++) {
                one.clear();
                assertTrue(m[1].receiveMessage(one) == 1000);
            }
            assertTrue(claimWhenRoom(m[0], 1000, claim), "room for the message once the peer read");
            claim.commit();
            one.clear();
            assertEquals(1000, m[1].receiveMessage(one));

            // a stream claim larger than the staging: only the blocking claim (whose commit waits as a send does)
            ArraySocket[] big = LocalPair.connect(a, SocketType.STREAM, 7428, 2 << 20, true);
            int over = ChunkDescriptor.MAX_EXTENT + 1;
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> big[0].tryClaim(over, claim));
            assertTrue(refused.getMessage().contains("non-blocking stream claim on a chunked ring"), refused.getMessage());
            assertFalse(claim.isOpen());
            big[0].claim(over, claim);
            claim.buffer().put(over - 1, (byte) 42);
            claim.commit();
            assertEquals(over, drainBytes(big[1], over, (byte) 42));
        }
    }

    /** Receives {@code bytes} bytes: their count, once the last was {@code last}. */
    private static long drainBytes(ArraySocket s, long bytes, byte lastByte) throws IOException {
        ByteBuffer b = ByteBuffer.allocateDirect(1 << 16);
        long got = 0;
        byte last = 0;
        while (got < bytes) {
            b.clear().limit((int) Math.min(b.capacity(), bytes - got));
            int n = s.receive(b);
            got += n;
            last = b.get(n - 1);
        }
        assertEquals(lastByte, last, "the last byte");
        return got;
    }

    /** Sends until the sender has been refused for 300 ms (the ring full, then its staging): the bytes or messages sent. */
    private static long fillUntilRefused(IoCall send) throws IOException, InterruptedException {
        long sent = 0;
        long refusedSince = 0;
        while (true) {
            if (send.call()) {
                sent++;
                refusedSince = 0;
            } else if (refusedSince == 0) {
                refusedSince = System.nanoTime();
            } else if (System.nanoTime() - refusedSince > 300_000_000L) {
                return sent;
            } else {
                Thread.sleep(1);
            }
        }
    }

    private static boolean claimWhenRoom(ArraySocket s, int length, SendClaim claim) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (s.tryClaim(length, claim)) {
                return true;
            }
            Thread.sleep(1);
        }
        return false;
    }

    private interface IoCall {
        boolean call() throws IOException;
    }

    @Test
    void aThrowingHandlerConsumesTheMessagesUpToIt() throws Exception {
        try (StorageArray a = StorageArray.attach(segments.format(ArrayFixture.small()))) {
            ArraySocket[] m = LocalPair.connect(a, SocketType.SEQPACKET, 7423, RING);
            SendClaim claim = new SendClaim();
            for (int i = 1; i <= 3; i++) {
                m[0].claim(i, claim);
                claim.buffer().put(claim.buffer().position(), (byte) i);
                claim.commit();
            }
            m[0].sendMessage(ByteBuffer.allocate(0));
            List<Integer> seen = new ArrayList<>();
            IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> m[1].poll(data -> {
                seen.add(data.remaining());
                if (data.remaining() == 2) {
                    throw new IllegalStateException("the handler's");
                }
            }, 10));
            assertEquals("the handler's", thrown.getMessage());
            assertEquals(List.of(1, 2), seen);
            assertEquals(2, m[1].poll(data -> seen.add(data.remaining()), 10), "the third, then the empty one");
            assertEquals(List.of(1, 2, 3, 0), seen);
            m[0].close();
            assertEquals(-1, m[1].poll(data -> { }, 10));
            m[1].close();
        }
    }

    @Test
    void claimsCommitsAndPollsAllocateNothing() throws Exception {
        try (StorageArray a = StorageArray.attach(segments.format(ArrayFixture.small()))) {
            ArraySocket[] p = LocalPair.connect(a, SocketType.STREAM, 7424, RING);
            ArraySocket[] m = LocalPair.connect(a, SocketType.SEQPACKET, 7425, RING);
            SendClaim claim = new SendClaim();
            long[] sum = {0};
            ReceiveHandler handler = data -> sum[0] += data.get(data.position());
            int[] sizes = {64, 1000, 7, 4096}; // some across the ring's end: staged
            for (int i = 0; i < 50_000; i++) { // warm: the JIT settles
                roundTrip(p, m, claim, handler, sizes[i & 3]);
            }
            int rounds = 20_000;
            long before = Allocations.ofThisThread();
            for (int i = 0; i < rounds; i++) {
                roundTrip(p, m, claim, handler, sizes[i & 3]);
            }
            long allocated = Allocations.ofThisThread() - before;
            assertTrue(allocated < 16 * 1024, rounds + " rounds allocated " + allocated + " bytes");
            assertNotEquals(0, sum[0] | 1);
            for (ArraySocket s : new ArraySocket[] {p[0], p[1], m[0], m[1]}) {
                s.close();
            }
        }
    }

    /** A stream claim and a message claim, committed, then polled. */
    private static void roundTrip(ArraySocket[] p, ArraySocket[] m, SendClaim claim, ReceiveHandler handler, int size)
            throws IOException {
        assertTrue(p[0].tryClaim(size, claim));
        claim.buffer().put(claim.buffer().position(), (byte) 1);
        claim.commit();
        assertTrue(m[0].tryClaim(size, claim));
        claim.buffer().put(claim.buffer().position(), (byte) 2);
        claim.commit();
        int got = 0;
        while (got < size) {
            got += p[1].poll(handler, 1 << 20);
        }
        assertEquals(1, m[1].poll(handler, 10));
    }
}
