package io.arraysock.netty;

import io.arraysock.api.Doorbell;
import io.netty.channel.IoEvent;
import io.netty.channel.IoHandle;
import io.netty.channel.IoRegistration;

/**
 * What an {@link ArrayIoHandler} serves: one channel's side of the loop. The array has no
 * readiness events to wait on, so the loop asks each handle to make progress with
 * non-blocking calls ({@code acceptNow}, {@code receiveNow}, {@code sendNow}) and needs to
 * know whether it did, to decide whether to back off.
 */
interface ArrayIoHandle extends IoHandle {
    /**
     * Tries, without waiting, whatever this channel is interested in now (accept, read, or
     * flushing writes that the ring had no room for). Runs on the event loop.
     *
     * @return how much progressed (bytes or connections; 0 when nothing could be done)
     */
    int poll();

    /**
     * The loop bell of this channel's socket, when the loop may sleep on it for this channel
     * (shm, connected or listening); null when it has nothing to watch. On the loop.
     */
    default Doorbell doorbell() {
        return null;
    }

    /** Whether the loop must poll for this channel now, not sleep on a bell (a connect pending: its answer is not rung there). */
    default boolean needsPolling() {
        return false;
    }

    /** Marks ({@code sleeping}) or clears the socket's waiting words for what {@link #poll} would look at. On the loop. */
    default void loopWaiting(boolean sleeping) {
    }

    /** Closes the channel (at loop shutdown); never throws, so no InterruptedException either. */
    @Override
    void close();

    /** The loop calls {@link #poll} instead; a submitted event means "poll now". */
    @Override
    default void handle(IoRegistration registration, IoEvent ioEvent) {
        poll();
    }
}
