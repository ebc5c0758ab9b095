package io.arraysock;

import io.arraysock.api.SocketType;

/**
 * Child scenario: on GO, connects to {@code port}, sends {@code total} bytes seeded with
 * {@code seed} by gathering sends ({@code now}: non-blocking ones) and prints {@code SENT sha256}.
 */
record GatherSenderPeer(int port, long seed, long total, boolean now) implements Peer.Scenario {
    @Override
    public void run(Peer p) throws Exception {
        p.await("GO");
        try (ArraySocket s = p.array().openSocket(SocketType.STREAM)) {
            s.setSendBufferSize(64 * 1024); // small: the ring fills, so sends are cut short and resumed
            s.connect(port);
            Peer.say("SENT " + SeededStreams.sendSeededGathered(s, seed, total, now));
        }
    }
}
