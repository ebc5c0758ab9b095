package io.arraysock;

import io.arraysock.api.SocketType;

import java.io.IOException;
import java.time.Duration;

/** A connected pair of sockets on one attached array, in this JVM: the unit tests' connection. */
final class LocalPair {
    private static final Duration START = Duration.ofSeconds(30);

    private LocalPair() {
    }

    /**
     * [client, server] of {@code type}, connected through {@code port} (the listener closed
     * after the accept), with {@code ringBytes} send rings both ways (0: the defaults). The
     * array's close closes them.
     */
    static ArraySocket[] connect(StorageArray a, SocketType type, int port, int ringBytes) throws IOException {
        return connect(a, type, port, ringBytes, false);
    }

    /** {@link #connect}, the connection's payload checksummed when {@code checksums} (chunked rings on shm). */
    static ArraySocket[] connect(StorageArray a, SocketType type, int port, int ringBytes, boolean checksums)
            throws IOException {
        try (ArraySocket listener = a.openSocket(type)) {
            listener.setPayloadChecksums(checksums);
            ArraySocket client = a.openSocket(type);
            if (ringBytes > 0) {
                listener.setSendBufferSize(ringBytes);
                client.setSendBufferSize(ringBytes);
            }
            listener.bind(port);
            listener.listen(1);
            client.connect(port, START);
            return new ArraySocket[] {client, listener.accept(START)};
        }
    }
}
