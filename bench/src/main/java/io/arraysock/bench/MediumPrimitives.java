package io.arraysock.bench;

import io.arraysock.medium.ShmMedium;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * The shm medium's primitives, in one thread: the acquire load and release store of a live
 * word (what every ring transfer does once or twice), and the copies into and out of the
 * mapping by size (below 4 KiB in Java, from 4 KiB through the C layer's guarded
 * {@code memcpy}). Run with {@code -prof gc}: none may allocate.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class MediumPrimitives {
    private static final long WORD = 4096;
    private static final long AREA = 1 << 20;

    /** A mapped segment of its own per trial. */
    @State(Scope.Thread)
    public static class Segment {
        ShmMedium medium;
        String path;
        long value;

        @Setup(Level.Trial)
        public void map() throws Exception {
            path = "/dev/shm/arraysock-jmh-medium-" + ProcessHandle.current().pid();
            medium = ShmMedium.create(path, 4 << 20);
        }

        @TearDown(Level.Trial)
        public void unmap() throws Exception {
            medium.close();
            ShmMedium.unlink(path);
        }
    }

    /** A direct buffer of the copy size. */
    @State(Scope.Thread)
    public static class Copy {
        @Param({"64", "1024", "4096", "65536", "1048576"})
        public int size;
        ByteBuffer buffer;

        @Setup(Level.Trial)
        public void allocate() {
            buffer = ByteBuffer.allocateDirect(size);
        }
    }

    @Benchmark
    public long wordLoad(Segment s) {
        return s.medium.getLongAcquire(WORD);
    }

    @Benchmark
    public void wordStore(Segment s) {
        s.medium.putLongRelease(WORD, ++s.value);
    }

    @Benchmark
    public ByteBuffer copyIn(Segment s, Copy c) {
        c.buffer.clear();
        s.medium.writeRelease(AREA, c.buffer);
        return c.buffer;
    }

    @Benchmark
    public ByteBuffer copyOut(Segment s, Copy c) {
        c.buffer.clear();
        s.medium.readAcquire(AREA, c.buffer);
        return c.buffer;
    }
}
