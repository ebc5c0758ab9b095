package io.arraysock.socket;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import java.nio.ByteBuffer;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * The real ring, Java copy path: {@link RingProducer#offer} of 32 bytes from a heap buffer
 * (copied through the mapping's windows, then the tail release-stored) against
 * {@link RingConsumer#poll} into a heap buffer. A poll that returns bytes must have all of
 * them. {@link RingOfferPollDirect} is the native path.
 *
 * <p>Result: r1 = bytes polled, r2 = how many of its 8-byte words were the payload's.
 */
@JCStressTest
@Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "Nothing published yet.")
@Outcome(id = "32, 4", expect = ACCEPTABLE, desc = "The whole offer, every byte of it.")
@Outcome(expect = FORBIDDEN, desc = "A part of the offer, or bytes the poll did not see written.")
@State
public class RingOfferPollHeap {
    private static final int BYTES = 32;
    private static final long PAYLOAD = 0x5A5A_5A5A_5A5A_5A5AL;
    private final RingPair ring = new RingPair();
    private final ByteBuffer src = RingPair.payload(BYTES, false, PAYLOAD);
    private final ByteBuffer dst = ByteBuffer.allocate(BYTES).order(src.order());

    @Actor
    public void producer() {
        ring.offer(src);
    }

    @Actor
    public void consumer(II_Result r) {
        int n = ring.poll(dst);
        r.r1 = n;
        r.r2 = RingPair.wordsOf(dst, n, PAYLOAD);
    }
}
