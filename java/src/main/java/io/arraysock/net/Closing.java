package io.arraysock.net;

import java.io.IOException;

/** Closes an {@link AutoCloseable} owner from an I/O method, keeping IOExceptions typed. */
final class Closing {
    private Closing() {
    }

    static void close(AutoCloseable c) throws IOException {
        try {
            c.close();
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }
}
