package io.arraysock.socket;

import io.arraysock.api.IdleStrategy;
import io.arraysock.medium.MediumFaultException;

import java.lang.System.Logger.Level;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import static io.arraysock.format.ChunkDescriptor.MESSAGE_LENGTH_SIZE;

/**
 * The sending side of one chunked ring (the block medium's, or a checksummed one on shm): the sending thread stages bytes or
 * messages ({@link StagingRing}) and returns; a writer thread of the ring's own turns what
 * is staged into chunks and writes them. A chunk takes all that is staged and fits (before
 * the ring's end, in the room the consumer left, in one chunk's extent): a sender of small
 * messages has many in each chunk, one {@code pwrite} for all, and a streaming sender's
 * next bytes are staged while the previous chunk is on its way to the device.
 *
 * <p>The writer publishes the ring's tail (the backstop the consumer tells damage from
 * "not yet" by) on the producer's cadence, and when it has been idle for
 * {@value #TAIL_AFTER_IDLE_MICROS} µs. The end of the stream is requested by the sender and
 * raised by the writer once everything staged before it is written. A failure of the writer
 * (an I/O error, a damaged peer head) is rethrown to the sender at its next call.
 *
 * <p>A sender whose pipeline has been idle writes a small chunk itself, under the same
 * lock the writer takes ({@link #writing}), so a request or an answer costs no thread
 * wake-up on its hop.
 */
final class ChunkPipeline implements Runnable, IdleStrategy.Sleeper {
    private static final System.Logger LOG = System.getLogger(ChunkPipeline.class.getName());
    /** How long the writer idles before it publishes a tail held back. */
    private static final long TAIL_AFTER_IDLE_MICROS = 5_000;
    private static final long TAIL_AFTER_IDLE_NANOS = TAIL_AFTER_IDLE_MICROS * 1_000;
    /** Longest pause between two looks at the consumer's head while the ring is full. */
    private static final long MAX_ROOM_PAUSE_NANOS = 1_000_000;
    /**
     * First pause before the consumer's head is read again: each read is a sector read, and
     * the consumer publishes its head only every half ring (or after a wait of its own).
     */
    private static final long MIN_ROOM_PAUSE_NANOS = 100_000;
    private static final long STOP_WAIT_MILLIS = 5_000;
    /**
     * A sender writes its own chunk when the pipeline has been idle this long and what is
     * staged is at most {@value #INLINE_MAX_BYTES} bytes: a request or an answer then costs
     * no wake-up of the writer thread (tens of µs, and ms on busy cores, on every hop of a
     * round trip). A sender that sends again sooner (a flood of small messages, a stream)
     * leaves it to the writer, which packs what is staged meanwhile into one chunk.
     */
    private static final long INLINE_AFTER_IDLE_NANOS = 50_000;
    private static final int INLINE_MAX_BYTES = 4096;
    /**
     * {@link #INLINE_AFTER_IDLE_NANOS} on the block medium; 0 on shm (a checksummed ring),
     * where a chunk is a copy, cheaper than the writer's wake-up, and a round trip takes
     * microseconds, so an idle time would leave every answer to the writer.
     */
    private final long inlineAfterIdleNanos;
    /** The writer's pause while a sender writes its own chunk. */
    private static final long INLINE_WAIT_NANOS = 10_000;

    private final RingProducer producer;
    private final ChunkWriter writer;
    private final StagingRing staging;
    private final boolean messages;
    private final int sectorSize;
    private final Thread thread;
    private volatile boolean writerParked;
    /** Held by whichever thread writes a chunk now: the writer, or a sender writing its own (see {@link #writeInline}). */
    private final AtomicBoolean writing = new AtomicBoolean();
    /** When the last chunk write ended (System.nanoTime), for {@link #writeInline}. */
    private volatile long lastWriteEnd;
    /** The sender sleeping for staging room ({@link #sleep}), or null. */
    private volatile Thread sleepingSender;
    /** Sender's: how far the writer had taken when the last offer found no room. */
    private long takenAtRefusal = -1;
    /** The consumer shut its input: nothing more is staged (the sender drops or fails, as on shm). */
    private volatile boolean peerShut;
    private volatile boolean endRequested;
    private volatile boolean stopping;
    private volatile Throwable failure;

    ChunkPipeline(RingProducer producer, ChunkWriter writer, boolean messages, String name) {
        this.producer = producer;
        this.writer = writer;
        this.staging = new StagingRing(writer.maxExtent());
        this.messages = messages;
        this.sectorSize = writer.sectorSize();
        this.inlineAfterIdleNanos = producer.wakeups ? 0 : INLINE_AFTER_IDLE_NANOS;
        this.thread = new Thread(this, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Whether this pipeline frames messages (seqpacket) rather than stream bytes. */
    boolean messages() {
        return messages;
    }

    // ---- the sending thread ---------------------------------------------------------------

    /** Stages what of {@code src} fits now; returns the count, maybe 0. */
    int offer(ByteBuffer src) throws SocketException {
        checkFailure();
        if (peerShut) {
            return 0;
        }
        int n = staging.offer(src);
        if (n > 0) {
            writeInlineOrWake();
        } else {
            takenAtRefusal = staging.takenPosition();
        }
        return n;
    }

    /** Bytes {@link #offer} would stage now (0 after the consumer shut its input). */
    long room() throws SocketException {
        checkFailure();
        return peerShut ? 0 : staging.capacity() - staging.available();
    }

    /** Stages {@code src} as one message if it fits now. */
    boolean offerMessage(ByteBuffer src) throws SocketException {
        checkFailure();
        if (peerShut) {
            return false;
        }
        if (!staging.offerMessage(src)) {
            takenAtRefusal = staging.takenPosition();
            return false;
        }
        writeInlineOrWake();
        return true;
    }

    /** The writer ends the stream once all that is staged is written. */
    void requestEnd() {
        endRequested = true;
        wakeWriter();
    }

    /** The ring is no longer ours to write: the writer stops at once (what is staged is dropped). */
    void stop() {
        stopping = true;
        LockSupport.unpark(thread);
        wakeSender();
    }

    /** {@link #stop}, then waits until the writer wrote its last byte. */
    void stopAndWait() {
        stop();
        if (Thread.currentThread() == thread) {
            return;
        }
        try {
            thread.join(STOP_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STOP_WAIT_MILLIS);
        while (writing.get() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(INLINE_WAIT_NANOS); // a sender's own chunk write in flight
        }
        if (thread.isAlive() || writing.get()) {
            LOG.log(Level.WARNING, "{0} did not stop within {1} ms (a write hangs on the device?)", thread.getName(),
                    STOP_WAIT_MILLIS);
        }
    }

    /** Whether the writer found the consumer's input shut (and dropped what was staged). */
    boolean peerShut() {
        return peerShut;
    }

    /** The sender sleeps until the writer takes staged bytes (or {@code maxNanos} pass). */
    @Override
    public void sleep(long maxNanos) {
        sleepingSender = Thread.currentThread();
        try {
            // the writer takes, then looks for us; we say we sleep, then look at what it took: no wake is lost
            if (staging.takenPosition() == takenAtRefusal && failure == null && !stopping && !peerShut) {
                LockSupport.parkNanos(this, maxNanos);
            }
        } finally {
            sleepingSender = null;
        }
    }

    @Override
    public boolean canSleep() {
        return true;
    }

    /** After the writer took staged bytes (or ended): a sender sleeping for room looks again. */
    private void wakeSender() {
        Thread sender = sleepingSender;
        if (sender != null) {
            LockSupport.unpark(sender);
        }
    }

    /** After staging: the sender writes the chunk itself if that is quicker (see {@link #INLINE_AFTER_IDLE_NANOS}), else wakes the writer. */
    private void writeInlineOrWake() throws SocketException {
        if (writerParked && staging.available() <= INLINE_MAX_BYTES
                && System.nanoTime() - lastWriteEnd >= inlineAfterIdleNanos && writing.compareAndSet(false, true)) {
            try {
                // only with room known without a look at the head: a send must not wait here
                if (!stopping && staging.available() > 0 && producer.cachedFree() >= writer.maxExtent()) {
                    writeChunk();
                }
            } catch (SocketException | RuntimeException | Error t) {
                failure = t;
                LockSupport.unpark(thread); // the writer stops too: nothing more, and no END, reaches the ring
            } finally {
                lastWriteEnd = System.nanoTime();
                writing.set(false);
            }
            checkFailure();
            if (staging.available() == 0 && !endRequested) {
                return;
            }
        }
        wakeWriter();
    }

    private void wakeWriter() {
        if (writerParked) {
            LockSupport.unpark(thread);
        }
    }

    private void checkFailure() throws SocketException {
        Throwable t = failure;
        if (t == null) {
            return;
        }
        if (t instanceof MediumFaultException fault) {
            throw fault; // typed by the socket's fault translation, as its own I/O would be
        }
        SocketException e = new SocketException(t instanceof SocketException ? t.getMessage()
                : "Connection reset: the ring's writer failed: " + t);
        e.initCause(t);
        throw e;
    }

    // ---- the writer thread ----------------------------------------------------------------

    @Override
    public void run() {
        try {
            while (!stopping && failure == null) { // a sender's own write failed: no END after bytes never written
                if (!writing.compareAndSet(false, true)) {
                    // a sender writes its own chunk (one device write): wait without taking a
                    // core, which the storage stack under that write may need
                    LockSupport.parkNanos(this, INLINE_WAIT_NANOS);
                    continue;
                }
                try {
                    if (staging.available() > 0) {
                        writeChunk();
                        lastWriteEnd = System.nanoTime();
                        continue;
                    }
                    if (endRequested && staging.available() == 0) {
                        writeEnd();
                        return;
                    }
                } finally {
                    writing.set(false);
                }
                idle();
            }
        } catch (Throwable t) {
            failure = t;
            LOG.log(Level.DEBUG, () -> thread.getName() + " failed", t);
        } finally {
            wakeSender();
        }
    }

    /** The request, then nothing staged after it: the END record, the tail and the flag. */
    private void writeEnd() throws SocketException {
        boolean room = awaitRoom(sectorSize); // false: stopping, or the consumer reads no more
        if (stopping) {
            return;
        }
        if (room) {
            producer.endRecord(); // what the consumer finds with its next look
        }
        producer.endNow(); // the tail and the flag: the backstop
    }

    /** Parks until the sender stages more; publishes a held-back tail once idle for a while. */
    private void idle() {
        writerParked = true;
        try {
            if (staging.available() > 0 || endRequested || stopping) {
                return;
            }
            long before = System.nanoTime();
            LockSupport.parkNanos(this, TAIL_AFTER_IDLE_NANOS);
            if (staging.available() == 0 && !endRequested && !stopping && System.nanoTime() - before >= TAIL_AFTER_IDLE_NANOS) {
                producer.publishTail();
                LockSupport.parkNanos(this, TimeUnit.SECONDS.toNanos(1));
            }
        } finally {
            writerParked = false;
        }
    }

    /** Writes one chunk of what is staged (after a pad if a message must start a new lap). */
    private void writeChunk() throws SocketException {
        long tail = producer.tail();
        long toEnd = producer.capacity() - (tail & (producer.capacity() - 1));
        long maxExtent = Math.min(toEnd, writer.maxExtent());
        long available = staging.available();
        int payload;
        if (messages) {
            long first = writer.extentOf(MESSAGE_LENGTH_SIZE + (long) staging.messageLength(staging.takenPosition()));
            if (first > toEnd) {
                // the pad takes the rest of the lap (the message then waits for room at its start)
                if (awaitRoom(toEnd)) {
                    writer.writePad(tail);
                    producer.chunkWritten(toEnd);
                }
                return;
            }
            if (!awaitRoom(first)) {
                return;
            }
            payload = messagesThatFit(available, Math.min(maxExtent, producer.free(maxExtent) & -(long) sectorSize));
        } else {
            long wanted = Math.min(maxExtent, writer.extentOf(available));
            if (!awaitRoom(sectorSize)) {
                return;
            }
            long room = Math.min(wanted, producer.free(wanted) & -(long) sectorSize);
            payload = (int) Math.min(available, room - writer.overhead());
        }
        staging.copyOut(writer.payload(), payload);
        staging.take(payload); // the sender may refill that room while the chunk is written
        wakeSender();
        if (!stopping) {
            producer.chunkWritten(writer.writeData(tail, payload));
        }
    }

    /** Bytes of the whole staged messages, from the first, whose chunk fits in {@code room}. */
    private int messagesThatFit(long available, long room) {
        long at = staging.takenPosition();
        long end = at + available;
        long bytes = 0;
        while (at < end) {
            long next = MESSAGE_LENGTH_SIZE + (long) staging.messageLength(at);
            if (writer.extentOf(bytes + next) > room) {
                break;
            }
            bytes += next;
            at += next;
        }
        return (int) bytes;
    }

    /**
     * Waits until the ring has {@code wanted} bytes free. False when there will be none to
     * write into: the consumer shut its input (what is staged is dropped, as TCP's peer drops
     * it), or the pipeline stops.
     */
    private boolean awaitRoom(long wanted) throws SocketException {
        long pause = MIN_ROOM_PAUSE_NANOS;
        while (producer.free(wanted) < wanted) {
            if (stopping) {
                return false;
            }
            if (producer.peerHasShut()) {
                peerShut = true;
                staging.discard();
                wakeSender();
                return false;
            }
            if (pause == MAX_ROOM_PAUSE_NANOS) {
                producer.publishTail(); // the consumer may be stuck on a chunk it must judge (damage, or not yet)
            }
            if (producer.wakeups) {
                producer.sleep(pause); // shm: the consumer's head move wakes us (futex)
            } else {
                LockSupport.parkNanos(this, pause);
            }
            pause = Math.min(2 * pause, MAX_ROOM_PAUSE_NANOS);
        }
        return true;
    }
}
