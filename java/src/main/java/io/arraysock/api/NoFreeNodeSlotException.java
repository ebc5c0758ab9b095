package io.arraysock.api;

/** Every node slot of the array is held by a live node (or one not yet judged dead). */
public final class NoFreeNodeSlotException extends ArrayException {
    private static final long serialVersionUID = 1L;

    public NoFreeNodeSlotException(String path, String message) {
        super(path, message);
    }
}
