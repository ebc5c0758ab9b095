package io.arraysock.socket;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.arraysock.format.Geometry;
import io.arraysock.format.RecordSeal;
import io.arraysock.medium.ShmMedium;
import io.arraysock.testkit.ShmSegments;

import io.arraysock.api.MessageTooLargeException;

import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static io.arraysock.format.ControlBlockDescriptor.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A hostile peer, fuzzed: a connection is set up on a small shm array, then the fuzzer
 * writes what it likes into the peer's control block (tail, head, flags, events, any
 * header field, resealed or not) and ring (frame lengths, bytes), interleaved with real
 * traffic and with the victim's receive, send and peer checks. The rule for the victim
 * (the client): every call returns a count within range (a stream receive moves 0..capacity
 * bytes and says so; a message is no longer than the ring) or throws a typed exception
 * (SocketException, MessageTooLargeException for a length the ring could hold, and
 * SocketTimeoutException only from the timed receive; see {@link Victim#assertTyped});
 * never another exception type, an out-of-bounds access (ShmMedium checks every offset), a
 * hang (only non-blocking calls and a receive with a 2 ms timeout) or a crash.
 *
 * <p>Input layout: byte 0 bit 0 picks stream or seqpacket; then operations of 10 bytes
 * each: opcode, argument, 8-byte little-endian value (see {@link #step}).
 */
class HostilePeerFuzzTest {
    private static final Geometry GEOMETRY = new Geometry(512, 2, 8, 64 << 10);
    private static final int OP_BYTES = 10;
    /** Enough steps for interesting sequences, few enough that one input stays in milliseconds. */
    private static final int MAX_OPS = 24;
    private static final int PORT = 4000;

    @FuzzTest(maxDuration = "2m")
    void hostilePeer(byte[] input) throws Exception {
        if (input.length < 1) {
            return;
        }
        int type = (input[0] & 1) == 0 ? TYPE_STREAM : TYPE_SEQPACKET;
        try (ShmSegments segments = new ShmSegments()) {
            ShmNodes nodes = new ShmNodes(segments, GEOMETRY);
            ShmMedium medium = nodes.medium;
            SocketLayer a = nodes.a;
            SocketLayer b = nodes.b;
            try {
                SocketCore listener = LayerPairs.listener(a, type, PORT, 1, LayerPairs.Setup.NONE);
                SocketCore[] pair = LayerPairs.connect(listener, PORT, b, type, LayerPairs.Setup.NONE);
                SocketCore client = pair[0];
                SocketCore server = pair[1];
                Victim v = Victim.of(medium, type, client, server);
                ByteBuffer in = ByteBuffer.wrap(input, 1, input.length - 1).slice().order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < MAX_OPS && in.remaining() >= OP_BYTES; i++) {
                    v.step(in.get() & 0xFF, in.get() & 0xFF, in.getLong());
                }
                v.client(() -> client.close());
                server.close();
            } finally {
                a.close();
                b.close();
            }
        }
    }

    private interface Call {
        void run() throws IOException;
    }

    /**
     * One connection, the server's block and ring under the fuzzer's control: where they
     * are, as the server's header said before the fuzzing began.
     */
    private record Victim(ShmMedium medium, int type, SocketCore client, SocketCore server, long peerBlock,
                          long ownBlock, long ring, long ringCapacity) {
        static Victim of(ShmMedium medium, int type, SocketCore client, SocketCore server) {
            return new Victim(medium, type, client, server, GEOMETRY.controlBlockOffset(server.localNode(), server.index),
                    GEOMETRY.controlBlockOffset(client.localNode(), client.index), server.header().txRingOffset(),
                    server.header().txRingCapacity());
        }

        void step(int op, int arg, long value) throws IOException {
            switch (op % 13) {
                case 0 -> medium.putLongRelease(peerBlock + TX_TAIL_OFFSET, value);
                case 1 -> medium.putLongRelease(peerBlock + RX_HEAD_OFFSET, value);
                case 2 -> medium.putIntRelease(peerBlock + TX_FLAGS_OFFSET, (int) value);
                case 3 -> medium.putIntRelease(peerBlock + RX_FLAGS_OFFSET, (int) value);
                case 4 -> ringWrite(arg * 8L, value);
                case 5 -> ringWrite(medium.getLongAcquire(ownBlock + RX_HEAD_OFFSET), value); // the next frame's length
                case 6 -> rewriteHeader(arg, value);
                case 7 -> serverSends(arg);
                case 8 -> client((arg & 1) == 0 ? this::receiveNow : () -> pollNow(arg));
                case 9 -> client((op / 13 & 1) == 0 ? () -> sendNow(arg) : () -> claimNow(arg));
                case 10 -> timedClient(() -> receiveWithin2ms(arg));
                case 11 -> medium.putIntRelease(peerBlock + ((arg & 1) == 0 ? TX_EVENTS_OFFSET : RX_EVENTS_OFFSET), (int) value);
                default -> client(() -> {
                    if ((arg & 1) == 0) {
                        client.shutdownOutput();
                    } else {
                        client.shutdownInput();
                    }
                });
            }
        }

        /** Writes {@code value} (little-endian) at ring position {@code position}, wrapping like the ring does. */
        private void ringWrite(long position, long value) {
            for (int i = 0; i < Long.BYTES; i++) {
                byte[] one = {(byte) (value >>> (8 * i))};
                medium.writeRelease(ring + ((position + i) & (ringCapacity - 1)), one, 0, 1);
            }
        }

        /** Overwrites one 8-byte word of the peer's header; arg bit 7 reseals it. */
        private void rewriteHeader(int arg, long value) {
            ByteBuffer h = ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
            medium.readAcquire(peerBlock, h);
            h.putLong((arg % (HEADER_LENGTH / 8)) * 8, value);
            if ((arg & 0x80) != 0) {
                RecordSeal.seal(h, CRC_OFFSET);
            }
            medium.writeRelease(peerBlock, h.clear());
        }

        /** Real traffic from the peer's own code (it may fail: its block is what we damage). */
        private void serverSends(int arg) {
            ByteBuffer src = ByteBuffer.allocate(arg * 37);
            try {
                if (type == TYPE_STREAM) {
                    server.sending().send(src, false);
                } else if (src.remaining() <= server.maxMessageSize()) {
                    server.sending().sendMessage(src, false);
                }
            } catch (IOException e) {
                assertTyped(e, false);
            }
        }

        private void receiveNow() throws IOException {
            ByteBuffer dst = ByteBuffer.allocate(5000);
            if (type == TYPE_STREAM) {
                assertStreamReceived(client.receiving().receive(dst, false), dst);
            } else {
                assertMessageReceived(client.receiving().receiveMessage(dst, false, true), dst, false);
            }
        }

        private void sendNow(int arg) throws IOException {
            ByteBuffer src = ByteBuffer.allocate(arg * 61);
            if (type == TYPE_STREAM) {
                client.sending().send(src, false);
            } else if (src.remaining() <= client.maxMessageSize()) {
                client.sending().sendMessage(src, false);
            }
        }

        /** A zero-copy poll: each view within the ring, read whole; the count what the handler was given. */
        private void pollNow(int arg) throws IOException {
            int limit = type == TYPE_STREAM ? arg * 31 : arg & 7;
            long[] handed = {0, 0};
            long n = client.receiving().poll(data -> {
                assertTrue(data.isReadOnly() && data.remaining() <= ringCapacity, "a view of " + data.remaining());
                for (int i = data.position(); i < data.limit(); i++) {
                    handed[1] += data.get(i);
                }
                handed[0] += type == TYPE_STREAM ? data.remaining() : 1;
            }, limit);
            assertTrue(n >= -1 && n <= limit, "polled " + n + " with a limit of " + limit);
            assertEquals(Math.max(n, 0), handed[0], "said " + n + ", handed " + handed[0]);
        }

        /** A zero-copy claim, committed or (odd arg) aborted. */
        private void claimNow(int arg) throws IOException {
            int size = arg * 61;
            if (size > (type == TYPE_STREAM ? client.header().txRingCapacity() : client.maxMessageSize())) {
                return;
            }
            ByteBuffer b = client.sending().claim(size, false);
            if (b == null) {
                return;
            }
            assertEquals(size, b.remaining());
            b.put(b.position(), (byte) arg);
            if ((arg & 1) == 0) {
                client.sending().commit();
            } else {
                client.sending().abort();
            }
        }

        private void receiveWithin2ms(int arg) throws IOException {
            client.options().receiveTimeout(2);
            try {
                ByteBuffer dst = ByteBuffer.allocate(100);
                if (type == TYPE_STREAM) {
                    assertStreamReceived(client.receiving().receive(dst, true), dst);
                } else {
                    assertMessageReceived(client.receiving().receiveMessage(dst, true, (arg & 1) == 0), dst, true);
                }
            } finally {
                client.options().receiveTimeout(0);
            }
        }

        /** A non-blocking call of the victim: it returns, or throws a typed IOException; anything else escapes and is a finding. */
        void client(Call call) {
            try {
                call.run();
            } catch (IOException e) {
                assertTyped(e, false);
            }
        }

        /** A call with a timeout: as {@link #client}, and it may also time out. */
        void timedClient(Call call) {
            try {
                call.run();
            } catch (IOException e) {
                assertTyped(e, true);
            }
        }

        /**
         * What a damaged peer may cause: a {@link SocketException} (reset, closed, bad peer
         * data), a {@link MessageTooLargeException} naming a length the ring could hold, or
         * (only where the call waits) a {@link SocketTimeoutException}; never a bare
         * IOException or another kind, which would mean a fault went untranslated.
         */
        private void assertTyped(IOException e, boolean mayTimeOut) {
            if (e instanceof SocketTimeoutException) {
                assertTrue(mayTimeOut, "a non-blocking call timed out: " + e);
            } else if (e instanceof MessageTooLargeException m) {
                assertTrue(m.messageLength() >= 0 && m.messageLength() <= ringCapacity,
                        "a message of " + m.messageLength() + " bytes cannot be in a ring of " + ringCapacity);
            } else {
                assertInstanceOf(SocketException.class, e, "untyped failure: " + e);
            }
        }

        /** A stream receive moved what it says, within the buffer: -1 (end), or 0..capacity bytes. */
        private static void assertStreamReceived(int n, ByteBuffer dst) {
            assertTrue(n >= -1 && n <= dst.capacity(), "received " + n + " into " + dst.capacity() + " bytes");
            assertEquals(Math.max(n, 0), dst.position(), "said " + n + ", moved " + dst.position());
        }

        /** A message receive gives a length the ring could hold, and copies what fits of it. */
        private void assertMessageReceived(long n, ByteBuffer dst, boolean blocking) {
            assertTrue(n >= (blocking ? -1 : -2) && n <= ringCapacity, "message length " + n + ", ring " + ringCapacity);
            assertEquals(n < 0 ? 0 : Math.min(n, dst.capacity()), dst.position(), "said " + n + ", moved " + dst.position());
        }
    }
}
