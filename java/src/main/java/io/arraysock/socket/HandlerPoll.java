package io.arraysock.socket;

import io.arraysock.api.ReceiveHandler;

import java.net.SocketException;
import java.nio.ByteBuffer;

/**
 * The zero-copy receive of one connection: hands the bytes the peer published to a
 * {@link ReceiveHandler} where they lie in its ring (shm), then releases them, one head
 * publish per call. What the copy path checks is checked here the same way (the tail, each
 * frame's length, all through {@link RingConsumer}), and the peer's block is confirmed ours
 * before a handler sees the ring, so no handler starts on bytes of a block given to another
 * connection, and again after it returned: a block that changed meanwhile resets the
 * connection, and the call throws instead of returning (what the handler saw may not have
 * been the peer's). What cannot be seen in place (a message that wraps at the ring's end, a
 * chunked ring, a medium that maps nothing) is copied into a staging buffer by the copy path
 * first and handed over from there. A handler that throws consumes what the call found
 * (for a seqpacket socket: the messages up to the one it threw on).
 */
final class HandlerPoll {
    /** How long a peer header that does not read consistently after a handler may stay so before it is a reset. */
    private static final long CONFIRM_GRACE_NANOS = 200_000_000;
    /** The largest piece of stream a staged poll copies at once. */
    private static final int STAGED_STREAM = 64 * 1024;

    private final RingConsumer consumer;
    private final RingViews views;
    private final boolean inPlace;
    private final int maxMessage;

    HandlerPoll(RingConsumer consumer, boolean chunked, int maxMessage) {
        this.consumer = consumer;
        this.views = new RingViews(chunked ? null : consumer.ringView(), true);
        this.inPlace = views.inPlace();
        this.maxMessage = maxMessage;
    }

    /** Stream: up to {@code limit} ready bytes to {@code handler} (one piece, or two where the ring wraps); the count. */
    long bytes(ReceiveHandler handler, int limit) throws SocketException {
        if (!inPlace) {
            ByteBuffer staging = views.staging(Math.min(limit, STAGED_STREAM));
            int n = consumer.poll(staging);
            if (n > 0) {
                hand(handler, views.staged(n));
            }
            return n;
        }
        long head = consumer.head();
        long n = Math.min(limit, consumer.available());
        if (n == 0 || !consumer.confirmPeer()) {
            return 0;
        }
        int index = (int) (head & consumer.mask);
        int first = (int) Math.min(n, consumer.capacity - index);
        try {
            hand(handler, views.ring(index, first));
            if (first < n) {
                hand(handler, views.ring(0, (int) (n - first)));
            }
        } finally {
            consumer.release(head + n);
        }
        return n;
    }

    /** Seqpacket: up to {@code limit} whole messages to {@code handler}, one call each; the count. */
    long messages(ReceiveHandler handler, int limit) throws SocketException {
        if (!inPlace) {
            int count = 0;
            for (; count < limit; count++) {
                ByteBuffer staging = views.staging(maxMessage);
                long length = consumer.pollMessage(staging, maxMessage, false);
                if (length == RingConsumer.EMPTY) {
                    break;
                }
                consumer.counters.message(length);
                hand(handler, views.staged((int) length));
            }
            return count;
        }
        long head = consumer.head();
        long at = head;
        int count = 0;
        try {
            while (count < limit) {
                long length = consumer.frameAt(at, consumer.availableFrom(at), maxMessage);
                if (length == RingConsumer.EMPTY) {
                    break;
                }
                ByteBuffer message = inRing(at + RingProducer.FRAME_HEADER, (int) length);
                if (!consumer.confirmPeer()) {
                    break; // not known to be our peer's: nothing delivered
                }
                at += RingProducer.frameLength(length);
                count++;
                consumer.counters.message(length);
                hand(handler, message);
            }
        } finally {
            if (at != head) {
                consumer.release(at);
            }
        }
        return count;
    }

    /** The message's bytes where they lie, or copied to the staging buffer where they wrap (the caller confirms either). */
    private ByteBuffer inRing(long position, int length) throws SocketException {
        int index = (int) (position & consumer.mask);
        if (index + (long) length <= consumer.capacity) {
            return views.ring(index, length);
        }
        ByteBuffer staging = views.staging(length);
        consumer.copy(position, staging, length, false);
        return views.staged(length);
    }

    /** Calls the handler, then confirms that what it saw was the peer's; the view is emptied either way. */
    private void hand(ReceiveHandler handler, ByteBuffer data) throws SocketException {
        try {
            handler.onData(data);
        } finally {
            views.retire();
        }
        if (!inPlace) {
            return; // the copy path confirmed the copy before handing it over
        }
        long start = 0;
        while (!consumer.confirmPeer()) {
            long now = System.nanoTime();
            if (start == 0) {
                start = now;
            } else if (now - start > CONFIRM_GRACE_NANOS) {
                throw new SocketException("Connection reset: the peer's control block did not read consistently for "
                        + (now - start) / 1_000_000 + " ms after a handler read its ring; what it saw may not be the peer's");
            }
            Thread.onSpinWait();
        }
    }
}
