package io.arraysock.api;

/**
 * This process's node slot is no longer its to write: a foreign claim appeared on it, the
 * process stalled past the liveness timeout, or an I/O to the medium failed (then the cause
 * is a {@link StoragePathFailedException}). The attachment stopped
 * writing and is unusable; attach again.
 */
public final class NodeSlotLostException extends ArrayException {
    private static final long serialVersionUID = 1L;

    public NodeSlotLostException(String path, String message) {
        super(path, message);
    }
}
