package io.arraysock.net;

import io.arraysock.ArraySocket;
import io.arraysock.api.Doorbell;
import io.arraysock.api.PollingBackoff;

import java.io.IOException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.IllegalSelectorException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.spi.AbstractSelectableChannel;
import java.nio.channels.spi.AbstractSelectionKey;
import java.nio.channels.spi.AbstractSelector;
import java.util.AbstractSet;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * A selector of array channels ({@link ArraySocketChannel}, {@link ArrayServerSocketChannel}),
 * made by {@link ArraySelectorProvider#openSelector()}. Each round asks every key's channel
 * which of its interest operations are ready (bytes or the end to read, ring room to write,
 * an answered connect, a connection to accept); between rounds in which nothing was ready it
 * waits as Netty's array loops do ({@link LoopWaiter}): a few spins and yields, then, when
 * every channel is on one shm array, a sleep on that array's loop bell, which peers ring
 * when they publish into a ring of ours (at most {@value LoopWaiter#BELL_SLEEP_MAX_MILLIS}
 * ms); elsewhere (block medium, several arrays, a connect pending) parks of 20 µs doubling
 * to 1 ms ({@link PollingBackoff}). {@link #wakeup()} (and an interrupt, and a close) ends
 * either at once.
 *
 * <p>The semantics are those of a JDK selector: level-triggered readiness; a key already in
 * the selected set gets new ready operations added; a select returns the number of keys
 * whose ready set was updated, and also returns (with 0) when a key in the selected set is
 * ready again; cancelled keys (and those of closed channels) leave the key set at the next
 * select; a wakeup before a select makes it return at once, and several count as one.
 */
final class ArraySelector extends AbstractSelector {
    private final Set<ArraySelectionKey> keys = ConcurrentHashMap.newKeySet();
    private final Set<SelectionKey> publicKeys = Collections.unmodifiableSet(keys);
    /** Guarded by itself (as the JDK's selected-key set: selects synchronize on it). */
    private final Set<SelectionKey> selected = new HashSet<>();
    private final Set<SelectionKey> publicSelected = new Ungrowable(selected);
    /** How selects wait; its idle and progress on the selecting thread only (selects are serialized by the selector's monitor). */
    private final LoopWaiter waiter = new LoopWaiter(PollingBackoff.DEFAULT_MAX_PARK);
    private final KeySockets keySockets = new KeySockets();
    private volatile Thread selecting;

    ArraySelector(ArraySelectorProvider provider) {
        super(provider);
    }

    @Override
    protected SelectionKey register(AbstractSelectableChannel ch, int ops, Object att) {
        if (!(ch instanceof ArraySocketChannel || ch instanceof ArrayServerSocketChannel)) {
            throw new IllegalSelectorException();
        }
        ensureOpen();
        ArraySelectionKey k = new ArraySelectionKey(this, ch);
        k.attach(att);
        k.interestOps(ops);
        keys.add(k);
        return k;
    }

    @Override
    public Set<SelectionKey> keys() {
        ensureOpen();
        return publicKeys;
    }

    @Override
    public Set<SelectionKey> selectedKeys() {
        ensureOpen();
        return publicSelected;
    }

    @Override
    public int selectNow() throws IOException {
        return select(0, false);
    }

    @Override
    public int select(long timeout) throws IOException {
        if (timeout < 0) {
            throw new IllegalArgumentException("Negative timeout");
        }
        return select(timeout == 0 ? Long.MAX_VALUE : Math.multiplyExact(Math.min(timeout, Long.MAX_VALUE / 2_000_000), 1_000_000L), true);
    }

    @Override
    public int select() throws IOException {
        return select(0);
    }

    /** A selection: one round, or (waiting) rounds until a key is ready, a wakeup, an interrupt or {@code timeoutNanos}. */
    private int select(long timeoutNanos, boolean waiting) throws IOException {
        synchronized (this) {
            ensureOpen();
            synchronized (selected) {
                removeCancelled();
                int updated;
                if (!waiting) {
                    waiter.clearWakeup();
                    updated = round();
                } else {
                    updated = waitForReady(timeoutNanos);
                }
                removeCancelled();
                return Math.max(updated, 0);
            }
        }
    }

    private int waitForReady(long timeoutNanos) throws IOException {
        long start = System.nanoTime();
        selecting = Thread.currentThread();
        try {
            begin(); // an interrupt now (or already) wakes us
            waiter.progress(keySockets);
            while (true) {
                int updated = round();
                if (updated != 0 || waiter.wakeupPending() || !isOpen()) {
                    return updated;
                }
                long left = timeoutNanos - (System.nanoTime() - start);
                if (left <= 0) {
                    return 0;
                }
                keySockets.lastLook = 0;
                waiter.idle(left, keySockets);
                if (keySockets.lastLook != 0) {
                    return keySockets.lastLook;
                }
            }
        } finally {
            waiter.progress(keySockets); // clears the marks
            end();
            selecting = null;
            waiter.clearWakeup();
        }
    }

    /** The keys' sockets as the waiter sees them (selecting thread). */
    private final class KeySockets implements LoopWaiter.Sockets {
        /** What the last look before a sleep found: as {@link #round}. */
        int lastLook;

        private final CommonBell bells = new CommonBell();

        @Override
        public Doorbell doorbell() {
            bells.clear();
            for (ArraySelectionKey k : keys) {
                if (!k.isValid()) {
                    continue;
                }
                ArraySocket s;
                if (k.channel() instanceof ArraySocketChannel c) {
                    if ((k.interest() & SelectionKey.OP_CONNECT) != 0 && c.isConnectionPending()) {
                        return null; // the answer is not rung on the bell
                    }
                    s = c.isConnected() ? c.arraySocket() : null;
                } else {
                    s = ((ArrayServerSocketChannel) k.channel()).arraySocket();
                }
                if (s != null && !bells.add(s.doorbell())) {
                    return null; // sockets of several arrays: one bell cannot serve them
                }
            }
            return bells.bell();
        }

        @Override
        public void mark(boolean sleeping) {
            for (ArraySelectionKey k : keys) {
                if (k.channel() instanceof ArraySocketChannel c) {
                    ArraySocket s = c.arraySocket();
                    if (s != null && c.isConnected()) {
                        int interest = sleeping && k.isValid() ? k.interest() : 0;
                        try {
                            s.loopWaiting((interest & SelectionKey.OP_READ) != 0, (interest & SelectionKey.OP_WRITE) != 0);
                        } catch (IOException e) {
                            // the channel's next readiness look reports what failed
                        }
                    }
                }
            }
        }

        @Override
        public boolean lookAgain() {
            lastLook = round();
            return lastLook != 0;
        }
    }

    /**
     * One look at every valid key: the number of keys whose ready set was updated, or -1
     * when none was but a key in the selected set is ready again (a select then returns 0,
     * as a JDK selector does).
     */
    private int round() {
        int updated = 0;
        boolean readyAgain = false;
        for (ArraySelectionKey k : keys) {
            if (!k.isValid()) {
                continue;
            }
            int interest = k.interest();
            int ready = interest == 0 ? 0 : readyOps(k.channel(), interest) & interest;
            if (ready == 0) {
                continue;
            }
            if (selected.contains(k)) {
                int before = k.ready();
                if ((ready & ~before) != 0) {
                    k.ready(before | ready);
                    updated++;
                } else {
                    readyAgain = true;
                }
            } else {
                k.ready(ready);
                selected.add(k);
                updated++;
            }
        }
        return updated == 0 && readyAgain ? -1 : updated;
    }

    private static int readyOps(SelectableChannel ch, int interest) {
        return ch instanceof ArraySocketChannel s ? s.readyOps(interest) : ((ArrayServerSocketChannel) ch).readyOps(interest);
    }

    /** Takes the cancelled keys out of the key and selected sets, and their channels' registrations. */
    private void removeCancelled() {
        Set<SelectionKey> cancelled = cancelledKeys();
        synchronized (cancelled) {
            for (SelectionKey k : cancelled) {
                keys.remove(k);
                selected.remove(k);
                deregister((AbstractSelectionKey) k);
            }
            cancelled.clear();
        }
    }

    @Override
    public ArraySelector wakeup() {
        waiter.wakeup();
        Thread t = selecting;
        if (t != null) {
            LockSupport.unpark(t);
        }
        return this;
    }

    /** Wakes a select in progress, waits for it to end, and deregisters every key. */
    @Override
    protected void implCloseSelector() {
        wakeup();
        synchronized (this) {
            synchronized (selected) {
                for (ArraySelectionKey k : keys) {
                    k.cancel();
                }
                removeCancelled();
                keys.clear();
                selected.clear();
            }
        }
    }

    private void ensureOpen() {
        if (!isOpen()) {
            throw new ClosedSelectorException();
        }
    }

    /** The selected-key set as callers see it: keys may be removed, not added (as the JDK's). */
    private static final class Ungrowable extends AbstractSet<SelectionKey> {
        private final Set<SelectionKey> set;

        Ungrowable(Set<SelectionKey> set) {
            this.set = set;
        }

        @Override
        public Iterator<SelectionKey> iterator() {
            return set.iterator();
        }

        @Override
        public int size() {
            return set.size();
        }

        @Override
        public boolean contains(Object o) {
            return set.contains(o);
        }

        @Override
        public boolean remove(Object o) {
            return set.remove(o);
        }

        @Override
        public void clear() {
            set.clear();
        }

        @Override
        public boolean add(SelectionKey k) {
            throw new UnsupportedOperationException("keys are added by the selector");
        }
    }
}
