package io.arraysock.net;

import io.arraysock.ArraySocket;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/**
 * {@link java.net.Socket#getOutputStream()} of an array socket: a write returns once all
 * its bytes are in the ring (the array has no Nagle delay, so {@link #flush} has nothing
 * to do); {@link java.net.SocketException} after close, after {@code shutdownOutput}, or
 * when the peer has closed (broken pipe); closing the stream closes the socket.
 */
final class ArraySocketOutputStream extends OutputStream {
    private final ArraySocket socket;
    private final AutoCloseable owner;

    ArraySocketOutputStream(ArraySocket socket, AutoCloseable owner) {
        this.socket = socket;
        this.owner = owner;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (socket.isClosed()) {
            throw new java.net.SocketException("Socket is closed");
        }
        if (len > 0) {
            socket.send(b, off, len);
        }
    }

    @Override
    public void close() throws IOException {
        Closing.close(owner);
    }
}
