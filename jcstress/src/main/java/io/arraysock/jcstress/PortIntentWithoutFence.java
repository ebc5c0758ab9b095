package io.arraysock.jcstress;

import io.arraysock.medium.ShmMedium;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import java.nio.ByteBuffer;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;

/**
 * The control for {@link PortIntentVisibility}: the same race without the full fence between
 * the intent write and the scan. Release/acquire alone do not order a store before a later
 * load, so "0, 0" (both binders miss each other) is allowed and, on x86, observed: this is
 * why PortBinder calls {@code fullFence()}. Never FORBIDDEN: it documents, it does not guard.
 */
@JCStressTest
@Outcome(id = {"1, 0", "0, 1", "1, 1"}, expect = ACCEPTABLE, desc = "At least one saw the other.")
@Outcome(id = "0, 0", expect = ACCEPTABLE_INTERESTING, desc = "Both missed: the store-load reordering the fence prevents.")
@State
public class PortIntentWithoutFence {
    private static final ShmMedium M = Segments.MEDIUM;
    private static final int HEADER = 128;

    private final long blockA = Segments.region();
    private final long blockB = blockA + 256;
    private final ByteBuffer intentA = ByteBuffer.allocate(HEADER).put(8, (byte) 1);
    private final ByteBuffer intentB = ByteBuffer.allocate(HEADER).put(8, (byte) 1);
    private final ByteBuffer readA = ByteBuffer.allocate(HEADER);
    private final ByteBuffer readB = ByteBuffer.allocate(HEADER);

    @Actor
    public void binderA(II_Result r) {
        M.writeRelease(blockA, intentA.clear());
        M.readAcquire(blockB, readB.clear());
        r.r1 = readB.get(8);
    }

    @Actor
    public void binderB(II_Result r) {
        M.writeRelease(blockB, intentB.clear());
        M.readAcquire(blockA, readA.clear());
        r.r2 = readA.get(8);
    }
}
