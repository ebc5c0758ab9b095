package io.arraysock.socket;

import java.net.SocketException;
import java.nio.ByteBuffer;

/**
 * The offers of a chunked ring (the block medium's, or a checksummed one on shm), for its
 * {@link RingProducer}: stream bytes or whole messages staged into the ring's
 * {@link ChunkPipeline}, whose writer thread turns them into chunks. The first offer starts
 * the pipeline (so a socket that never sends has no writer thread) and fixes what the ring
 * carries: stream bytes or messages, not both. The sender's, one at a time; any thread may
 * look at {@link #pipeline}.
 */
final class StagedOffers {
    private final RingProducer producer;
    private final ChunkWriter chunks;
    private final String writerName;
    /** Started by the first offer; null before it. */
    private volatile ChunkPipeline pipeline;

    /** @param writerName the name of the writer thread */
    StagedOffers(RingProducer producer, ChunkWriter chunks, String writerName) {
        this.producer = producer;
        this.chunks = chunks;
        this.writerName = writerName;
    }

    /** The pipeline, or null when nothing was offered yet. */
    ChunkPipeline pipeline() {
        return pipeline;
    }

    /** The most the pipeline stages at once (one chunk's extent). */
    long capacity() {
        return chunks.maxExtent();
    }

    /** Bytes a stream offer would stage now, maybe 0. */
    long room() throws SocketException {
        ChunkPipeline p = pipeline;
        return p == null ? chunks.maxExtent() : p.room();
    }

    /** Stages as many bytes of {@code src} as fit; the count (may be 0). */
    int offer(ByteBuffer src) throws SocketException {
        return pipeline(false).offer(src);
    }

    /** Stages as much of {@code srcs[offset .. offset + length)} as fits, in order; the count (may be 0). */
    long offer(ByteBuffer[] srcs, int offset, int length) throws SocketException {
        long total = 0;
        for (int i = offset; i < offset + length; i++) {
            ByteBuffer b = srcs[i];
            total += pipeline(false).offer(b);
            if (b.hasRemaining()) {
                break;
            }
        }
        return total;
    }

    /** Stages {@code src} as one message if there is room for it; false otherwise. */
    boolean offerMessage(ByteBuffer src) throws SocketException {
        return pipeline(true).offerMessage(src);
    }

    /** Stages whole messages of {@code srcs[offset .. offset + length)}, in order, as many as fit, each counted; the count. */
    int offerMessages(ByteBuffer[] srcs, int offset, int length) throws SocketException {
        int n = 0;
        for (int i = offset; i < offset + length; i++, n++) {
            int bytes = srcs[i].remaining();
            if (!pipeline(true).offerMessage(srcs[i])) {
                break;
            }
            producer.counters.message(bytes);
        }
        return n;
    }

    /** The pipeline, started by the first offer (stream bytes or messages: a socket sends one kind). */
    private ChunkPipeline pipeline(boolean messages) {
        ChunkPipeline p = pipeline;
        if (p == null) {
            p = start(messages);
        }
        if (p.messages() != messages) {
            throw new IllegalStateException("a ring carries stream bytes or messages, not both");
        }
        return p;
    }

    private synchronized ChunkPipeline start(boolean messages) {
        if (pipeline == null) {
            pipeline = new ChunkPipeline(producer, chunks, messages, writerName);
        }
        return pipeline;
    }
}
