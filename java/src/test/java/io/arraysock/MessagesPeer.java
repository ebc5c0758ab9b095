package io.arraysock;

import io.arraysock.api.SocketType;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;

/**
 * Child scenario: on GO, connects a seqpacket socket with a {@value #RING}-byte send ring to
 * {@code port} and sends {@code count} messages of seeded sizes 1..max and contents
 * (message i seeded with {@code seed ^ i}), then ends; prints {@code MAX max} and
 * {@code END n}, what a receive gives after the parent's end (-1).
 */
record MessagesPeer(int port, int count, long seed) implements Peer.Scenario {
    static final int RING = 16384;

    @Override
    public void run(Peer p) throws Exception {
        try (ArraySocket s = connectOnGo(p, port)) {
            int max = s.maxMessageSize();
            SplittableRandom random = new SplittableRandom(seed);
            ByteBuffer buf = ByteBuffer.allocateDirect(max);
            for (int i = 0; i < count; i++) {
                s.sendMessage(message(buf, seed, i, 1 + random.nextInt(max)));
            }
            s.shutdownOutput();
            Peer.say("MAX " + max);
            Peer.say("END " + s.receiveMessage(ByteBuffer.allocate(1)));
        }
    }

    /** On GO: a seqpacket socket with a {@value #RING}-byte send ring, connected to {@code port} (the senders of these messages). */
    static ArraySocket connectOnGo(Peer p, int port) throws Exception {
        p.await("GO");
        ArraySocket s = p.array().openSocket(SocketType.SEQPACKET);
        try {
            s.setSendBufferSize(RING);
            s.connect(port);
            return s;
        } catch (Exception e) {
            s.close();
            throw e;
        }
    }

    /** Message {@code i} of the stream seeded {@code seed}, {@code size} bytes, in {@code buf} (flipped, ready to send). */
    static ByteBuffer message(ByteBuffer buf, long seed, int i, int size) {
        buf.clear().limit(size);
        SeededStreams.fill(new SplittableRandom(seed ^ i), buf);
        return buf.limit(size);
    }

    /** The parent's side: receives the {@code count} messages of a peer sending up to {@code max} bytes each, checks each, then the end. */
    static void receiveAndCheck(ArraySocket s, int count, long seed, int max) throws Exception {
        SplittableRandom sizes = new SplittableRandom(seed);
        ByteBuffer got = ByteBuffer.allocateDirect(max);
        ByteBuffer want = ByteBuffer.allocateDirect(max);
        for (int i = 0; i < count; i++) {
            int size = 1 + sizes.nextInt(max);
            int n = s.receiveMessage(got.clear());
            org.junit.jupiter.api.Assertions.assertEquals(size, n, "length of message " + i);
            org.junit.jupiter.api.Assertions.assertEquals(message(want, seed, i, size), got.flip(), "contents of message " + i);
        }
        org.junit.jupiter.api.Assertions.assertEquals(-1, s.receiveMessage(got.clear()));
    }
}
