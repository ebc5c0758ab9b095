package io.arraysock.netty;

import io.arraysock.api.PollingBackoff;
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
 * <p>How it waits: the array has no readiness events, so each {@link #run} round polls every
 * registered handle with the library's non-blocking calls. A round where nothing moved
 * backs off with the library's {@link PollingBackoff}: a few rounds of spinning, a few of
 * yielding, then sleeping (parking) for a time that doubles up to {@code maxIdleSleep},
 * never past the loop's next scheduled task ({@link IoHandlerContext#delayNanos}). {@link #wakeup} unparks the loop thread, so a task
 * submitted from another thread runs at once; data arriving from the peer is seen at the
 * latest {@code maxIdleSleep} later. On the block medium polling with back-off is the
 * design (a sector read is the only way to see the peer).
 *
 * <p>TODO (issue 13): on shm the loop should sleep on one futex word per node, a doorbell
 * that a peer rings when it publishes into a ring whose consumer's loop has said it
 * sleeps, instead of polling. That needs a per-node doorbell word in the on-media format
 * (docs/FORMAT.md) and a facade call to wait on it; until then shm is polled as block is.
 */
public final class ArrayIoHandler implements IoHandler {
    private static final Logger LOG = System.getLogger(ArrayIoHandler.class.getName());
    /** The default longest sleep: how late, at worst, a polled loop sees new data. */
    public static final Duration DEFAULT_MAX_IDLE_SLEEP = PollingBackoff.DEFAULT_MAX_PARK;

    private final ThreadAwareExecutor executor;
    private final PollingBackoff backoff;
    private final List<Registration> registrations = new ArrayList<>();
    private volatile Thread loopThread;
    private volatile boolean wokenUp;
    /** True while {@link #pollAll} walks the list: removals wait for its end. */
    private boolean polling;
    private final List<Registration> cancelledWhilePolling = new ArrayList<>();

    private ArrayIoHandler(ThreadAwareExecutor executor, Duration maxIdleSleep) {
        this.executor = Objects.requireNonNull(executor, "executor");
        this.backoff = new PollingBackoff(maxIdleSleep);
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
        if (progress > 0 || wokenUp) {
            wokenUp = false;
            backoff.reset();
        } else if (context.canBlock()) {
            backOff(context);
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

    private void backOff(IoHandlerContext context) {
        long untilTask = backoff.nextParks() ? context.delayNanos(System.nanoTime()) : Long.MAX_VALUE;
        long sleep = backoff.next(untilTask);
        if (sleep > 0 && !wokenUp) {
            LockSupport.parkNanos(this, sleep);
        }
    }

    @Override
    public void wakeup() {
        wokenUp = true;
        Thread t = loopThread;
        if (t != null && !executor.isExecutorThread(Thread.currentThread())) {
            LockSupport.unpark(t);
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
