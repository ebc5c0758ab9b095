package io.arraysock;

import io.arraysock.api.SocketType;

import java.net.ConnectException;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * Child scenario: connects to {@code port} without a key, with {@code wrong}, then with
 * {@code right}; prints {@code AUTH connected} or {@code AUTH refused message} for each.
 */
record AuthConnectsPeer(int port, byte[] wrong, byte[] right) implements Peer.Scenario {
    @Override
    public void run(Peer p) throws Exception {
        for (byte[] key : new byte[][] {null, wrong, right}) {
            try (ArraySocket s = p.array().openSocket(SocketType.STREAM)) {
                if (key != null) {
                    s.setAuthenticationKey(key);
                }
                s.connect(port, Duration.ofSeconds(10));
                s.send(ByteBuffer.wrap(new byte[] {42}));
                Peer.say("AUTH connected");
            } catch (ConnectException e) {
                Peer.say("AUTH refused " + e.getMessage());
            }
        }
    }
}
