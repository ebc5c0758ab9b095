package io.arraysock.node;

/** What one observer concludes about a node slot. */
public enum Verdict {
    /** Nobody holds it. */
    FREE,
    /** This attachment holds it. */
    SELF,
    /** Held, and its holder is alive: its OFD lock is held, or its heartbeat moved within the timeout. */
    ALIVE,
    /** Held by a node on another host whose heartbeat has not been watched for a whole timeout yet. */
    UNKNOWN,
    /** Held by a dead node: its OFD lock is free, or its heartbeat stood still for the timeout. */
    DEAD
}
