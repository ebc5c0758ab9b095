package io.arraysock;

import io.arraysock.api.SocketType;

import java.nio.ByteBuffer;

/**
 * Child scenario: on GO, {@code cycles} times connects to {@code port}, sends 1 KiB starting
 * with the cycle number, reads the echo to its end and checks it, closes; prints
 * {@code CYCLES n}, then waits for EXIT.
 */
record CyclesPeer(int port, int cycles) implements Peer.Scenario {
    private static final int MESSAGE = 1024;

    @Override
    public void run(Peer p) throws Exception {
        p.await("GO");
        ByteBuffer out = ByteBuffer.allocateDirect(MESSAGE);
        ByteBuffer back = ByteBuffer.allocateDirect(2 * MESSAGE);
        for (int i = 0; i < cycles; i++) {
            try (ArraySocket s = p.array().openSocket(SocketType.STREAM)) {
                s.setSendBufferSize(4096);
                s.setReceiveBufferSize(4096);
                s.connect(port);
                out.clear().putInt(0, i);
                s.send(out);
                s.shutdownOutput();
                back.clear();
                while (s.receive(back) >= 0) {
                    // until the echo ends
                }
                if (back.position() != MESSAGE || back.getInt(0) != i) {
                    throw new IllegalStateException("cycle " + i + ": echo of " + back.position() + " bytes, id " + back.getInt(0));
                }
            }
        }
        Peer.say("CYCLES " + cycles);
        p.await("EXIT");
    }
}
