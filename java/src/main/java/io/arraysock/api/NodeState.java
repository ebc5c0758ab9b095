package io.arraysock.api;

/** The state word of a node record ({@link NodeRecordDescriptor#STATE_OFFSET}). */
public enum NodeState {
    /** Nobody holds the slot. */
    FREE(0),
    /** A claimer wrote its intent and waits the settle time before reading it back. */
    CLAIMING(1),
    /** Held by an attached node, whose heartbeat advances. */
    ACTIVE(2);

    private final int code;

    NodeState(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The state for a code read from the medium, or null if it is not one. */
    public static NodeState ofCode(long code) {
        for (NodeState s : values()) {
            if (s.code == code) {
                return s;
            }
        }
        return null;
    }
}
