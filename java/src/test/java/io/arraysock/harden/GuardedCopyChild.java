package io.arraysock.harden;

import io.arraysock.medium.ShmMedium;
import io.arraysock.medium.internal.GuardedCopy;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;

/**
 * Child main of {@link GuardedCopyTest}: maps a segment, shrinks its file to one page, then
 * copies past the new end, natively (direct buffers of {@link GuardedCopy#MIN_LENGTH} bytes
 * and more) and in Java (a heap buffer, so the JVM's own SIGBUS handling, which ours must
 * pass on). Prints {@code <step> OK} or {@code <step> THREW <class>: <message>} per step,
 * then {@code DONE}. A crash shows as a missing DONE and a non-zero exit.
 */
public final class GuardedCopyChild {
    private static final int PAGE = 4096;

    private GuardedCopyChild() {
    }

    public static void main(String[] args) throws Exception {
        String path = args[0];
        int length = 4 * GuardedCopy.MIN_LENGTH;
        try (ShmMedium medium = ShmMedium.create(path, 1 << 20)) {
            ByteBuffer direct = ByteBuffer.allocateDirect(length);
            step("native-write-before", () -> medium.writeRelease(PAGE * 4L, direct.clear()));
            try (RandomAccessFile f = new RandomAccessFile(path, "rw")) {
                f.setLength(PAGE);
            }
            // twice each: the first fault must not leave SIGBUS blocked for the second
            for (int round = 1; round <= 2; round++) {
                step("native-write-" + round, () -> medium.writeRelease(PAGE * 4L, direct.clear()));
                step("native-read-" + round, () -> medium.readAcquire(PAGE * 8L, direct.clear()));
            }
            step("java-write", () -> {
                // the JVM may deliver its InternalError at a later point of this frame
                ByteBuffer small = ByteBuffer.wrap(new byte[64]);
                for (int i = 0; i < 1000; i++) {
                    medium.writeRelease(PAGE * 4L, small.clear());
                }
            });
            step("native-within", () -> medium.writeRelease(0, direct.clear().limit(PAGE)));
        }
        System.out.println("DONE");
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void step(String name, Step s) {
        try {
            s.run();
            System.out.println(name + " OK");
        } catch (Throwable t) {
            System.out.println(name + " THREW " + t.getClass().getName() + ": " + t.getMessage());
        }
    }
}
