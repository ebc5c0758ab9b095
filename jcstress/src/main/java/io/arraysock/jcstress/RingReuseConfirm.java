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
 * The consumer's confirmation after a copy (docs/PROTOCOL.md, "Confirming the producer"), as
 * RingConsumer and the reusing node do it on ShmMedium: the node that reuses a ring first
 * rewrites the block's header ({@code writeRelease}: a release FREE, or a claim's zeroing),
 * then writes another connection's bytes into the ring ({@code writeRelease}); the consumer
 * copies out of the ring ({@code readAcquire}) and then loads the header's sequence. A
 * consumer that copied any of the new bytes must see the header changed, so it never
 * delivers them as its own.
 *
 * <p>Result: r1 = 1 if the sequence read after the copy was still the old one, r2 = how
 * many of the ring's {@value #WORDS} words the copy found overwritten.
 */
@JCStressTest
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "Copied before the reuse, header unchanged: the bytes are ours.")
@Outcome(id = {"0, 0", "0, 1", "0, 2", "0, 3"}, expect = ACCEPTABLE_INTERESTING, desc = "Header changed seen, bytes not all new yet: judged again, dropped.")
@Outcome(id = "0, 4", expect = ACCEPTABLE, desc = "Header changed and new bytes: judged again, dropped.")
@Outcome(id = {"1, 1", "1, 2", "1, 3", "1, 4"}, expect = FORBIDDEN, desc = "New bytes copied, old header seen: another connection's bytes delivered.")
@State
public class RingReuseConfirm {
    private static final int WORDS = 4;
    private static final long OLD_SEQUENCE = 7;
    private static final long FOREIGN = 0x5A5A_5A5A_5A5A_5A5AL;
    private static final ShmMedium M = Segments.MEDIUM;

    private final long header = Segments.region();
    private final long ring = header + 256;
    private final ByteBuffer zeroedHeader = ByteBuffer.allocate(128).order(ByteOrder.LITTLE_ENDIAN);
    private final ByteBuffer foreign = ByteBuffer.allocate(WORDS * 8).order(ByteOrder.LITTLE_ENDIAN);
    private final ByteBuffer dst = ByteBuffer.allocate(WORDS * 8).order(ByteOrder.LITTLE_ENDIAN);

    public RingReuseConfirm() {
        M.putLongRelease(header, OLD_SEQUENCE);
        for (int i = 0; i < WORDS; i++) {
            foreign.putLong(i * 8, FOREIGN);
        }
    }

    @Actor
    public void reuser() {
        M.writeRelease(header, zeroedHeader.clear()); // a claim zeroes the partition first
        M.writeRelease(ring, foreign.clear());       // then its new connection writes the ring
    }

    @Actor
    public void consumer(JJ_Result r) {
        M.readAcquire(ring, dst.clear());
        long sequence = M.getLongAcquire(header);
        int seen = 0;
        for (int i = 0; i < WORDS; i++) {
            if (dst.getLong(i * 8) == FOREIGN) {
                seen++;
            }
        }
        r.r1 = sequence == OLD_SEQUENCE ? 1 : 0;
        r.r2 = seen;
    }
}
