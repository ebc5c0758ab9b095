package io.arraysock.api;

import java.util.List;

/** Format was asked to overwrite an array while nodes are alive on it, without {@code forceLive}. */
public final class ArrayInUseException extends ArrayException {
    private static final long serialVersionUID = 1L;

    private final List<String> liveNodes;

    /** @param liveNodes the live holders, each as "pid@host (slot N)" */
    public ArrayInUseException(String path, List<String> liveNodes) {
        super(path, "in use by " + liveNodes.size() + " live node" + (liveNodes.size() == 1 ? "" : "s") + ": "
                + String.join(", ", liveNodes));
        this.liveNodes = List.copyOf(liveNodes);
    }

    public List<String> liveNodes() {
        return liveNodes;
    }
}
