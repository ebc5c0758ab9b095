package io.arraysock.netty;

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

    /** The loop calls {@link #poll} instead; a submitted event means "poll now". */
    @Override
    default void handle(IoRegistration registration, IoEvent ioEvent) {
        poll();
    }
}
