package io.arraysock;

import io.arraysock.api.SocketType;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Child scenario: connects to {@code port}, prints {@code CONNECTED slot}, then sends
 * forever (or, if not {@code send}, never reads nor sends); when a send fails it prints
 * {@code FAILED class message} and exits 3.
 */
record StreamForeverPeer(int port, boolean send) implements Peer.Scenario {
    @Override
    public void run(Peer p) throws Exception {
        ArraySocket s = p.array().openSocket(SocketType.STREAM);
        s.connect(port);
        Peer.say("CONNECTED " + p.array().nodeSlot());
        ByteBuffer buf = ByteBuffer.allocateDirect(64 * 1024);
        try {
            while (true) {
                if (send) {
                    s.send(buf.clear());
                } else {
                    Thread.sleep(1000);
                }
            }
        } catch (IOException e) {
            Peer.say("FAILED " + e.getClass().getSimpleName() + " " + e.getMessage() + Peer.causes(e));
            System.exit(3);
        }
    }
}
