package io.arraysock.harden;

import io.arraysock.ArraySocket;
import io.arraysock.FormatOptions;
import io.arraysock.api.SocketType;
import io.arraysock.StorageArray;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * Child main of {@link TruncationTest}: formats and attaches a shm array, connects two
 * sockets, shrinks the segment's file under the mapping to {@code args[1]} bytes, then
 * sends and receives. Prints one line per call: {@code OK <call> <result>} or
 * {@code THREW <call> <exception class>: <message>}, then {@code DONE}. Runs in its own JVM
 * because touching a page past the end of a shrunk file raises SIGBUS, which can take the
 * whole JVM down.
 */
public final class TruncationChild {
    private TruncationChild() {
    }

    public static void main(String[] args) throws Exception {
        String path = args[0];
        long newLength = Long.parseLong(args[1]);
        StorageArray.format(path, FormatOptions.defaults().withNodeSlots(2).withSocketsPerNode(8)
                .withArenaSize(1 << 20).withForce(true));
        StorageArray array = StorageArray.attach(path);
        ArraySocket listener = array.openSocket(SocketType.STREAM);
        listener.bind(5000);
        listener.listen(1);
        ArraySocket client = array.openSocket(SocketType.STREAM);
        client.connect(5000, Duration.ofSeconds(5));
        ArraySocket server = listener.accept(Duration.ofSeconds(5));
        client.send(ByteBuffer.wrap(new byte[100]));
        System.out.println("OK before " + server.receive(ByteBuffer.allocate(1000)));

        try (RandomAccessFile f = new RandomAccessFile(path, "rw")) {
            f.setLength(newLength);
        }
        System.out.println("TRUNCATED " + newLength);

        server.setReceiveTimeout(Duration.ofMillis(200));
        // direct buffers of 4 KiB and more are copied by native code (GuardedCopy): first,
        // before a fault seen elsewhere fences the node
        call("send-direct", () -> client.send(ByteBuffer.allocateDirect(16384)));
        call("receive-direct", () -> server.receive(ByteBuffer.allocateDirect(32768)));
        call("send", () -> client.send(ByteBuffer.wrap(new byte[5000])));
        call("receive", () -> server.receive(ByteBuffer.allocate(10000)));
        call("send-again", () -> client.send(ByteBuffer.wrap(new byte[5000])));
        call("sockets", () -> array.sockets().size());
        call("open", () -> array.openSocket(SocketType.STREAM).localNode());
        Thread.sleep(500); // let the heartbeat thread touch its node record past the end
        call("close-client", () -> {
            client.close();
            return 0;
        });
        call("close-array", () -> {
            array.close();
            return 0;
        });
        System.out.println("DONE");
    }

    private interface Call {
        Object run() throws Exception;
    }

    private static void call(String name, Call c) {
        try {
            System.out.println("OK " + name + " " + c.run());
        } catch (Throwable t) {
            System.out.println("THREW " + name + " " + t.getClass().getName() + ": " + String.valueOf(t.getMessage()).replace('\n', ' '));
        }
    }
}
