package io.arraysock.socket;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.JI_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * The real ring, zero-copy both ways, stream bytes: a claim of the whole 4 KiB ring written in
 * place with plain stores (as an application writes {@code SendClaim.buffer()}), then
 * {@link RingProducer#commitBytes} (one release store of the tail), against
 * {@link HandlerPoll#bytes}, whose handler reads the ring where it lies (no copy: the tail's
 * acquire load is all that orders it). A poll that hands bytes must hand all of them, every
 * word as written: never a tail ahead of its data.
 *
 * <p>Result: r1 = bytes handed, r2 = how many of their 8-byte words were the payload's.
 */
@JCStressTest
@Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "Nothing published yet.")
@Outcome(id = "4096, 512", expect = ACCEPTABLE, desc = "The whole claim, every word of it.")
@Outcome(expect = FORBIDDEN, desc = "A part of the claim, or words the handler did not see written.")
@State
public class RingClaimPoll {
    private static final long PAYLOAD = 0x5A5A_5A5A_5A5A_5A5AL;
    private final RingPair ring = new RingPair();
    private final RingViews claims = new RingViews(ring.producer.ringView(), false);
    private final HandlerPoll polls = new HandlerPoll(ring.consumer, false, RingPair.CAPACITY);

    @Actor
    public void producer() {
        ring.claimAndCommit(claims, false, PAYLOAD);
    }

    @Actor
    public void consumer(JI_Result r) {
        int[] seen = {0};
        r.r1 = ring.poll(polls, false, PAYLOAD, seen);
        r.r2 = seen[0];
    }
}
