package io.arraysock.harden;

import io.arraysock.ArraySocket;
import io.arraysock.FormatOptions;
import io.arraysock.StorageArray;
import io.arraysock.api.SocketType;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Child main of {@link FaultChannelTest}'s truncation case: formats and attaches a shm
 * array {@code args[0]}, drives every call of a healthy connected socket
 * ({@link SocketSurface}), shrinks the segment under the mapping, then drives every call of
 * a second connected socket. Prints {@code HEALTHY|FAULTY <signature> <class or ->} per
 * call, then {@code DONE}. A JVM of its own: a fault past the end of a shrunk file raises
 * SIGBUS.
 */
public final class FaultSurfaceChild {
    private FaultSurfaceChild() {
    }

    public static void main(String[] args) throws Exception {
        String path = args[0];
        StorageArray.format(path, FormatOptions.defaults().withNodeSlots(2).withSocketsPerNode(16)
                .withArenaSize(4 << 20).withForce(true));
        StorageArray array = StorageArray.attach(path);
        ArraySocket listener = array.openSocket(SocketType.STREAM);
        listener.bind(5000);
        listener.listen(4);
        ArraySocket[] healthy = FaultChannelTest.connectedPair(array, listener);
        ArraySocket[] faulty = FaultChannelTest.connectedPair(array, listener);
        faulty[0].send(ByteBuffer.allocateDirect(8192));

        print("HEALTHY", SocketSurface.callAll(healthy[0]));
        try (RandomAccessFile f = new RandomAccessFile(path, "rw")) {
            f.setLength(8192);
        }
        Thread.sleep(Duration.ofMillis(50).toMillis());
        print("FAULTY", SocketSurface.callAll(faulty[0]));
        System.out.println("DONE");
        System.out.flush();
        Runtime.getRuntime().halt(0); // the array's threads may still fault on the shrunk file
    }

    private static void print(String label, Map<String, Optional<Throwable>> outcomes) {
        outcomes.forEach((call, thrown) -> System.out.println(label + " " + call.replace(" ", "") + " "
                + thrown.map(t -> t.getClass().getName()).orElse("-")));
    }
}
