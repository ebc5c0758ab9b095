package io.arraysock.cli;

import io.arraysock.ArraySocket;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Moves a {@link BufferPipe}'s buffers to or from a socket, whole: each filled buffer is one
 * send (a large message), each empty one is filled by receives while the socket has bytes.
 * One thread per direction of the socket. And {@link Stage}: the other end of a pipe on a
 * thread of its own.
 */
final class SocketPump {
    private SocketPump() {
    }

    /** Sends every buffer of the pipe until its end (consumer side); fails the pipe if the send fails. */
    static long sendAll(BufferPipe pipe, ArraySocket s) throws IOException {
        long sent = 0;
        try {
            for (ByteBuffer b; (b = pipe.takeFilled()) != null; ) {
                sent += b.remaining();
                s.send(b);
                pipe.recycle(b);
            }
            return sent;
        } catch (IOException | RuntimeException | Error e) {
            pipe.fail(e);
            throw e;
        }
    }

    /**
     * Receives until the end of the stream into the pipe (producer side), handing a buffer
     * over when it is full or the socket has nothing more at the moment; fails the pipe if a
     * receive fails.
     */
    static long receiveAll(ArraySocket s, BufferPipe pipe) throws IOException {
        long received = 0;
        try {
            ByteBuffer b = pipe.takeEmpty();
            for (int n; (n = s.receive(b)) >= 0; ) {
                received += n;
                if (!b.hasRemaining() || s.available() == 0) {
                    pipe.put(b);
                    b = pipe.takeEmpty();
                }
            }
            if (b.position() > 0) {
                pipe.put(b);
            } else {
                pipe.recycle(b);
            }
            pipe.finish();
            return received;
        } catch (IOException | RuntimeException | Error e) {
            pipe.fail(e);
            throw e;
        }
    }

    /**
     * A task on a daemon thread of its own that works one end of a pipe: whatever it throws
     * fails the pipe, so the thread at the other end stops waiting.
     */
    static final class Stage<T> {
        private final FutureTask<T> task;

        Stage(String name, BufferPipe pipe, Callable<T> work) {
            this.task = new FutureTask<>(() -> {
                try {
                    return work.call();
                } catch (Exception | Error e) {
                    pipe.fail(e);
                    throw e;
                }
            });
            Thread t = new Thread(task, name);
            t.setDaemon(true);
            t.start();
        }

        /** The task's result; what it threw is thrown here as itself (an IOException, a RuntimeException or an Error). */
        T join() throws IOException {
            try {
                return task.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while waiting for " + e.getMessage());
            } catch (ExecutionException e) {
                throw rethrow(e.getCause());
            }
        }

        /** As {@link #join()}, giving up after {@code seconds}: for the path where this side already failed. */
        void joinQuietly(long seconds) {
            try {
                task.get(seconds, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                // this side's own failure is the one to report
            }
        }
    }

    /**
     * The failure to report: the root one, not the {@link BufferPipe.Failed} a partner saw
     * because of it. Returned so callers can write {@code throw rethrow(e)}.
     */
    static IOException rethrow(Throwable t) throws IOException {
        while (t instanceof BufferPipe.Failed && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof IOException io) {
            throw io;
        }
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error err) {
            throw err;
        }
        throw new IOException(t);
    }
}
