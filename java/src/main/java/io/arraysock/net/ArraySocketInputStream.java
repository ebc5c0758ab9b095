package io.arraysock.net;

import io.arraysock.ArraySocket;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * {@link java.net.Socket#getInputStream()} of an array socket, with its contract: a read
 * waits for at least one byte and returns what is there (a partial read), -1 at end of
 * stream or after {@code shutdownInput}; {@link java.net.SocketTimeoutException} after the
 * socket's SO_TIMEOUT (the socket stays usable); {@link java.net.SocketException} once the
 * socket is closed, also for a read blocked when another thread closes it; closing the
 * stream closes the socket.
 */
final class ArraySocketInputStream extends InputStream {
    private final ArraySocket socket;
    private final AutoCloseable owner;
    private final byte[] one = new byte[1];

    ArraySocketInputStream(ArraySocket socket, AutoCloseable owner) {
        this.socket = socket;
        this.owner = owner;
    }

    @Override
    public int read() throws IOException {
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (socket.isClosed()) {
            throw new java.net.SocketException("Socket is closed");
        }
        if (len == 0) {
            return 0;
        }
        return socket.receive(b, off, len);
    }

    @Override
    public int available() throws IOException {
        return socket.available();
    }

    @Override
    public void close() throws IOException {
        Closing.close(owner);
    }
}
