package io.arraysock.socket;

import io.arraysock.format.Geometry;
import io.arraysock.format.Zeroing;
import io.arraysock.medium.BlockMedium;
import io.arraysock.medium.Medium;
import io.arraysock.medium.ShmMedium;
import io.arraysock.testkit.ShmSegments;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.arraysock.format.ControlBlockDescriptor.SEQUENCE_OFFSET;
import static io.arraysock.format.ControlBlockDescriptor.TX_FLAGS_OFFSET;
import static io.arraysock.format.ControlBlockDescriptor.TX_FLAG_END;
import static io.arraysock.format.ControlBlockDescriptor.TX_TAIL_OFFSET;
import static io.arraysock.format.ControlBlockDescriptor.TYPE_SEQPACKET;
import static io.arraysock.format.ControlBlockDescriptor.TYPE_STREAM;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A receiver never delivers bytes that are not its connection's, even when the memory of
 * the peer's ring (and the peer's control block) is given to another connection while the
 * receiver still holds a tail it read from the old one (docs/PROTOCOL.md, "Data": the
 * consumer confirms the producer's block after every copy). Staged exactly: the producer's
 * node dies, a new node claims its slot (zeroed partition, empty arena, as
 * {@code NodeSlotClaim} leaves it) and its first connection gets the same block index, the
 * same ring offset and the same header sequence as the dead one had; or the producer
 * itself gives up on us (as when it judged a stalled receiver dead) and reuses the ring.
 * What SoakTest once reported as {@code CORRUPT ... byte 0} and {@code byte 65536} under
 * heavy load: a reset is the right answer, another stream's bytes never are.
 */
class RingReuseTest {
    private static final Geometry G = new Geometry(512, 3, 8, 256 << 10);
    private static final long SECOND = 1_000_000_000L;
    private static final int PORT = 7300;

    enum Kind { SHM, BLOCK }

    /** Node 0 serves (it is the receiver under test); node 1 connects, dies, and is replaced. */
    private static final class Rig implements AutoCloseable {
        final Kind kind;
        final String path;
        final List<Medium> media = new ArrayList<>();
        final ShmSegments segments = new ShmSegments();
        final Map<Integer, Long> live = BareNode.registry();
        final SocketLayer server;
        final SocketLayer peer;
        final BareNode peerNode;
        final List<SocketLayer> replacements = new ArrayList<>();
        final SocketCore streamListener;
        final SocketCore messageListener;

        Rig(Kind kind) throws Exception {
            this.kind = kind;
            if (kind == Kind.SHM) {
                ShmMedium m = segments.medium(G);
                media.add(m);
                path = m.path();
            } else {
                // a disk file opened with O_DIRECT once per node: each node its own shadows, as on two hosts
                Path p = Files.createTempFile(Path.of("/var/tmp"), "arraysock-reuse-", ".img");
                try (var f = new java.io.RandomAccessFile(p.toFile(), "rw")) {
                    f.setLength(G.requiredSize());
                }
                path = p.toString();
            }
            server = new SocketLayer(new BareNode(medium(), G, 0, live));
            peerNode = new BareNode(medium(), G, 1, live);
            peer = new SocketLayer(peerNode);
            streamListener = listen(TYPE_STREAM, PORT);
            messageListener = listen(TYPE_SEQPACKET, PORT + 1);
        }

        /** The medium a new node uses: shm shares one mapping, the block medium opens the file again. */
        Medium medium() throws IOException {
            if (kind == Kind.SHM) {
                return media.get(0);
            }
            Medium m = BlockMedium.open(path);
            media.add(m);
            return m;
        }

        private SocketCore listen(int type, int port) throws IOException {
            SocketCore l = server.open(type);
            l.bind(port);
            l.listen(8);
            return l;
        }

        /** {client on {@code from}, the server's accepted socket}. */
        SocketCore[] connect(SocketLayer from, int type) throws Exception {
            SocketCore client = from.open(type);
            client.client().connect(type == TYPE_STREAM ? PORT : PORT + 1, 5 * SECOND);
            SocketCore accepted = (type == TYPE_STREAM ? streamListener : messageListener).accept(5 * SECOND);
            assertNotNull(accepted);
            accepted.options().receiveTimeout(2000); // a wrong answer fails the test, never hangs it
            return new SocketCore[] {client, accepted};
        }

        /** A stream connection from the peer that carried {@code pattern(seed, length)}: sent, not yet received. */
        Carried streamCarrying(int seed, int length) throws Exception {
            SocketCore[] p = connect(peer, TYPE_STREAM);
            byte[] bytes = pattern(seed, length);
            assertEquals(bytes.length, p[0].sending().send(ByteBuffer.wrap(bytes), true));
            return new Carried(p[0], p[1], bytes);
        }

        /** The same, once the receiver took its first 16 bytes in one receive (and keeps the tail it read). */
        Carried streamWithCachedTail(int seed, int length) throws Exception {
            Carried c = streamCarrying(seed, length);
            ByteBuffer head = ByteBuffer.allocate(16);
            assertEquals(16, c.server().receiving().receive(head, true));
            assertArrayEquals(Arrays.copyOf(c.bytes(), 16), head.array());
            return c;
        }

        /**
         * Node 1 dies and a new node claims its slot: zeroes the partition and starts with an
         * empty arena, so its first socket and ring land where the dead node's were.
         */
        SocketLayer reclaimPeerSlot() throws IOException {
            peer.fence(); // a dead node writes no more (its block-medium ring writers would: a tail published late)
            peerNode.die();
            Medium m = medium();
            BareNode node = new BareNode(m, G, 1, live);
            Zeroing.zero(m, G.partitionOffset(1), G.partitionLength());
            SocketLayer layer = new SocketLayer(node);
            replacements.add(layer);
            return layer;
        }

        /**
         * After {@link #reclaimPeerSlot}: the new node's first connection, checked to sit where
         * {@code dead} did (same block, ring, generation and header sequence): the race staged.
         */
        SocketCore[] successor(SocketCore dead, int type) throws Exception {
            SocketCore[] next = connect(reclaimPeerSlot(), type);
            assertSameSpot(dead, next[0]);
            return next;
        }

        @Override
        public void close() throws Exception {
            server.close();
            for (SocketLayer l : replacements) {
                l.close();
            }
            // the dead peer's layer is left alone: its slot belongs to its replacement
            for (Medium m : media) {
                m.close();
            }
            segments.close();
            if (kind != Kind.SHM) {
                Files.deleteIfExists(Path.of(path));
            }
        }
    }

    /** A connection's two ends and what its client sent. */
    private record Carried(SocketCore client, SocketCore server, byte[] bytes) {
    }

    /** What a test does on a fresh {@link Rig}. */
    private interface RigTest {
        void run(Rig rig) throws Exception;
    }

    private static void withRig(Kind kind, RigTest test) throws Exception {
        try (Rig rig = new Rig(kind)) {
            test.run(rig);
        }
    }

    private static byte[] pattern(int seed, int length) {
        byte[] b = new byte[length];
        new java.util.Random(seed).nextBytes(b);
        return b;
    }

    /** The dead connection and its replacement occupy the same block and ring: the race this test stages. */
    private static void assertSameSpot(SocketCore dead, SocketCore replacement) {
        assertEquals(dead.index, replacement.index, "the replacement reuses the dead peer's block");
        assertEquals(dead.header().txRingOffset(), replacement.header().txRingOffset(), "and its ring");
        assertEquals(dead.header().generation(), replacement.header().generation(), "with the same generation");
        assertEquals(dead.header().sequence(), replacement.header().sequence(), "and the same header sequence");
    }

    /** Receives until {@code dst} is full; returns its array. */
    private static byte[] receiveFully(SocketCore s, ByteBuffer dst) throws IOException {
        while (dst.hasRemaining()) {
            assertTrue(s.receiving().receive(dst, true) > 0, "end of stream before " + dst.capacity() + " bytes");
        }
        return dst.array();
    }

    /**
     * Receives until a reset: the old connection's own bytes ({@code own} from {@code ownFrom})
     * may still come first, from the block medium's read-ahead (copied, and confirmed ours,
     * before the reuse); anything else (another connection's bytes, an end of stream) is the bug.
     */
    private static void assertReset(SocketCore receiver, byte[] own, int ownFrom, byte[] foreign, int foreignFrom) {
        for (int at = ownFrom; ; ) {
            ByteBuffer dst = ByteBuffer.allocate(8192);
            int n;
            try {
                n = receiver.receiving().receive(dst, true);
            } catch (SocketException e) {
                assertTrue(e.getMessage().startsWith("Connection reset"), e.getMessage());
                return;
            } catch (IOException e) {
                throw new AssertionError("expected a reset, got " + e, e);
            }
            byte[] got = Arrays.copyOf(dst.array(), Math.max(n, 0));
            if (n > 0 && at + n <= own.length && Arrays.equals(got, Arrays.copyOfRange(own, at, at + n))) {
                at += n;
                continue;
            }
            boolean isForeign = n > 0 && foreignFrom + n <= foreign.length
                    && Arrays.equals(got, Arrays.copyOfRange(foreign, foreignFrom, foreignFrom + n));
            fail("receive returned " + n + " after the peer's ring was reused"
                    + (isForeign ? ": the bytes of another connection" : ""));
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aCachedTailNeverReadsAReclaimedSlotsRing(Kind kind) throws Exception {
        withRig(kind, rig -> {
            Carried old = rig.streamWithCachedTail(1, 8192); // its receiver read the tail (8192) and keeps it

            SocketCore[] next = rig.successor(old.client(), TYPE_STREAM);
            byte[] b = pattern(2, 8192);
            assertEquals(b.length, next[0].sending().send(ByteBuffer.wrap(b), true));

            assertReset(old.server(), old.bytes(), 16, b, 16);
            // the new connection is untouched
            assertArrayEquals(b, receiveFully(next[1], ByteBuffer.allocate(8192)));
        });
    }

    /** Every kind, with a successor that sends past our tail and one that ends its stream at it. */
    static Stream<Arguments> kindsAndEnds() {
        return Stream.of(Kind.values()).flatMap(k -> Stream.of(Arguments.of(k, false), Arguments.of(k, true)));
    }

    /**
     * The old connection delivered its bytes whole; the new node on the reclaimed slot sends
     * on the same block and ring: more than we had (its tail, in the same word, runs past
     * ours: it passes the range checks), or as much, then ends its stream (its tail equals
     * ours, its END flag is set: a clean end here would be a stream silently cut short).
     */
    @ParameterizedTest(name = "{0}, the successor ends its stream: {1}")
    @MethodSource("kindsAndEnds")
    void aFreshTailOrEndOfStreamOfAReclaimedBlockIsNotOurs(Kind kind, boolean end) throws Exception {
        byte[] a = end ? pattern(7, 100) : pattern(3, 4096);
        byte[] b = end ? pattern(8, 100) : pattern(4, 12288);
        withRig(kind, rig -> {
            SocketCore[] old = rig.connect(rig.peer, TYPE_STREAM);
            old[0].sending().send(ByteBuffer.wrap(a), true);
            assertArrayEquals(a, receiveFully(old[1], ByteBuffer.allocate(a.length)));
            SocketCore[] next = rig.successor(old[0], TYPE_STREAM);
            next[0].sending().send(ByteBuffer.wrap(b), true);
            if (end) {
                next[0].shutdownOutput();
            }
            assertReset(old[1], a, a.length, end ? new byte[0] : b, a.length);
        });
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void messagesOfAReclaimedSlotsRingAreNotOurs(Kind kind) throws Exception {
        try (Rig rig = new Rig(kind)) {
            SocketCore[] old = rig.connect(rig.peer, TYPE_SEQPACKET);
            byte[] a = pattern(5, 100);
            old[0].sending().sendMessage(ByteBuffer.wrap(a), true);
            old[0].sending().sendMessage(ByteBuffer.wrap(a), true);
            ByteBuffer one = ByteBuffer.allocate(100);
            assertEquals(100, old[1].receiving().receiveMessage(one, true, false));
            assertArrayEquals(a, one.array());

            SocketCore[] next = rig.successor(old[0], TYPE_SEQPACKET);
            byte[] b = pattern(6, 100);
            for (int i = 0; i < 3; i++) { // its tail runs past ours, on the block medium past the read-ahead too
                next[0].sending().sendMessage(ByteBuffer.wrap(b), true);
            }

            // the old second message may still come, from the block medium's read-ahead (copied,
            // and confirmed ours, with the first); another connection's never
            for (int i = 0; i < 2; i++) {
                ByteBuffer dst = ByteBuffer.allocate(100);
                long n;
                try {
                    n = old[1].receiving().receiveMessage(dst, true, false);
                } catch (SocketException e) {
                    assertTrue(e.getMessage().startsWith("Connection reset"), e.getMessage());
                    return;
                }
                assertTrue(i == 0 && n == 100 && Arrays.equals(dst.array(), a), "receiveMessage returned " + n
                        + " after the peer's ring was reused" + (Arrays.equals(dst.array(), b)
                        ? ": a message of another connection" : ""));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aRingItsProducerGaveUpOnIsNotReadAfterReuse(Kind kind) throws Exception {
        withRig(kind, rig -> {
            Carried old = rig.streamWithCachedTail(9, 8192);

            // the producer judged us gone (as it does a receiver stalled past the liveness
            // timeout): it releases its block and ring at once and reuses both
            old.client().peerLost();
            old.client().close();
            Carried next = rig.streamCarrying(10, 8192);
            assertEquals(old.client().header().txRingOffset(), next.client().header().txRingOffset(), "the ring is reused");

            assertReset(old.server(), old.bytes(), 16, next.bytes(), 16);
        });
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aConnectionTakenLateNeverReadsItsClientsNextConnection(Kind kind) throws Exception {
        try (Rig rig = new Rig(kind)) {
            // answered and queued, but the client gave up on it before sending (as a connect
            // that timed out just before the answer came does): block and ring go to its next one
            SocketCore client = rig.peer.open(TYPE_STREAM);
            client.client().connect(PORT, 5 * SECOND);
            client.peerLost();
            client.close();
            SocketCore next = rig.peer.open(TYPE_STREAM);
            next.client().connect(PORT, 5 * SECOND);
            assertEquals(client.index, next.index, "the block is reused");
            assertEquals(client.header().txRingOffset(), next.header().txRingOffset(), "and the ring");
            byte[] b = pattern(12, 4096);
            next.sending().send(ByteBuffer.wrap(b), true);

            SocketCore late = rig.streamListener.accept(5 * SECOND); // the first answer, taken only now
            late.options().receiveTimeout(2000);
            assertReset(late, new byte[0], 0, b, 0);
            assertArrayEquals(b, receiveFully(rig.streamListener.accept(5 * SECOND), ByteBuffer.allocate(4096)));
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aPeerThatClosesStillDeliversWhatItSent(Kind kind) throws Exception {
        withRig(kind, rig -> {
            Carried p = rig.streamCarrying(11, 8192);
            ByteBuffer all = ByteBuffer.allocate(8192);
            assertEquals(16, p.server().receiving().receive(all.limit(16), true)); // tail cached
            p.client().close(); // its header changes (CLOSED): still our peer, its bytes still ours
            assertArrayEquals(p.bytes(), receiveFully(p.server(), all.limit(8192)));
            assertEquals(-1, p.server().receiving().receive(ByteBuffer.allocate(10), true));
        });
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void confirmedStreamsArriveWholeThroughReceivesOfAnySize(Kind kind) throws Exception {
        try (Rig rig = new Rig(kind)) {
            SocketCore[] p = rig.connect(rig.peer, TYPE_STREAM);
            byte[] data = pattern(13, 1 << 20); // 16 times the ring: wraps, refills, refreshed tails
            var sender = java.util.concurrent.Executors.newSingleThreadExecutor();
            try {
                var sent = sender.submit(() -> {
                    p[0].sending().send(ByteBuffer.wrap(data), true);
                    p[0].close();
                    return null;
                });
                java.util.Random sizes = new java.util.Random(14);
                ByteBuffer got = ByteBuffer.allocate(data.length);
                for (int n; got.hasRemaining() && (n = p[1].receiving().receive(got.slice().limit(
                        Math.min(got.remaining(), 1 + sizes.nextInt(20_000))), true)) > 0; ) {
                    got.position(got.position() + n);
                }
                assertArrayEquals(data, got.array());
                assertEquals(-1, p[1].receiving().receive(ByteBuffer.allocate(1), true));
                sent.get(10, java.util.concurrent.TimeUnit.SECONDS);
            } finally {
                sender.shutdownNow();
            }
        }
    }

    @org.junit.jupiter.api.Test
    void bytesNotYetConfirmedAreNoEndOfStream() throws Exception {
        // the peer sent 100 bytes, ended its stream and is rewriting its header (CLOSED): the
        // first confirmations read it torn, the next one whole. Found by SoakTest under load
        // ("ended cleanly at 65536 of 224040 bytes"): a poll that could not confirm its copy
        // returned nothing, and the end of stream was believed with bytes still unread.
        try (ShmSegments segments = new ShmSegments()) {
            ShmMedium m = segments.medium(G);
            long own = G.controlBlockOffset(0, 0);
            long peer = G.controlBlockOffset(1, 0);
            m.putLongRelease(peer + TX_TAIL_OFFSET, 100);
            m.putIntRelease(peer + TX_FLAGS_OFFSET, TX_FLAG_END);
            m.putLongRelease(peer + SEQUENCE_OFFSET, 5); // rewritten since the header judged ours (4)
            long[] answers = {PeerBlockCheck.UNREADABLE, PeerBlockCheck.UNREADABLE, 5};
            int[] calls = {0};
            RingConsumer c = new RingConsumer(m, G.arenaOffset(1), 4096, own, peer, 0, 1, 4, 0,
                    () -> answers[Math.min(calls[0]++, answers.length - 1)]);
            ByteBuffer dst = ByteBuffer.allocate(200);
            assertEquals(0, c.poll(dst), "copied but not confirmed: not delivered");
            assertEquals(0, dst.position());
            assertTrue(c.peerEnded(true));
            assertEquals(0, c.poll(dst));
            assertFalse(c.endConfirmed(), "100 bytes are still unread");
            assertEquals(100, c.poll(dst));
            assertTrue(c.endConfirmed());
        }
    }
}
