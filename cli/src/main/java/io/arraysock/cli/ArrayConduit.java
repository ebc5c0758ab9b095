package io.arraysock.cli;

import io.arraysock.ArraySocket;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * An array socket as one side of a forward: receives copy from the ring into the caller's
 * (direct) buffer, sends copy from it into the ring, each waiting with the socket's idle
 * strategy.
 *
 * <p>The library's public API has no close-with-reset for one socket: {@link #abort} closes,
 * so the peer reads what was sent, then end of stream, and its further sends fail with
 * "Broken pipe". A dead node or a detached array is a reset on the other side, as it should be.
 */
final class ArrayConduit implements Conduit {
    private final ArraySocket socket;
    private final String description;

    ArrayConduit(ArraySocket socket, String description) {
        this.socket = socket;
        this.description = description;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return socket.receive(dst);
    }

    @Override
    public void write(ByteBuffer src) throws IOException {
        socket.send(src);
    }

    @Override
    public void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    @Override
    public void abort() {
        socket.close();
    }

    @Override
    public void close() {
        socket.close();
    }

    @Override
    public String describe() {
        return description;
    }
}
