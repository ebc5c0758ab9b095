package io.arraysock.net;

import io.arraysock.api.Doorbell;

/**
 * The one loop bell the sockets of an event loop share ({@link LoopWaiter.Sockets#doorbell}),
 * found one socket at a time: sockets of several arrays have none. One per loop, kept and
 * reused by its thread (a look allocates nothing).
 */
public final class CommonBell {
    private Doorbell bell;

    /** Starts a look over the loop's sockets. */
    public CommonBell clear() {
        bell = null;
        return this;
    }

    /**
     * One socket's bell (null: the socket has none yet, and does not count): false when it
     * differs from an earlier socket's, then one bell cannot serve the loop.
     */
    public boolean add(Doorbell socketBell) {
        if (bell == null) {
            bell = socketBell;
        }
        return socketBell == null || socketBell == bell;
    }

    /** The bell every socket added so far shares, or null when none had one. */
    public Doorbell bell() {
        return bell;
    }
}
