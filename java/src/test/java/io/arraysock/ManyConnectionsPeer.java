package io.arraysock;

import io.arraysock.api.SocketType;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Child scenario: on GO, opens {@code connections} connections to {@code port} at once;
 * connection i sends its id and {@code bytes} bytes seeded with i, then checks the reply is
 * the stream seeded with -i-1. Prints {@code BAD why} per failed connection and
 * {@code VERIFIED count}.
 */
record ManyConnectionsPeer(int port, int connections, int bytes) implements Peer.Scenario {
    @Override
    public void run(Peer p) throws Exception {
        p.await("GO");
        ExecutorService pool = Executors.newFixedThreadPool(connections);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                int id = i;
                results.add(pool.submit(() -> connection(p.array(), port, id, bytes)));
            }
            int ok = 0;
            for (Future<String> f : results) {
                String r = f.get();
                if (r.equals("ok")) {
                    ok++;
                } else {
                    Peer.say("BAD " + r);
                }
            }
            Peer.say("VERIFIED " + ok);
        } finally {
            pool.shutdown();
        }
    }

    private static String connection(StorageArray array, int port, int id, int bytes) throws Exception {
        try (ArraySocket s = array.openSocket(SocketType.STREAM)) {
            s.setSendBufferSize(64 * 1024);
            s.setReceiveBufferSize(64 * 1024);
            s.connect(port);
            s.send(ByteBuffer.allocate(4).putInt(0, id));
            SeededStreams.sendSeeded(s, id, bytes);
            String got = SeededStreams.receiveAll(s);
            String want = bytes + " " + SeededStreams.expectedSha(-id - 1, bytes);
            return got.equals(want) ? "ok" : "connection " + id + " got " + got + " want " + want;
        }
    }
}
