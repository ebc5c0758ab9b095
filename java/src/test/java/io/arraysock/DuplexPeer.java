package io.arraysock;

import io.arraysock.api.SocketType;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Child scenario: on GO, connects to {@code port} and sends {@code total} bytes seeded with
 * {@code seed} while it receives; prints {@code SENT sha256} and {@code RECEIVED count sha256}.
 */
record DuplexPeer(int port, long seed, long total) implements Peer.Scenario {
    @Override
    public void run(Peer p) throws Exception {
        p.await("GO");
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (ArraySocket s = p.array().openSocket(SocketType.STREAM)) {
            s.setSendBufferSize(1 << 20);
            s.setReceiveBufferSize(1 << 20);
            s.connect(port);
            Future<String> received = pool.submit(() -> SeededStreams.receiveAll(s));
            Peer.say("SENT " + SeededStreams.sendSeeded(s, seed, total));
            Peer.say("RECEIVED " + received.get());
        } finally {
            pool.shutdown();
        }
    }
}
