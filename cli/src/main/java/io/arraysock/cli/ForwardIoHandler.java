package io.arraysock.cli;

import io.arraysock.api.PollingBackoff;
import io.arraysock.netty.ArrayIoHandler;
import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoRegistration;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.ThreadAwareExecutor;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The event loop of {@code arraysock forward}: one thread serves both sides of every
 * connection, Netty's NIO handler for the TCP and Unix sockets and the array's handler for
 * the array sockets, so a byte read on one side is written to the other on the same thread,
 * with no hand-over and no wake-up between them.
 *
 * <p>Each round looks at both without waiting (NIO's {@code selectNow}, a poll of every
 * array socket). A round where nothing moved waits as {@code --idle} says: {@code spin}
 * never sleeps (the loop's core is busy all the time); {@code blocking} backs off with the
 * library's {@link PollingBackoff} (spin, yield, then sleep from 20 µs doubling to 1 ms):
 * sleeps under half a millisecond park the thread, longer ones wait in the selector, so a TCP
 * byte ends them at once. The array has no readiness events: new array data is seen at
 * worst one sleep late, never past the next scheduled task.
 */
final class ForwardIoHandler implements IoHandler {
    /** Sleeps from this long wait in the selector (NIO waits in whole milliseconds; this rounds up to 1 ms). */
    private static final long SELECT_AT_LEAST = TimeUnit.MICROSECONDS.toNanos(500);
    /** A context that never blocks: each handler looks once and returns. */
    private static final IoHandlerContext LOOK_ONLY = new IoHandlerContext() {
        @Override
        public boolean canBlock() {
            return false;
        }

        @Override
        public long delayNanos(long currentTimeNanos) {
            return 0;
        }

        @Override
        public long deadlineNanos() {
            return -1;
        }
    };

    private final IoHandler nio;
    private final IoHandler array;
    private final PollingBackoff backoff;
    private volatile Thread loopThread;
    private volatile boolean wokenUp;

    private ForwardIoHandler(ThreadAwareExecutor executor, boolean spin) {
        this.nio = NioIoHandler.newFactory().newHandler(executor);
        this.array = ArrayIoHandler.newFactory().newHandler(executor);
        this.backoff = spin ? null : new PollingBackoff();
    }

    /** @param spin {@code --idle spin}: the loop never sleeps */
    static IoHandlerFactory newFactory(boolean spin) {
        return executor -> new ForwardIoHandler(executor, spin);
    }

    @Override
    public void initialize() {
        loopThread = Thread.currentThread();
        nio.initialize();
        array.initialize();
    }

    @Override
    public int run(IoHandlerContext context) {
        int progress = nio.run(LOOK_ONLY) + array.run(LOOK_ONLY);
        if (progress > 0 || wokenUp) {
            wokenUp = false;
            if (backoff != null) {
                backoff.reset();
            }
            return progress;
        }
        if (!context.canBlock()) {
            return 0;
        }
        if (backoff == null) {
            Thread.onSpinWait();
            return 0;
        }
        long untilTask = backoff.nextParks() ? context.delayNanos(System.nanoTime()) : Long.MAX_VALUE;
        long sleep = backoff.next(untilTask);
        if (sleep >= SELECT_AT_LEAST) {
            return nio.run(selectFor(sleep)); // a TCP byte or a wakeup ends it
        }
        if (sleep > 0 && !wokenUp) {
            LockSupport.parkNanos(this, sleep);
        }
        return 0;
    }

    /** A context in which the selector waits {@code nanos} (whole milliseconds, as NIO waits). */
    private static IoHandlerContext selectFor(long nanos) {
        long deadline = System.nanoTime() + nanos;
        return new IoHandlerContext() {
            @Override
            public boolean canBlock() {
                return true;
            }

            @Override
            public long delayNanos(long currentTimeNanos) {
                return Math.max(0, deadline - currentTimeNanos);
            }

            @Override
            public long deadlineNanos() {
                return deadline;
            }
        };
    }

    @Override
    public void wakeup() {
        wokenUp = true;
        nio.wakeup();
        array.wakeup();
        Thread t = loopThread;
        if (t != null && t != Thread.currentThread()) {
            LockSupport.unpark(t);
        }
    }

    @Override
    public void prepareToDestroy() {
        nio.prepareToDestroy();
        array.prepareToDestroy();
    }

    @Override
    public void destroy() {
        nio.destroy();
        array.destroy();
    }

    @Override
    public IoRegistration register(IoHandle handle) throws Exception {
        return array.isCompatible(handle.getClass()) ? array.register(handle) : nio.register(handle);
    }

    @Override
    public boolean isCompatible(Class<? extends IoHandle> handleType) {
        return array.isCompatible(handleType) || nio.isCompatible(handleType);
    }
}
