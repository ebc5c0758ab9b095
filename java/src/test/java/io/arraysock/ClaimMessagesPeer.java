package io.arraysock;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;

/**
 * Child scenario: {@link MessagesPeer}'s messages (seeded sizes and contents, the same
 * {@link MessagesPeer#RING}-byte send ring), each written into a zero-copy claim ({@code now}:
 * {@code tryClaim}, retried) and committed; every fifth is first claimed, scribbled on and
 * aborted. Prints {@code MAX max} once it ended its output.
 */
record ClaimMessagesPeer(int port, int count, long seed, boolean now) implements Peer.Scenario {
    @Override
    public void run(Peer p) throws Exception {
        try (ArraySocket s = MessagesPeer.connectOnGo(p, port)) {
            int max = s.maxMessageSize();
            SplittableRandom random = new SplittableRandom(seed);
            SendClaim claim = new SendClaim();
            ByteBuffer message = ByteBuffer.allocateDirect(max); // filled as MessagesPeer fills its buffer
            for (int i = 0; i < count; i++) {
                int size = 1 + random.nextInt(max);
                if (i % 5 == 0) {
                    SeededStreams.claim(s, size, claim, now);
                    claim.buffer().put(claim.buffer().position(), (byte) 0x5a);
                    claim.abort();
                }
                SeededStreams.claim(s, size, claim, now);
                claim.buffer().put(MessagesPeer.message(message, seed, i, size));
                claim.commit();
            }
            s.shutdownOutput();
            Peer.say("MAX " + max);
        }
    }
}
