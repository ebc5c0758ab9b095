package io.arraysock.netty;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where the client half of a connect waits for the listener's answer. The library's
 * connect blocks (there is no non-blocking connect in its API yet), and an event loop must
 * never block, so each connect in progress borrows one of these daemon threads and hands
 * the connected socket back to its loop. Established connections use no thread of their
 * own; idle threads end after {@link #KEEP_ALIVE_SECONDS}.
 */
final class ConnectThreads {
    static final long KEEP_ALIVE_SECONDS = 10;
    private static final AtomicInteger COUNT = new AtomicInteger();
    private static final ExecutorService POOL = new ThreadPoolExecutor(0, Integer.MAX_VALUE, KEEP_ALIVE_SECONDS,
            TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
                Thread t = new Thread(r, "arraysock-netty-connect-" + COUNT.incrementAndGet());
                t.setDaemon(true);
                return t;
            });

    private ConnectThreads() {
    }

    static void run(Runnable connect) {
        POOL.execute(connect);
    }
}
