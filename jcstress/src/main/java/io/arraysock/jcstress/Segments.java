package io.arraysock.jcstress;

import io.arraysock.medium.ShmMedium;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One small shm segment per JVM, cut into regions handed to jcstress states in turn.
 * jcstress makes thousands of states per iteration, far too many for a segment each; a
 * state takes the next region and zeroes it. Regions are reused only after {@link #REGIONS}
 * further states, far more than jcstress keeps alive at once, so two live states never share one.
 * The forked JVMs need {@code -Djna.library.path} pointing at libarraysock.so (the pom passes it):
 * JNA did not load it from inside the uber-jar there.
 */
final class Segments {
    /** Bytes per region: room for a few 64-byte lines (tail, head, payload). */
    static final int REGION = 512;
    private static final int REGIONS = 1 << 15;
    static final ShmMedium MEDIUM = create();
    private static final AtomicLong NEXT = new AtomicLong();

    private Segments() {
    }

    private static ShmMedium create() {
        String path = "/dev/shm/arraysock-jcstress-" + ProcessHandle.current().pid();
        try {
            ShmMedium m = ShmMedium.create(path, (long) REGION * REGIONS);
            ShmMedium.unlink(path); // the mapping outlives the name: nothing is left behind
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The offset of a fresh, zeroed region. */
    static long region() {
        long at = (NEXT.getAndIncrement() & (REGIONS - 1)) * REGION;
        MEDIUM.writeRelease(at, new byte[REGION], 0, REGION);
        return at;
    }
}
