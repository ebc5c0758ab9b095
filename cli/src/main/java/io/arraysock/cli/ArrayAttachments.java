package io.arraysock.cli;

import io.arraysock.ArraySocket;
import io.arraysock.StorageArray;
import io.arraysock.api.IdleStrategy;
import io.arraysock.api.SocketType;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The arrays {@code arraysock forward} works on, attached once each (one node per array for
 * all its connections), closed at exit; and the socket settings every array socket of the
 * forward gets: its idle strategy, ring size and pre-shared key.
 */
final class ArrayAttachments implements AutoCloseable {
    private final Map<String, StorageArray> byPath = new HashMap<>();
    private final IdleStrategy idle;
    private final int ringSize;
    private final byte[] key;

    /**
     * @param ringSize bytes of ring per direction, 0 for the medium's default
     * @param key      the pre-shared key, or null
     */
    ArrayAttachments(IdleStrategy idle, int ringSize, byte[] key) {
        this.idle = idle;
        this.ringSize = ringSize;
        this.key = key == null ? null : key.clone();
    }

    /** The array at {@code path}, attached on the first call. */
    synchronized StorageArray attach(String path) throws IOException {
        StorageArray a = byPath.get(path);
        if (a == null) {
            a = ExitCleanup.closeAtExit(StorageArray.attach(path));
            a.setIdleStrategy(idle);
            byPath.put(path, a);
        }
        return a;
    }

    /**
     * A new stream socket on the array at {@code path}, with the forward's settings; the key
     * is set before a listen (clients must prove it) or a connect (we prove it).
     */
    ArraySocket open(String path) throws IOException {
        ArraySocket s = attach(path).openSocket(SocketType.STREAM);
        try {
            if (ringSize > 0) {
                s.setSendBufferSize(ringSize);
                s.setReceiveBufferSize(ringSize);
            }
            if (key != null) {
                s.setAuthenticationKey(key);
            }
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    /**
     * Closes every array: their sockets are aborted (peers see a reset, as for a cut
     * connection) and the nodes detached. Idempotent; the exit hook closes them again.
     */
    @Override
    public synchronized void close() {
        for (StorageArray a : byPath.values()) {
            try {
                a.close();
            } catch (IOException | InternalError e) {
                // stopping: a node left behind is judged dead by its free lock or its silence
            }
        }
    }
}
