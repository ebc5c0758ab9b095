package io.arraysock;

import io.arraysock.api.SocketType;

import java.nio.ByteBuffer;

/**
 * Child scenario: on GO, connects a stream socket to {@code port} and sends {@code sends}
 * sends of {@code size} bytes, then a seqpacket socket to {@code port + 1} and sends
 * {@code messages} messages of 1 + i % 100 bytes, then a stream socket to {@code port + 2}
 * and sends {@code paced} single bytes, each after a pause of {@link #PAUSE_MS} ms (long
 * enough for the receiver to be asleep, and for its sleeps to time out several times);
 * prints {@code SENT}, and keeps the connections open until CLOSE (so the parent can read
 * their counters).
 */
record CountersPeer(int port, int sends, int size, int messages, int paced) implements Peer.Scenario {
    static final long PAUSE_MS = 300;

    static long messageBytes(int messages) {
        long total = 0;
        for (int i = 0; i < messages; i++) {
            total += 1 + i % 100;
        }
        return total;
    }

    @Override
    public void run(Peer p) throws Exception {
        p.await("GO");
        try (ArraySocket stream = p.array().openSocket(SocketType.STREAM);
             ArraySocket packets = p.array().openSocket(SocketType.SEQPACKET);
             ArraySocket slow = p.array().openSocket(SocketType.STREAM)) {
            stream.connect(port);
            ByteBuffer buf = ByteBuffer.allocateDirect(Math.max(size, 100));
            for (int i = 0; i < sends; i++) {
                buf.clear().limit(size);
                stream.send(buf);
            }
            packets.connect(port + 1);
            for (int i = 0; i < messages; i++) {
                buf.clear().limit(1 + i % 100);
                packets.sendMessage(buf);
            }
            slow.connect(port + 2);
            for (int i = 0; i < paced; i++) {
                Thread.sleep(PAUSE_MS);
                slow.send(buf.clear().limit(1));
            }
            Peer.say("SENT");
            p.await("CLOSE");
        }
    }
}
