package io.arraysock.socket;

import io.arraysock.api.Doorbell;
import io.arraysock.format.Geometry;
import io.arraysock.format.NodeRecordDescriptor;
import io.arraysock.medium.Medium;
import io.arraysock.medium.MediumFaultException;
import io.arraysock.medium.ShmMedium;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Our node's loop bell: the word at {@link NodeRecordDescriptor#LOOP_BELL_OFFSET} of our
 * node record, which our event loops sleep on (shm). We alone write it: {@link #ring} stores
 * a new value, then wakes it, so a loop that took its ticket before never sleeps through a
 * ring of ours. Other nodes only futex-wake it (no write: one writer per sector), after
 * publishing into a ring whose consumer marked its waiting word {@link RingEnd#WAITING_LOOP},
 * and they bump their own events word of that ring (and wake it). So that no such wake is
 * lost, a loop sleeps on the bell and on the events word of every ring it marked (futex_waitv,
 * at most {@value ShmMedium#MAX_WAITV} words): {@link #ticket} starts the loop thread's
 * list, {@link RingEnd#loopWaiting} adds to it, {@link #fence} reads their values after the
 * fence (before the loop's last look), {@link #await} sleeps until any of them changes. With
 * more words, or no futex_waitv, it sleeps on the bell alone and a wake landing between the
 * last look and the sleep is lost, which the loop's sleep cap bounds (docs/PROTOCOL.md, "Event loops").
 */
final class LoopBell implements Doorbell {
    private final Medium medium;
    private final Geometry geometry;
    private final long word;
    private final NodeContext node;
    private final AtomicInteger value;
    /** The loop thread's words to sleep on: [0] the bell, then the marked rings' peer events words. */
    private static final ThreadLocal<Watch> WATCH = ThreadLocal.withInitial(Watch::new);

    /** One loop thread's words, reused from sleep to sleep (no allocation). */
    private static final class Watch {
        final long[] words = new long[ShmMedium.MAX_WAITV];
        final int[] values = new int[ShmMedium.MAX_WAITV];
        int count;
        boolean overflow;
    }

    /** On a loop thread between {@link #ticket} and {@link #fence}: the loop sleeps on {@code word} too. */
    static void watch(long word) {
        Watch w = WATCH.get();
        if (w.count < w.words.length) {
            w.words[w.count++] = word;
        } else {
            w.overflow = true;
        }
    }

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
        Watch w = WATCH.get();
        w.count = 1;
        w.overflow = false;
        int t = medium.getIntAcquire(word);
        w.words[0] = word;
        w.values[0] = t;
        return t;
    }

    /** The fence, then the values of the words watched since {@link #ticket} (before the last look). */
    @Override
    public void fence() {
        medium.fullFence();
        Watch w = WATCH.get();
        for (int i = 1; i < w.count; i++) {
            w.values[i] = medium.getIntAcquire(w.words[i]);
        }
    }

    @Override
    public void await(int ticket, long maxNanos) throws IOException {
        try {
            Watch w = WATCH.get();
            if (w.count > 1 && !w.overflow && w.words[0] == word && w.values[0] == ticket
                    && medium.awaitAnyChange(w.words, w.values, w.count, maxNanos)) {
                return;
            }
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
