package io.arraysock.api;

/** A foreign claim appeared on this process's node slot: another node now writes there, so this attachment stopped writing and is unusable. */
public final class NodeSlotLostException extends ArrayException {
    private static final long serialVersionUID = 1L;

    public NodeSlotLostException(String path, String message) {
        super(path, message);
    }
}
