package io.arraysock.socket;

import io.arraysock.medium.ShmMedium;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicLong;

import static io.arraysock.format.ControlBlockDescriptor.LENGTH;

/**
 * The real {@link RingProducer} and {@link RingConsumer} of one direction of a connection,
 * on a shm segment, for the jcstress tests of this package (which sit in the library's
 * package to reach them). Each pair takes a fresh region of one segment per JVM: the
 * producer's control block, the consumer's, then the ring. Both blocks' headers stay zero,
 * so the consumer's confirmation of its peer (sequence and incarnation unchanged) holds.
 * Regions are reused only after {@link #REGIONS} further pairs, far more than jcstress
 * keeps alive at once. The forked JVMs need {@code -Djna.library.path} (the pom passes it).
 */
final class RingPair {
    /** The ring's capacity: the smallest a ring may have, and room for one 4 KiB payload. */
    static final int CAPACITY = 4096;
    private static final int REGION = 2 * LENGTH + CAPACITY;
    private static final int REGIONS = 1 << 12;
    private static final ShmMedium MEDIUM = create();
    private static final AtomicLong NEXT = new AtomicLong();
    private static final byte[] ZEROS = new byte[REGION];

    final RingProducer producer;
    final RingConsumer consumer;

    RingPair() {
        long at = (NEXT.getAndIncrement() & (REGIONS - 1)) * REGION;
        MEDIUM.writeRelease(at, ZEROS, 0, REGION);
        long producerBlock = at;
        long consumerBlock = at + LENGTH;
        long ring = at + 2L * LENGTH;
        producer = new RingProducer(MEDIUM, ring, CAPACITY, producerBlock, consumerBlock, 1, "jcstress");
        consumer = new RingConsumer(MEDIUM, ring, CAPACITY, consumerBlock, producerBlock, 1, 0, 0, 0, () -> 0);
    }

    /** {@code bytes} bytes of {@code word}, little-endian, in a direct or a heap buffer. */
    static ByteBuffer payload(int bytes, boolean direct, long word) {
        ByteBuffer b = (direct ? ByteBuffer.allocateDirect(bytes) : ByteBuffer.allocate(bytes)).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < bytes; i += Long.BYTES) {
            b.putLong(i, word);
        }
        return b;
    }

    /** How many of the first {@code n} bytes of {@code b}, in 8-byte words, are {@code word}. */
    static int wordsOf(ByteBuffer b, int n, long word) {
        int seen = 0;
        for (int i = 0; i + Long.BYTES <= n; i += Long.BYTES) {
            if (b.getLong(i) == word) {
                seen++;
            }
        }
        return seen;
    }

    /** The consumer's poll, for an actor (which may not throw a checked exception). */
    int poll(ByteBuffer dst) {
        try {
            return consumer.poll(dst);
        } catch (SocketException e) {
            throw new IllegalStateException("the ring reset: " + e.getMessage(), e);
        }
    }

    int offer(ByteBuffer src) {
        try {
            return producer.offer(src);
        } catch (SocketException e) {
            throw new IllegalStateException("the ring reset: " + e.getMessage(), e);
        }
    }

    /**
     * A zero-copy claim of the whole ring, written in place with plain stores of {@code word}
     * (as an application writes a claim's buffer), then committed: stream bytes, or
     * ({@code message}) one frame of {@code CAPACITY - 8} bytes.
     */
    void claimAndCommit(RingViews views, boolean message, long word) {
        try {
            if (!producer.hasRoom(CAPACITY)) {
                throw new IllegalStateException("a fresh ring has room");
            }
            int header = message ? RingProducer.FRAME_HEADER : 0;
            ByteBuffer b = views.ring(producer.claimIndex(CAPACITY) + header, CAPACITY - header);
            for (int i = b.position(); i + Long.BYTES <= b.limit(); i += Long.BYTES) {
                b.putLong(i, word);
            }
            if (message) {
                producer.commitFrame(CAPACITY - header);
            } else {
                producer.commitBytes(CAPACITY);
            }
            views.retire();
        } catch (SocketException e) {
            throw new IllegalStateException("the ring reset: " + e.getMessage(), e);
        }
    }

    /**
     * A zero-copy poll of the ring: the bytes (or messages) handed, and {@code seen[0]} the
     * 8-byte words the handler found to be {@code word}.
     */
    long poll(HandlerPoll poll, boolean message, long word, int[] seen) {
        io.arraysock.api.ReceiveHandler count = data -> {
            for (int i = data.position(); i + Long.BYTES <= data.limit(); i += Long.BYTES) {
                if (data.getLong(i) == word) {
                    seen[0]++;
                }
            }
        };
        try {
            return message ? poll.messages(count, 1) : poll.bytes(count, CAPACITY);
        } catch (SocketException e) {
            throw new IllegalStateException("the ring reset: " + e.getMessage(), e);
        }
    }

    private static ShmMedium create() {
        String path = "/dev/shm/arraysock-jcstress-rings-" + ProcessHandle.current().pid();
        try {
            ShmMedium m = ShmMedium.create(path, (long) REGION * REGIONS);
            ShmMedium.unlink(path); // the mapping outlives the name: nothing is left behind
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
