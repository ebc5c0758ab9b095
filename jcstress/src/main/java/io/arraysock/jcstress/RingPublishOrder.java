package io.arraysock.jcstress;

import io.arraysock.medium.ShmMedium;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.JJ_Result;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * The ring's publish/consume ordering, as RingProducer and RingConsumer do it on ShmMedium:
 * the producer copies the payload in ({@code writeRelease}, a bulk copy) then release-stores
 * the tail; the consumer acquire-loads the tail then copies the payload out
 * ({@code readAcquire}). A consumer that sees the new tail must see all of the payload:
 * never a tail ahead of its data.
 *
 * <p>Result: r1 = tail seen, r2 = how many of the payload's {@value #WORDS} words were seen.
 *
 * <p>This holds the medium's primitives to the ordering; {@code io.arraysock.socket.RingOfferPollDirect}
 * and {@code RingOfferPollHeap} drive the real RingProducer and RingConsumer (native and
 * Java copy paths).
 */
@JCStressTest
@Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "Nothing published yet.")
@Outcome(id = {"0, 1", "0, 2", "0, 3"}, expect = ACCEPTABLE_INTERESTING, desc = "Payload partly visible before the tail: harmless, the tail does not cover it.")
@Outcome(id = "0, 4", expect = ACCEPTABLE, desc = "Payload visible, tail not yet.")
@Outcome(id = "32, 4", expect = ACCEPTABLE, desc = "Tail and all of its payload.")
@Outcome(id = {"32, 0", "32, 1", "32, 2", "32, 3"}, expect = FORBIDDEN, desc = "Tail ahead of its data.")
@State
public class RingPublishOrder {
    private static final int WORDS = 4;
    private static final long PAYLOAD = 0x5A5A_5A5A_5A5A_5A5AL;
    private static final ShmMedium M = Segments.MEDIUM;

    private final long tailWord = Segments.region();
    private final long ring = tailWord + 64;
    private final ByteBuffer src = ByteBuffer.allocate(WORDS * 8).order(ByteOrder.LITTLE_ENDIAN);
    private final ByteBuffer dst = ByteBuffer.allocate(WORDS * 8).order(ByteOrder.LITTLE_ENDIAN);

    public RingPublishOrder() {
        for (int i = 0; i < WORDS; i++) {
            src.putLong(i * 8, PAYLOAD);
        }
    }

    @Actor
    public void producer() {
        M.writeRelease(ring, src.clear());
        M.putLongRelease(tailWord, WORDS * 8);
    }

    @Actor
    public void consumer(JJ_Result r) {
        long tail = M.getLongAcquire(tailWord);
        M.readAcquire(ring, dst.clear());
        int seen = 0;
        for (int i = 0; i < WORDS; i++) {
            if (dst.getLong(i * 8) == PAYLOAD) {
                seen++;
            }
        }
        r.r1 = tail;
        r.r2 = seen;
    }
}
