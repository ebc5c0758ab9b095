package io.arraysock.harden;

import io.arraysock.StorageArray;

import java.io.RandomAccessFile;
import java.time.Duration;
import java.util.Map;

/**
 * Child main of {@link FaultChannelTest}'s truncation case: formats and attaches a shm
 * array {@code args[0]}, drives every call of a healthy connected socket and of a channel
 * over another ({@link CallSurface}), shrinks the segment under the mapping, then drives
 * every call of a third socket and a fourth socket's channel, all connected before the
 * shrink. Prints {@code HEALTHY|FAULTY socket|channel <signature> <outcome>} per call, then
 * {@code DONE}. A JVM of its own: a fault past the end of a shrunk file raises SIGBUS.
 */
public final class FaultSurfaceChild {
    private FaultSurfaceChild() {
    }

    public static void main(String[] args) throws Exception {
        String path = args[0];
        StorageArray.format(path, FaultChannelTest.FORMAT);
        StorageArray array = StorageArray.attach(path);
        FaultChannelTest.Surfaces surfaces = FaultChannelTest.Surfaces.connect(array, path);

        print("HEALTHY socket", CallSurface.callAll(surfaces.healthySocket()));
        print("HEALTHY channel", CallSurface.callAll(surfaces.healthyChannel()));
        try (RandomAccessFile f = new RandomAccessFile(path, "rw")) {
            f.setLength(8192);
        }
        Thread.sleep(Duration.ofMillis(50).toMillis());
        print("FAULTY socket", CallSurface.callAll(surfaces.faultySocket()));
        print("FAULTY channel", CallSurface.callAll(surfaces.faultyChannel()));
        System.out.println("DONE");
        System.out.flush();
        Runtime.getRuntime().halt(0); // the array's threads may still fault on the shrunk file
    }

    private static void print(String label, Map<String, String> outcomes) {
        outcomes.forEach((call, outcome) -> System.out.println(label + " " + call + " " + outcome));
    }
}
