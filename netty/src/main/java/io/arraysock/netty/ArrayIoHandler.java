package io.arraysock.netty;

import io.arraysock.api.Doorbell;
import io.arraysock.api.PollingBackoff;
import io.arraysock.net.CommonBell;
import io.arraysock.net.LoopWaiter;
import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoOps;
import io.netty.channel.IoRegistration;
import io.netty.util.concurrent.ThreadAwareExecutor;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * The Netty 4.2 {@link IoHandler} of the array: one event-loop thread serves every array
 * channel registered with it (no thread per socket).
 *
 * <pre>{@code
 * EventLoopGroup group = new MultiThreadIoEventLoopGroup(ArrayIoHandler.newFactory());
 * }</pre>
 *
 * <p>How it waits: each {@link #run} round polls every registered handle with the library's
 * non-blocking calls. A round where nothing moved waits with the library's
 * {@link LoopWaiter} (the same as its java.nio selector): a few rounds of spinning and of
 * yielding; then, when every channel of the loop is on one shm array, a sleep on that
 * array's loop bell, which a peer rings when it publishes into (or frees room in) a ring
 * whose channel this loop marked before it slept (docs/PROTOCOL.md, "Event loops"), at most
 * {@value LoopWaiter#BELL_SLEEP_MAX_MILLIS} ms. Elsewhere (the block medium, where a sector
 * read is the only way to see the peer; channels of several arrays; a connect pending) it
 * parks for a time that doubles up to {@code maxIdleSleep}. Never past the loop's next
 * scheduled task ({@link IoHandlerContext#delayNanos}). {@link #wakeup} ends either sleep, so
 * a task submitted from another thread runs at once.
 */
public final class ArrayIoHandler implements IoHandler {
    private static final Logger LOG = System.getLogger(ArrayIoHandler.class.getName());
    /** The default longest sleep: how late, at worst, a polled loop sees new data. */
    public static final Duration DEFAULT_MAX_IDLE_SLEEP = PollingBackoff.DEFAULT_MAX_PARK;

    private final ThreadAwareExecutor executor;
    private final LoopWaiter waiter;
    private final LoopWaiter.Sockets handles = new Handles();
    private final List<Registration> registrations = new ArrayList<>();
    private volatile Thread loopThread;
    /** What the last look before a sleep moved (loop thread). */
    private int lastLook;
    /** True while {@link #pollAll} walks the list: removals wait for its end. */
    private boolean polling;
    private final List<Registration> cancelledWhilePolling = new ArrayList<>();

    private ArrayIoHandler(ThreadAwareExecutor executor, Duration maxIdleSleep) {
        this.executor = Objects.requireNonNull(executor, "executor");
        this.waiter = new LoopWaiter(maxIdleSleep);
    }

    /** A factory for {@code MultiThreadIoEventLoopGroup}, sleeping at most {@link #DEFAULT_MAX_IDLE_SLEEP} when idle. */
    public static IoHandlerFactory newFactory() {
        return newFactory(DEFAULT_MAX_IDLE_SLEEP);
    }

    /**
     * A factory whose loops sleep at most {@code maxIdleSleep} when idle: shorter sees new
     * data sooner, longer costs less CPU for idle connections.
     */
    public static IoHandlerFactory newFactory(Duration maxIdleSleep) {
        new PollingBackoff(maxIdleSleep); // refuses one below PollingBackoff.MIN_PARK_NANOS now, not in the loop
        return executor -> new ArrayIoHandler(executor, maxIdleSleep);
    }

    @Override
    public void initialize() {
        loopThread = Thread.currentThread();
    }

    @Override
    public int run(IoHandlerContext context) {
        if (loopThread == null) {
            loopThread = Thread.currentThread();
        }
        long start = context.shouldReportActiveIoTime() ? System.nanoTime() : 0;
        int progress = pollAll();
        if (context.shouldReportActiveIoTime()) {
            context.reportActiveIoTime(System.nanoTime() - start);
        }
        if (progress > 0 || waiter.wakeupPending()) {
            waiter.clearWakeup();
            waiter.progress(handles);
        } else if (context.canBlock()) {
            progress = backOff(context);
        }
        return progress;
    }

    /** One round over every registered handle; a handle may deregister itself meanwhile. */
    private int pollAll() {
        int progress = 0;
        polling = true;
        try {
            progress = pollEach();
        } finally {
            polling = false;
            for (Registration r : cancelledWhilePolling) {
                r.remove();
            }
            cancelledWhilePolling.clear();
        }
        return progress;
    }

    private int pollEach() {
        int progress = 0;
        for (int i = 0; i < registrations.size(); i++) {
            Registration r = registrations.get(i);
            if (r.isValid()) {
                try {
                    progress += r.handle.poll();
                } catch (Throwable t) {
                    // a handle reports its own errors to its pipeline; this is a bug in it
                    LOG.log(Level.WARNING, "array channel poll failed", t);
                }
            }
        }
        return progress;
    }

    /** One idle round; returns what the last look before a sleep moved (0 if none). */
    private int backOff(IoHandlerContext context) {
        long untilTask = waiter.nextParks() ? context.delayNanos(System.nanoTime()) : Long.MAX_VALUE;
        lastLook = 0;
        try {
            waiter.idle(untilTask, handles);
        } catch (IOException e) {
            // the bell's word faulted (a truncated segment): the channels' next polls report it
            LOG.log(Level.DEBUG, "sleeping on the loop bell failed", e);
            LockSupport.parkNanos(this, Math.min(untilTask, PollingBackoff.MIN_PARK_NANOS));
        }
        return lastLook;
    }

    @Override
    public void wakeup() {
        waiter.wakeup();
    }

    /** The registered handles as the waiter sees them (loop thread). */
    private final class Handles implements LoopWaiter.Sockets {
        private final CommonBell bells = new CommonBell();

        @Override
        public Doorbell doorbell() {
            bells.clear();
            for (Registration r : registrations) {
                if (!r.isValid()) {
                    continue;
                }
                if (r.handle.needsPolling()) {
                    return null;
                }
                if (!bells.add(r.handle.doorbell())) {
                    return null; // channels of several arrays: one bell cannot serve them
                }
            }
            return bells.bell();
        }

        @Override
        public void mark(boolean sleeping) {
            for (Registration r : registrations) {
                r.handle.loopWaiting(sleeping && r.isValid());
            }
        }

        @Override
        public boolean lookAgain() {
            lastLook = pollAll();
            return lastLook > 0;
        }
    }

    @Override
    public void prepareToDestroy() {
        for (Registration r : List.copyOf(registrations)) {
            try {
                r.handle.close();
            } catch (Exception e) {
                LOG.log(Level.DEBUG, "closing an array channel at shutdown failed", e);
            }
        }
    }

    @Override
    public void destroy() {
        registrations.clear();
    }

    @Override
    public IoRegistration register(IoHandle handle) {
        if (!(handle instanceof ArrayIoHandle arrayHandle)) {
            throw new IllegalArgumentException("not an array channel's handle: " + handle.getClass().getName());
        }
        for (Registration r : registrations) {
            if (r.handle == handle) {
                throw new IllegalStateException("already registered: " + handle);
            }
        }
        Registration r = new Registration(arrayHandle);
        registrations.add(r);
        arrayHandle.registered();
        return r;
    }

    @Override
    public boolean isCompatible(Class<? extends IoHandle> handleType) {
        return ArrayIoHandle.class.isAssignableFrom(handleType);
    }

    /** Handles registered now (for tests and diagnostics; on the loop thread). */
    int registeredCount() {
        return registrations.size();
    }

    private final class Registration implements IoRegistration {
        private final AtomicBoolean cancelled = new AtomicBoolean();
        final ArrayIoHandle handle;

        Registration(ArrayIoHandle handle) {
            this.handle = handle;
        }

        @Override
        public <T> T attachment() {
            return null;
        }

        /** Any submitted ops mean "poll this handle soon": the loop polls it every round anyway. */
        @Override
        public long submit(IoOps ops) {
            if (!isValid()) {
                throw new IllegalStateException("registration cancelled");
            }
            wakeup();
            return 0;
        }

        @Override
        public boolean isValid() {
            return !cancelled.get();
        }

        @Override
        public boolean cancel() {
            if (!cancelled.compareAndSet(false, true)) {
                return false;
            }
            if (executor.isExecutorThread(Thread.currentThread())) {
                if (polling) {
                    cancelledWhilePolling.add(this);
                } else {
                    remove();
                }
            } else {
                executor.execute(this::remove);
            }
            return true;
        }

        private void remove() {
            if (registrations.remove(this)) {
                handle.unregistered();
            }
        }
    }
}
