package io.arraysock.node;

import io.arraysock.api.NodeSlotLostException;

/**
 * Work the layers above run on the heartbeat thread, e.g. the socket layer's scan of the
 * node table for dead peers. Called after each heartbeat; keep it short, it delays the
 * next beat. An exception is logged and does not stop the heartbeat.
 */
public interface NodeListener {
    /** After beat number {@code tick} (1, 2, ...) was published. */
    void onHeartbeat(long tick);

    /** Once, when a foreign claim was found on our slot; the heartbeat has stopped. */
    default void onSlotLost(NodeSlotLostException e) {
    }
}
