package io.arraysock.node;

import io.arraysock.api.CorruptMediumException;
import io.arraysock.api.NodeSlotLostException;
import io.arraysock.format.NodeRecord;
import io.arraysock.format.SuperblockCodec;
import io.arraysock.api.NodeState;
import io.arraysock.medium.MediumFaultException;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.io.IOException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;

/**
 * The heartbeat of a claimed slot: a daemon thread that every interval re-reads the slot's
 * sealed header and, while it is still ours, release-stores the next counter value, then
 * runs the {@link NodeListener}s. If the header ever shows a foreign incarnation (or is no
 * longer a valid ACTIVE record of ours), or an I/O to the medium fails, the slot is lost: it
 * logs at ERROR, stops writing into the slot for good, and {@link #checkNotLost()} throws
 * from then on.
 */
public final class Heartbeat {
    private static final Logger LOG = System.getLogger(Heartbeat.class.getName());

    private final NodeTable table;
    /** The array we attached to: a superblock with another uuid means it was reformatted under us. */
    private final UUID arrayUuid;
    private final int slot;
    private final long incarnation;
    private final long intervalNanos;
    /** A gap between beats longer than this means others may have judged us dead: we stop. */
    private final long stallNanos;
    private volatile long lastBeatNanos = System.nanoTime();
    private final List<NodeListener> listeners = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean stopped;
    private volatile String lostReason;
    private volatile IOException lostCause;
    private long counter;
    private long tick;

    /**
     * @param stallNanos the liveness timeout: if this process is stalled (SIGSTOP, a huge
     *                   pause) longer than that between two beats, others may have declared
     *                   it dead and reclaimed its slot, so it must not write there again
     */
    public Heartbeat(NodeTable table, UUID arrayUuid, int slot, long incarnation, long startCounter, long intervalNanos,
                     long stallNanos) {
        this.stallNanos = stallNanos;
        this.table = table;
        this.arrayUuid = arrayUuid;
        this.slot = slot;
        this.incarnation = incarnation;
        this.counter = startCounter;
        this.intervalNanos = intervalNanos;
        this.thread = new Thread(this::run, "arraysock-heartbeat-" + table.medium().path() + "#" + slot);
        this.thread.setDaemon(true);
    }

    /** The interval between beats. */
    public long intervalNanos() {
        return intervalNanos;
    }

    public void start() {
        thread.start();
    }

    public void addListener(NodeListener listener) {
        listeners.add(listener);
    }

    public void removeListener(NodeListener listener) {
        listeners.remove(listener);
    }

    public boolean isLost() {
        return lostReason != null;
    }

    /**
     * @throws NodeSlotLostException once a foreign claim was seen on our slot, or once this
     *     process stalled past the liveness timeout (checked here too, so a thread that
     *     resumes before the heartbeat thread does still stops)
     */
    public void checkNotLost() throws NodeSlotLostException {
        if (!stopped && lostReason == null) {
            long gap = System.nanoTime() - lastBeatNanos;
            if (gap > stallNanos) {
                declareLost("this node went " + gap / 1_000_000 + " ms without a heartbeat, longer than the "
                        + stallNanos / 1_000_000 + " ms liveness timeout (stopped or paused): others may have declared it dead");
            }
        }
        String reason = lostReason;
        if (reason != null) {
            NodeSlotLostException e = new NodeSlotLostException(table.medium().path(), reason);
            if (lostCause != null) {
                e.initCause(lostCause);
            }
            throw e;
        }
    }

    /** Stops the thread and waits for it; no write to the slot follows. */
    public void stop() {
        stopped = true;
        LockSupport.unpark(thread);
        if (Thread.currentThread() != thread) {
            boolean interrupted = false;
            while (thread.isAlive()) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        long next = System.nanoTime() + intervalNanos;
        while (!stopped) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
                continue;
            }
            next += intervalNanos;
            if (System.nanoTime() - next > 0) {
                next = System.nanoTime() + intervalNanos; // we fell behind (a pause): do not burst
            }
            long gap = System.nanoTime() - lastBeatNanos;
            if (gap > stallNanos) {
                declareLost("this node went " + gap / 1_000_000 + " ms without a heartbeat, longer than the "
                        + stallNanos / 1_000_000 + " ms liveness timeout (stopped or paused): others may have declared it dead");
            }
            // A truncated segment's fault reaches this thread as an InternalError at any later
            // point of the beat or of a listener (the JVM delivers it asynchronously): it ends
            // the node like an I/O error, never the thread with a stack trace on stderr.
            try {
                if (lostReason != null || !beat()) {
                    return;
                }
                for (NodeListener l : listeners) {
                    try {
                        l.onHeartbeat(tick);
                    } catch (MediumFaultException e) {
                        throw e;
                    } catch (RuntimeException e) {
                        LOG.log(Level.WARNING, "heartbeat listener " + l + " failed on " + table.medium().path(), e);
                    }
                }
            } catch (InternalError | MediumFaultException e) {
                declareLost(table.medium().faultOf(e));
                return;
            }
        }
    }

    /** One beat; false once the slot is lost. */
    private boolean beat() {
        String why;
        try {
            // first: on the block medium our own record is read from our shadow of it, so
            // only the superblock shows that a format zeroed the table under us
            why = reformatted();
            if (why != null) {
                declareLost(why);
                return false;
            }
            NodeRecord r = table.read(slot);
            if (r.incarnation() == incarnation && r.state() == NodeState.ACTIVE) {
                table.putHeartbeat(slot, ++counter);
                lastBeatNanos = System.nanoTime();
                tick++;
                return true;
            }
            why = "node slot " + slot + " now holds " + r.state() + " incarnation " + Long.toHexString(r.incarnation())
                    + " (pid " + r.pid() + " on " + r.hostName() + "), not ours (" + Long.toHexString(incarnation) + ")";
        } catch (CorruptMediumException e) {
            why = "node slot " + slot + " no longer holds a valid record: " + e.getMessage();
        } catch (MediumFaultException e) {
            declareLost(e.getCause()); // the beat may or may not have landed: stop
            return false;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "heartbeat of " + table.medium().path() + " slot " + slot + " failed; retrying", e);
            return true;
        }
        declareLost(why);
        return false;
    }

    /** Why the slot is gone if the whole array is: reformatted (or being reformatted) under us; else null. */
    private String reformatted() {
        UUID now = SuperblockCodec.currentUuid(table.medium());
        if (now == null) {
            return "the array is being reformatted or was erased under this node (no array magic): its sockets and "
                    + "node slot are gone";
        }
        return now.equals(arrayUuid) ? null : "the array was reformatted under this node (it was array " + arrayUuid
                + ", it is now array " + now + "): its sockets and node slot are gone";
    }

    /**
     * Marks the slot lost (once) and tells the listeners, who must stop writing. Called here
     * on a foreign claim, a stall or a failed beat, and by the layers above when an I/O of
     * theirs failed: what this node last wrote is then unknown, so it writes nothing more,
     * and its peers see it dead within the liveness timeout.
     */
    public void declareLost(String why) {
        declareLost(why, null);
    }

    /** {@link #declareLost(String)} for a failed I/O: {@link #checkNotLost()} then names it as its cause. */
    public void declareLost(IOException cause) {
        String m = String.valueOf(cause.getMessage());
        String path = table.medium().path();
        // the exception names the path ("PATH: why", or "PATH shrank to ..."), as ours will
        if (m.startsWith(path + ": ")) {
            m = m.substring(path.length() + 2);
        } else if (m.startsWith(path + " ")) {
            m = m.substring(path.length() + 1);
        }
        declareLost(m, cause);
    }

    private void declareLost(String why, IOException cause) {
        synchronized (this) {
            if (lostReason != null) {
                return;
            }
            lostCause = cause;
            lostReason = why + "; this attachment stopped writing to it";
        }
        // outside the monitor: a listener may wait for a thread that is itself declaring the loss
        try {
            table.medium().unlock(slot); // observers on this machine now see the node dead at once
        } catch (IOException | RuntimeException ex) {
            LOG.log(Level.WARNING, "releasing the lock of node slot " + slot + " failed", ex);
        }
        NodeSlotLostException e = new NodeSlotLostException(table.medium().path(), lostReason);
        if (cause != null) {
            e.initCause(cause); // the fenced sockets' resets carry the typed reason too
        }
        LOG.log(Level.ERROR, e.getMessage());
        for (NodeListener l : listeners) {
            try {
                l.onSlotLost(e);
            } catch (RuntimeException ex) {
                LOG.log(Level.WARNING, "listener " + l + " failed on slot loss", ex);
            }
        }
    }
}
