package io.arraysock.socket;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Connections between the two socket layers of the package's tests ({@link ShmNodes},
 * {@link BlockFileLayers}): a listener on one layer, a client on the other, 5 s for each step.
 */
final class LayerPairs {
    private static final long WAIT_NANOS = 5_000_000_000L;

    private LayerPairs() {
    }

    /** What a socket is given before it listens or connects: its options. */
    @FunctionalInterface
    interface Setup {
        Setup NONE = s -> { };

        void apply(SocketCore s) throws IOException;
    }

    /** A socket of {@code type} on {@code layer}, given {@code setup}, bound to {@code port} and listening with {@code backlog}. */
    static SocketCore listener(SocketLayer layer, int type, int port, int backlog, Setup setup) throws IOException {
        SocketCore listener = layer.open(type);
        setup.apply(listener);
        listener.bind(port);
        listener.listen(backlog);
        return listener;
    }

    /**
     * {client, server}: a socket of {@code type} on {@code layer}, given {@code setup},
     * connected to {@code listener} (listening on {@code port}), and the connection that
     * listener accepted; the listener is closed after.
     */
    static SocketCore[] connect(SocketCore listener, int port, SocketLayer layer, int type, Setup setup) throws IOException {
        SocketCore client = layer.open(type);
        setup.apply(client);
        client.client().connect(port, WAIT_NANOS);
        SocketCore server = listener.accept(WAIT_NANOS);
        assertNotNull(server, "accept");
        listener.close();
        return new SocketCore[] {client, server};
    }

    /** {client, server} of {@code type}: the client on {@code b}, the server accepted on {@code a} (backlog 8). */
    static SocketCore[] connected(SocketLayer a, SocketLayer b, int type, int port) throws IOException {
        return connect(listener(a, type, port, 8, Setup.NONE), port, b, type, Setup.NONE);
    }
}
