package io.arraysock.cli;

import io.arraysock.ArraySocket;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Stream views of a connected socket, so that stream code (Commons IO copies, data
 * streams) can run over the array. Closing a view shuts that direction down; the socket
 * itself stays the caller's to close.
 */
public final class ArrayStreams {
    private ArrayStreams() {
    }

    public static InputStream in(ArraySocket s) {
        return new InputStream() {
            private final byte[] one = new byte[1];

            @Override
            public int read() throws IOException {
                int n;
                do {
                    n = s.receive(one, 0, 1);
                } while (n == 0);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                int n;
                do {
                    n = s.receive(b, off, len);
                } while (n == 0);
                return n;
            }

            @Override
            public void close() throws IOException {
                if (!s.isClosed() && !s.isInputShutdown()) {
                    s.shutdownInput();
                }
            }
        };
    }

    public static OutputStream out(ArraySocket s) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                s.send(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (len > 0) {
                    s.send(b, off, len);
                }
            }

            @Override
            public void close() throws IOException {
                if (!s.isClosed() && !s.isOutputShutdown()) {
                    s.shutdownOutput();
                }
            }
        };
    }
}
