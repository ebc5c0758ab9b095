package io.arraysock.api;

import java.io.IOException;

/**
 * A node's loop bell (docs/PROTOCOL.md, "Event loops"): the one futex word an event loop of
 * this node sleeps on, shm only. A peer rings it (a bare futex wake) when it publishes into
 * a ring, or frees room in one, whose consumer's loop said it sleeps
 * ({@code ArraySocket.loopWaiting}); threads of this node ring it with a write (a new value),
 * so their rings are never lost. Every socket of one attached array has the same bell.
 *
 * <p>How a loop sleeps: take a {@link #ticket()}, mark its sockets, {@link #fence()}, look at
 * every socket once more, and only then {@link #await} the ticket. {@code io.arraysock.net.LoopWaiter}
 * does this for the library's selector and Netty's handler.
 */
public interface Doorbell {
    /** Whether a loop can sleep on this bell (false on the block medium: poll instead). */
    boolean canSleep();

    /** The bell word's value now: {@link #await} returns at once if it changed since. */
    int ticket();

    /** A full fence: marks stored before it are seen before the looks made after it. */
    void fence();

    /** Sleeps until the bell rings, the word no longer holds {@code ticket}, or {@code maxNanos} pass. */
    void await(int ticket, long maxNanos) throws IOException;

    /** Rings this node's bell from a thread of this node: wakes its sleeping loops (never lost). */
    void ring();
}
