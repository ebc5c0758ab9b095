package io.arraysock.socket;

import io.arraysock.api.Doorbell;
import io.arraysock.format.Geometry;
import io.arraysock.format.NodeRecordDescriptor;
import io.arraysock.medium.Medium;
import io.arraysock.medium.MediumFaultException;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Our node's loop bell: the word at {@link NodeRecordDescriptor#LOOP_BELL_OFFSET} of our
 * node record, which our event loops sleep on (shm). We alone write it: {@link #ring} stores
 * a new value, then wakes it, so a loop that took its ticket before never sleeps through a
 * ring of ours. Other nodes only futex-wake it (no write: one writer per sector), after
 * publishing into a ring whose consumer marked its waiting word {@link RingEnd#WAITING_LOOP};
 * such a wake that lands between a loop's last look and its sleep is lost, which the loop's
 * sleep cap bounds (docs/PROTOCOL.md, "Event loops").
 */
final class LoopBell implements Doorbell {
    private final Medium medium;
    private final Geometry geometry;
    private final long word;
    private final NodeContext node;
    private final AtomicInteger value;

    LoopBell(NodeContext node) {
        this.node = node;
        this.medium = node.medium();
        this.geometry = node.geometry();
        this.word = wordOf(geometry, node.slot());
        this.value = new AtomicInteger(medium.supportsWakeups() ? medium.getIntAcquire(word) : 0);
    }

    /** Node {@code slot}'s bell word. */
    static long wordOf(Geometry geometry, int slot) {
        return geometry.nodeRecordOffset(slot) + NodeRecordDescriptor.LOOP_BELL_OFFSET;
    }

    long wordOf(int slot) {
        return wordOf(geometry, slot);
    }

    @Override
    public boolean canSleep() {
        return medium.supportsWakeups();
    }

    @Override
    public int ticket() {
        return medium.getIntAcquire(word);
    }

    @Override
    public void fence() {
        medium.fullFence();
    }

    @Override
    public void await(int ticket, long maxNanos) throws IOException {
        try {
            medium.awaitChange(word, ticket, maxNanos);
        } catch (MediumFaultException | InternalError e) {
            throw medium.faultOf(e);
        }
    }

    @Override
    public void ring() {
        if (!medium.supportsWakeups()) {
            return;
        }
        try {
            node.checkAttached();
        } catch (IOException e) {
            medium.wake(word); // a lost node writes nothing more; a wake needs no write
            return;
        }
        medium.putIntRelease(word, value.incrementAndGet());
        medium.wake(word);
    }
}
