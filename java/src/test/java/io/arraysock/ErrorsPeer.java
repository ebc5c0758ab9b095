package io.arraysock;

import io.arraysock.api.SocketType;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * Child scenario for {@link ErrorLogTest}: provokes distinct errors of its own node. On GO, connects
 * twice to the plain listener on {@code port + 1}, whose connections the parent aborts once
 * told CONNECTED (two
 * resets, one distinct error), three times to {@code port + 9}, where nothing listens (one
 * distinct error, count 3: the ports' digits are masked), and once with {@code wrongKey} to
 * the keyed listener on {@code port} (an authentication failure), once told KEYED. Prints {@code PROVOKED},
 * and stays attached until CLOSE so its log is the current holder's.
 */
record ErrorsPeer(int port, byte[] wrongKey) implements Peer.Scenario {
    @Override
    public void run(Peer p) throws Exception {
        p.await("GO"); // the parent's plain listener listens
        for (int i = 0; i < 2; i++) {
            try (ArraySocket s = p.array().openSocket(SocketType.STREAM)) {
                s.connect(port + 1, Duration.ofSeconds(10));
                Peer.say("CONNECTED");
                ByteBuffer b = ByteBuffer.allocate(16);
                try {
                    while (s.receive(b.clear()) >= 0) {
                        // until the parent's abort resets it
                    }
                    throw new IllegalStateException("a clean end of stream, not a reset");
                } catch (SocketException reset) {
                    Peer.say("RESET " + reset.getMessage());
                }
            } catch (IOException e) {
                throw e;
            }
        }
        p.await("KEYED"); // the parent's keyed listener listens from now on
        for (int i = 0; i < 3; i++) {
            try (ArraySocket s = p.array().openSocket(SocketType.STREAM)) {
                s.connect(port + 9, Duration.ofSeconds(5));
                throw new IllegalStateException("connected to a port nothing listens on");
            } catch (ConnectException expected) {
                // logged
            }
        }
        try (ArraySocket s = p.array().openSocket(SocketType.STREAM)) {
            s.setAuthenticationKey(wrongKey);
            s.connect(port, Duration.ofSeconds(10));
            throw new IllegalStateException("a wrong key connected");
        } catch (ConnectException expected) {
            // logged
        }
        Peer.say("PROVOKED");
        p.await("CLOSE");
    }
}
