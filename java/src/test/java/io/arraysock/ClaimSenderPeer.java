package io.arraysock;

import io.arraysock.api.SocketType;

/**
 * Child scenario: on GO, connects a stream socket with a 64 KiB send ring to {@code port}
 * (payload checksums on: its ring chunked), sends {@code total} bytes seeded with {@code seed}
 * through zero-copy claims ({@code now}: {@code tryClaim}, retried) and prints {@code SENT sha256}.
 */
record ClaimSenderPeer(int port, long seed, long total, boolean now, boolean checksums) implements Peer.Scenario {
    @Override
    public void run(Peer p) throws Exception {
        p.await("GO");
        try (ArraySocket s = p.array().openSocket(SocketType.STREAM)) {
            s.setSendBufferSize(64 * 1024); // small: claims wait for room, and many lie across the ring's end
            s.setPayloadChecksums(checksums);
            s.connect(port);
            Peer.say("SENT " + SeededStreams.sendSeededClaimed(s, seed, total, now));
        }
    }
}
