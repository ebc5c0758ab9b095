package io.arraysock.api;

import java.time.Duration;

/**
 * One row of an array's node table, as the observing attachment sees it at the moment of
 * {@link io.arraysock.StorageArray#nodes()}.
 *
 * @param slot         index in the node table
 * @param state        FREE, CLAIMING or ACTIVE as written by the slot's holder
 * @param host         the holder's host name ("" when FREE)
 * @param pid          the holder's pid (0 when FREE)
 * @param incarnation  the holder's attach id (0 when FREE)
 * @param liveness     this observer's judgement
 * @param heartbeatAge time since this observer last saw the holder's heartbeat move (or
 *                     first looked), null when never observed
 */
public record NodeInfo(int slot, NodeState state, String host, int pid, long incarnation, Liveness liveness,
                       Duration heartbeatAge) {

    /** What the observer concludes about a slot's holder. */
    public enum Liveness {
        /** No holder. */
        FREE,
        /** The observing attachment itself. */
        SELF,
        /** Alive: OFD lock held (same machine) or heartbeat moving. */
        ALIVE,
        /** A remote holder not yet watched for a whole liveness timeout. */
        UNKNOWN,
        /** Dead: lock free, or heartbeat still for the liveness timeout; its slot is claimable. */
        DEAD
    }

    /** Whether the holder is this attachment or judged alive. */
    public boolean alive() {
        return liveness == Liveness.SELF || liveness == Liveness.ALIVE;
    }
}
