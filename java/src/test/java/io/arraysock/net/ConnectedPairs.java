package io.arraysock.net;

import java.io.Closeable;
import java.io.IOException;

/** The connected pairs of the contract tests, {client, server}: sockets or channels, on TCP or on the array. */
final class ConnectedPairs {
    private ConnectedPairs() {
    }

    /** Opens a fresh connected pair. */
    @FunctionalInterface
    interface Opener<T extends Closeable> {
        T[] open() throws Exception;
    }

    /** What a test does with a pair. */
    @FunctionalInterface
    interface PairTest<T extends Closeable> {
        void run(T[] p) throws Exception;
    }

    /** {@code test} on the pair {@code opener} opens, both ends closed after it. */
    static <T extends Closeable> void with(Opener<T> opener, PairTest<T> test) throws Exception {
        T[] p = opener.open();
        try {
            test.run(p);
        } finally {
            closeAll(p);
        }
    }

    static void closeAll(Closeable[] p) throws IOException {
        for (Closeable c : p) {
            c.close();
        }
    }
}
