package io.arraysock;

import io.arraysock.api.SocketType;

/**
 * Child scenario: on GO, connects to {@code port} with the pre-shared {@code key} (no
 * encryption setting of its own: the listener asks for it), prints {@code ENCRYPTED
 * true|false}, sends {@code total} bytes seeded with {@code seed} and prints {@code SENT sha256}.
 */
record EncryptedSenderPeer(int port, long seed, long total, byte[] key) implements Peer.Scenario {
    @Override
    public void run(Peer p) throws Exception {
        p.await("GO");
        try (ArraySocket s = p.array().openSocket(SocketType.STREAM)) {
            s.setAuthenticationKey(key);
            s.setSendBufferSize(1 << 20);
            s.connect(port);
            Peer.say("ENCRYPTED " + s.isEncrypted());
            Peer.say("SENT " + SeededStreams.sendSeeded(s, seed, total));
        }
    }
}
