package io.arraysock;

import io.arraysock.api.SocketType;

import java.nio.ByteBuffer;

/**
 * Child of {@link PayloadChecksumTest}: connects to {@code args[1]} on the array at
 * {@code args[0]} and sends {@link #patternByte} bytes until the connection breaks.
 * Prints {@code CONNECTED}, then {@code ENDED class message} when a send fails.
 */
public final class PatternSender {
    private PatternSender() {
    }

    /** The byte at stream offset {@code i}: a multiplicative hash, so no lap or shift of the stream repeats it. */
    static byte patternByte(long i) {
        return (byte) (i * 0x9E3779B97F4A7C15L >>> 56);
    }

    public static void main(String[] args) throws Exception {
        try (StorageArray array = StorageArray.attach(args[0]);
             ArraySocket s = array.openSocket(SocketType.STREAM)) {
            s.setSendBufferSize(Integer.parseInt(args[2]));
            s.connect(Integer.parseInt(args[1]));
            Peer.say("CONNECTED " + array.nodeSlot());
            ByteBuffer buf = ByteBuffer.allocateDirect(64 * 1024);
            long sent = 0;
            try {
                while (true) {
                    buf.clear();
                    for (int i = 0; i < buf.capacity(); i++) {
                        buf.put(i, patternByte(sent + i));
                    }
                    s.send(buf);
                    sent += buf.capacity();
                }
            } catch (java.io.IOException e) {
                Peer.say("ENDED " + e.getClass().getName() + " " + e.getMessage());
            }
        }
    }
}
