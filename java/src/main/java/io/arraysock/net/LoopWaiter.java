package io.arraysock.net;

import io.arraysock.api.Doorbell;
import io.arraysock.api.PollingBackoff;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * How an event loop that serves many array sockets waits after a round in which nothing
 * moved: the library's selector ({@link ArraySelectorProvider}) and Netty's
 * {@code ArrayIoHandler} both use one. It spins and yields first ({@link PollingBackoff});
 * then, when every socket of the loop is on one shm array ({@link Sockets#doorbell()}), it
 * sleeps on that array's loop bell (docs/PROTOCOL.md, "Event loops"):
 *
 * <pre>
 *   ticket := bell                 the peer, after publishing into a marked ring:
 *   mark every socket's waiting words    tail := new; full fence
 *   full fence; read each marked         if waiting word == LOOP: events += 1,
 *     ring's peer events word                futex_wake(events), futex_wake(bell)
 *   look at every socket once more
 *   if nothing: futex_waitv(bell = ticket, each events word as read),
 *               at most {@value #BELL_SLEEP_MAX_MILLIS} ms
 * </pre>
 *
 * Either the peer sees the mark and bumps a word the loop sleeps on, or the last look sees
 * its bytes: no wake is lost. Only with more marked rings than futex_waitv takes (127), or
 * an older kernel, does the loop sleep on the bell alone; the bell is not the peer's to
 * write, so a wake that lands between the last look and that sleep is lost, which the sleep
 * cap bounds. Threads of the loop's
 * own node ({@link #wakeup()}, an accept queue) write the bell, so their rings are never
 * lost. Otherwise (the block medium, sockets of several arrays, a connect pending: its
 * answer is not rung on the bell) it parks as {@link PollingBackoff} says.
 *
 * <p>One per loop; {@link #idle} and {@link #progress} on the loop thread, {@link #wakeup}
 * from any thread.
 */
public final class LoopWaiter {
    /** Longest sleep on the bell: what a lost ring costs at most, and how often idle sockets are looked at. */
    public static final long BELL_SLEEP_MAX_MILLIS = 10;

    /** What the loop serves, as the waiter needs it. */
    public interface Sockets {
        /**
         * The bell every socket of the loop shares and can sleep on, or null (no socket, sockets
         * of several arrays, the block medium, or a socket whose news the bell does not carry).
         */
        Doorbell doorbell();

        /**
         * Marks ({@code sleeping}) each socket's waiting words for what the loop waits for on
         * it ({@link io.arraysock.ArraySocket#loopWaiting}), or clears them.
         */
        void mark(boolean sleeping);

        /** The last look before a sleep, after the marks: true when something is ready (the sleep is off). */
        boolean lookAgain();
    }

    private final PollingBackoff backoff;
    private final long bellSleepMaxNanos;
    private volatile boolean wakeupPending;
    private volatile Thread loopThread;
    /** The bell the loop sleeps on now, or null: a wakeup rings it. */
    private volatile Doorbell sleepingOn;
    /** Loop thread only: the sockets were marked, and are cleared at the next progress. */
    private boolean marked;

    /** Parks at most {@code maxPark} where it polls; sleeps on a bell at most {@value #BELL_SLEEP_MAX_MILLIS} ms. */
    public LoopWaiter(Duration maxPark) {
        this(maxPark, Duration.ofMillis(BELL_SLEEP_MAX_MILLIS));
    }

    /**
     * Sleeps on a bell at most {@code maxBellSleep}: longer costs idle sockets less, and a lost
     * ring more (tests make it long, so that only a ring ends a sleep early).
     */
    public LoopWaiter(Duration maxPark, Duration maxBellSleep) {
        this.backoff = new PollingBackoff(maxPark);
        this.bellSleepMaxNanos = maxBellSleep.toNanos();
        if (bellSleepMaxNanos <= 0) {
            throw new IllegalArgumentException("longest bell sleep not positive: " + maxBellSleep);
        }
    }

    /** A round made progress (or was woken): back to spinning, and the marks are cleared. */
    public void progress(Sockets sockets) {
        backoff.reset();
        if (marked) {
            marked = false;
            sockets.mark(false);
        }
    }

    /** Whether the next idle round parks or sleeps (rather than spins or yields): then a cap is worth computing. */
    public boolean nextParks() {
        return backoff.nextParks();
    }

    /** Whether {@link #wakeup} was called since the last {@link #clearWakeup}. */
    public boolean wakeupPending() {
        return wakeupPending;
    }

    public void clearWakeup() {
        wakeupPending = false;
    }

    /**
     * One idle round, at most {@code capNanos} (the loop's next deadline): spins, yields,
     * parks or sleeps on the bell. Returns early on {@link #wakeup}.
     *
     * @throws IOException when the bell's word cannot be waited on (a medium fault)
     */
    public void idle(long capNanos, Sockets sockets) throws IOException {
        loopThread = Thread.currentThread();
        if (!backoff.nextParks()) {
            backoff.next(capNanos);
            return;
        }
        Doorbell bell = capNanos > 0 ? sockets.doorbell() : null;
        if (bell == null || !bell.canSleep()) {
            if (marked) {
                marked = false;
                sockets.mark(false);
            }
            long park = backoff.next(capNanos);
            if (park > 0 && !wakeupPending) {
                LockSupport.parkNanos(this, park);
            }
            return;
        }
        sleepingOn = bell;
        try {
            int ticket = bell.ticket();
            sockets.mark(true); // every time: sockets registered since are marked too
            marked = true;
            bell.fence();
            if (wakeupPending || sockets.lookAgain()) {
                return;
            }
            bell.await(ticket, Math.min(capNanos, bellSleepMaxNanos));
        } finally {
            sleepingOn = null;
        }
    }

    /** Makes the loop's current or next idle round return at once (any thread). */
    public void wakeup() {
        wakeupPending = true;
        Doorbell bell = sleepingOn;
        if (bell != null) {
            bell.ring();
        }
        Thread t = loopThread;
        if (t != null && t != Thread.currentThread()) {
            LockSupport.unpark(t);
        }
    }
}
