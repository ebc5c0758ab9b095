package io.arraysock;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;

/**
 * Child scenario: on GO, connects a seqpacket socket with a {@value MessagesPeer#RING}-byte send
 * ring to {@code port} and sends {@code count} messages seeded as {@link MessagesPeer}'s, in
 * batches of 1..32 through {@code sendMessages} ({@code now}: {@code sendMessagesNow}, retried
 * from where it stopped), then ends; prints {@code MAX max}.
 */
record MessageBatchPeer(int port, int count, long seed, boolean now) implements Peer.Scenario {
    static final int MAX_BATCH = 32;

    @Override
    public void run(Peer p) throws Exception {
        try (ArraySocket s = MessagesPeer.connectOnGo(p, port)) {
            int max = s.maxMessageSize();
            Peer.say("MAX " + max);
            SplittableRandom sizes = new SplittableRandom(seed);
            SplittableRandom batches = new SplittableRandom(~seed);
            ByteBuffer[] batch = new ByteBuffer[MAX_BATCH];
            for (int k = 0; k < MAX_BATCH; k++) {
                batch[k] = ByteBuffer.allocateDirect(max);
            }
            for (int i = 0; i < count; ) {
                int n = Math.min(count - i, 1 + batches.nextInt(MAX_BATCH));
                for (int k = 0; k < n; k++) {
                    MessagesPeer.message(batch[k], seed, i + k, 1 + sizes.nextInt(max));
                }
                if (now) {
                    for (int sent = 0; sent < n; ) {
                        int k = s.sendMessagesNow(batch, sent, n - sent);
                        if (k == 0) {
                            Thread.onSpinWait();
                        }
                        sent += k;
                    }
                } else if (s.sendMessages(batch, 0, n) != n) {
                    throw new AssertionError("a blocking sendMessages sent less than all");
                }
                i += n;
            }
            s.shutdownOutput();
            Peer.say("SENT " + count);
        }
    }
}
