package io.arraysock.socket;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.JI_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * {@link RingClaimPoll} for a message: a claimed frame of 4088 bytes written in place, then
 * {@link RingProducer#commitFrame} (the length, then the tail), against
 * {@link HandlerPoll#messages}, which checks the length and hands the payload where it lies.
 * A message handed must be whole: its length and every word as written.
 *
 * <p>Result: r1 = messages handed, r2 = how many of the payload's 8-byte words the handler saw.
 */
@JCStressTest
@Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "Nothing published yet.")
@Outcome(id = "1, 511", expect = ACCEPTABLE, desc = "The whole message, every word of it.")
@Outcome(expect = FORBIDDEN, desc = "A part of the message, or words the handler did not see written.")
@State
public class RingClaimPollMessage {
    private static final long PAYLOAD = 0x5A5A_5A5A_5A5A_5A5AL;
    private final RingPair ring = new RingPair();
    private final RingViews claims = new RingViews(ring.producer.ringView(), false);
    private final HandlerPoll polls = new HandlerPoll(ring.consumer, false, RingPair.CAPACITY - RingProducer.FRAME_HEADER);

    @Actor
    public void producer() {
        ring.claimAndCommit(claims, true, PAYLOAD);
    }

    @Actor
    public void consumer(JI_Result r) {
        int[] seen = {0};
        r.r1 = ring.poll(polls, true, PAYLOAD, seen);
        r.r2 = seen[0];
    }
}
