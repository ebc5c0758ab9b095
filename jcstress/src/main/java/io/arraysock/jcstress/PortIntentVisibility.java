package io.arraysock.jcstress;

import io.arraysock.medium.ShmMedium;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import java.nio.ByteBuffer;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * The port claim's intent-then-scan, as PortBinder does it: each binder writes its intent
 * into its own control block ({@code writeRelease}, a bulk copy of the sealed header), full
 * fence, then reads the other's block ({@code readAcquire}). At most one of two racing
 * binders may miss the other: never both see nothing (that would be two holders).
 *
 * <p>Result: r1 = whether A saw B's intent, r2 = whether B saw A's.
 */
@JCStressTest
@Outcome(id = {"1, 0", "0, 1", "1, 1"}, expect = ACCEPTABLE, desc = "At least one saw the other: at most one keeps the port.")
@Outcome(id = "0, 0", expect = FORBIDDEN, desc = "Neither saw the other: both would hold the port.")
@State
public class PortIntentVisibility {
    private static final ShmMedium M = Segments.MEDIUM;
    /** The header length of a control block: the intent is written and read whole, like the real thing. */
    private static final int HEADER = 128;

    private final long blockA = Segments.region();
    private final long blockB = blockA + 256;
    private final ByteBuffer intentA = intent();
    private final ByteBuffer intentB = intent();
    private final ByteBuffer readA = ByteBuffer.allocate(HEADER);
    private final ByteBuffer readB = ByteBuffer.allocate(HEADER);

    private static ByteBuffer intent() {
        ByteBuffer b = ByteBuffer.allocate(HEADER);
        b.put(8, (byte) 2); // STATE_BIND_INTENT at the state offset
        return b;
    }

    @Actor
    public void binderA(II_Result r) {
        M.writeRelease(blockA, intentA.clear());
        M.fullFence();
        M.readAcquire(blockB, readB.clear());
        r.r1 = readB.get(8) / 2;
    }

    @Actor
    public void binderB(II_Result r) {
        M.writeRelease(blockB, intentB.clear());
        M.fullFence();
        M.readAcquire(blockA, readA.clear());
        r.r2 = readA.get(8) / 2;
    }
}
