package io.arraysock.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One forwarded connection: the accepted client, its own connection to the target, and a
 * thread for each direction (the first also makes the connection). Each direction reads
 * into a direct buffer and writes it out whole before it reads again, so a slow reader
 * holds its writer back (back-pressure end to end); the end of one direction's stream
 * shuts the other side's output down (half-close). A failure of either side (a reset, a
 * dead node, a broken pipe) aborts both at once, so the other peer sees a reset too.
 */
final class Splice {
    /** Bytes one read may move: big enough that a stream costs few calls, small enough for many connections. */
    static final int BUFFER = 128 * 1024;
    /** A copying thread's stack: it only loops over one read and one write. */
    private static final long STACK = 256 * 1024;

    /** How a connection is set up and where it reports; shared by all of a forward's connections. */
    record Setup(ForwardEndpoint target, ArrayAttachments arrays, Duration connectTimeout, ForwardLog log) {
    }

    private final int id;
    private final Conduit client;
    private final Setup setup;
    private final Runnable onEnd;
    private final AtomicInteger running = new AtomicInteger(2);
    private final long started = System.nanoTime();
    private volatile Conduit target;
    private volatile long up;
    private volatile long down;
    /** The first failure ("reset by ..."), or null while none: set once, under the lock. */
    private String failure;
    private boolean stopped;

    Splice(int id, Conduit client, Setup setup, Runnable onEnd) {
        this.id = id;
        this.client = client;
        this.setup = setup;
        this.onEnd = onEnd;
    }

    /** Connects to the target and starts moving bytes, on threads of its own. */
    void start() {
        thread("up", this::connectAndPumpUp).start();
    }

    /** The forward stops: what fails from now on is its doing, not a peer's, and goes unreported. */
    synchronized void markStopped() {
        stopped = true;
    }

    /** The forward stops: both sides are cut at once, quietly. */
    void stop() {
        markStopped();
        abortBoth();
    }

    private Thread thread(String direction, Runnable r) {
        Thread t = new Thread(null, r, "forward-" + id + "-" + direction, STACK);
        t.setDaemon(true);
        return t;
    }

    private void connectAndPumpUp() {
        Conduit t;
        try {
            t = setup.target().connect(setup.arrays(), setup.connectTimeout());
        } catch (IOException | RuntimeException | InternalError e) {
            client.abort();
            if (!isStopped()) {
                setup.log().refused(id, client.describe(), setup.target().spec() + ": " + ExitCode.describe(MediumFaults.typed(e)));
            }
            onEnd.run();
            return;
        }
        target = t;
        if (isStopped()) {
            t.abort(); // stop() ran while we connected: it could not cut what did not exist yet
        }
        thread("down", () -> pump(t, client, false)).start();
        pump(client, t, true);
    }

    private synchronized boolean isStopped() {
        return stopped;
    }

    private void pump(Conduit from, Conduit to, boolean upward) {
        ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER);
        try {
            while (true) {
                int n;
                try {
                    n = from.read(buf);
                } catch (IOException | RuntimeException | InternalError e) {
                    fail(from, e);
                    return;
                }
                if (n < 0) {
                    break;
                }
                buf.flip();
                try {
                    to.write(buf);
                } catch (IOException | RuntimeException | InternalError e) {
                    fail(to, e);
                    return;
                }
                buf.clear();
                if (upward) {
                    up += n;
                } else {
                    down += n;
                }
            }
            try {
                to.shutdownOutput();
            } catch (IOException | RuntimeException | InternalError e) {
                fail(to, e);
            }
        } finally {
            directionEnded();
        }
    }

    /** The first failure names the side and the cause; later ones are its echo (the sockets we aborted). */
    private void fail(Conduit side, Throwable e) {
        synchronized (this) {
            if (failure == null) {
                String who = side == client ? "the client" : "the target";
                failure = stopped ? "cut (the forward stopped)"
                        : "reset by " + who + ": " + ExitCode.describe(MediumFaults.typed(e));
            }
        }
        abortBoth();
    }

    private void abortBoth() {
        client.abort();
        Conduit t = target;
        if (t != null) {
            t.abort();
        }
    }

    private void directionEnded() {
        if (running.decrementAndGet() != 0) {
            return;
        }
        String how;
        synchronized (this) {
            how = failure != null ? failure : stopped ? "cut (the forward stopped)" : "closed";
        }
        client.close();
        target.close();
        setup.log().ended(id, client.describe(), target.describe(), how, up, down, System.nanoTime() - started);
        onEnd.run();
    }
}
