package io.arraysock.jcstress;

import io.arraysock.medium.ShmMedium;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.JI_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * The ring's sleep/wake handshake (no lost wake-up): the producer release-stores the tail,
 * full fence, then reads the consumer's "waiting" word to decide whether to wake it; the
 * consumer sets "waiting", full fence, then re-reads the tail before it sleeps. If the
 * producer saw no waiter, the consumer must have seen the new tail (and not slept).
 *
 * <p>Result: r1 = tail the consumer saw, r2 = waiting word the producer saw.
 */
@JCStressTest
@Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "Consumer sleeps; the producer saw it waiting and wakes it.")
@Outcome(id = "8, 0", expect = ACCEPTABLE, desc = "Consumer saw the data; the producer skips the wake.")
@Outcome(id = "8, 1", expect = ACCEPTABLE, desc = "Both saw each other.")
@Outcome(id = "0, 0", expect = FORBIDDEN, desc = "Lost wake-up: the consumer sleeps on old data and nobody wakes it.")
@State
public class RingWakeup {
    private static final ShmMedium M = Segments.MEDIUM;

    private final long tailWord = Segments.region();
    private final long waitingWord = tailWord + 64;

    @Actor
    public void producer(JI_Result r) {
        M.putLongRelease(tailWord, 8);
        M.fullFence();
        r.r2 = M.getIntAcquire(waitingWord);
    }

    @Actor
    public void consumer(JI_Result r) {
        M.putIntRelease(waitingWord, 1);
        M.fullFence();
        r.r1 = M.getLongAcquire(tailWord);
    }
}
