package io.arraysock;

import io.arraysock.api.Doorbell;
import io.arraysock.api.PollingBackoff;
import io.arraysock.api.SocketType;
import io.arraysock.net.LoopWaiter;
import io.arraysock.testkit.ChildJvm;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The event loops' loop bell on shm (docs/PROTOCOL.md, "Event loops"), through the
 * {@link LoopWaiter} that the selector and Netty's handler share. The waiter's bell sleeps
 * are capped at {@value #CAP_SECONDS} s here, so a loop that sees its news within
 * {@value #PROMPT_MILLIS} ms was woken by a ring, not by the cap (a loop that polled or
 * whose ring was lost would take up to the cap).
 */
class LoopBellTest {
    private static final long CAP_SECONDS = 5;
    private static final long PROMPT_MILLIS = 200;
    private static final Duration START = Duration.ofSeconds(30);

    /** One socket as a loop serves it: sleeps on its bell until it is readable. */
    private static class OneSocket implements LoopWaiter.Sockets {
        final ArraySocket socket;
        final AtomicLong marks = new AtomicLong();

        OneSocket(ArraySocket socket) {
            this.socket = socket;
        }

        @Override
        public Doorbell doorbell() {
            return socket.doorbell();
        }

        @Override
        public void mark(boolean sleeping) {
            try {
                socket.loopWaiting(sleeping, false);
                if (sleeping) {
                    marks.incrementAndGet();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public boolean lookAgain() {
            try {
                return socket.readable();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Idles until the socket is readable; returns System.nanoTime() when it saw it. */
    private static long idleUntilReadable(LoopWaiter waiter, OneSocket sockets) throws IOException {
        while (!sockets.socket.readable()) {
            waiter.idle(Long.MAX_VALUE, sockets);
        }
        long seen = System.nanoTime();
        waiter.progress(sockets);
        return seen;
    }

    @Test
    void aLoopAsleepOnTheBellIsWokenByAPeersSendAndCloseInAnotherJvm() throws Exception {
        try (ArrayFixture f = ArrayFixture.create(ArrayFixture.Kind.SHM, ArrayFixture.small());
             StorageArray array = f.attach();
             ArraySocket listener = ArrayFixture.listener(array, SocketType.STREAM, 0, 4)) {
            try (ChildJvm child = f.child(LoopBellPeer.class, f.childPath, Integer.toString(listener.localPort()));
                 ArraySocket s = listener.accept(START)) {
                child.expect("CONNECTED", START);
                assertTrue(s.doorbell().canSleep(), "shm has a loop bell");
                LoopWaiter waiter = new LoopWaiter(PollingBackoff.DEFAULT_MAX_PARK, Duration.ofSeconds(CAP_SECONDS));
                OneSocket sockets = new OneSocket(s);
                List<Long> latencies = new ArrayList<>();
                ByteBuffer one = ByteBuffer.allocate(1);
                for (int i = 0; i < 5; i++) {
                    long asleep = sockets.marks.get();
                    start(() -> {
                        sleepMillis(100); // the loop is asleep on the bell by then
                        child.send("SEND");
                    });
                    long seen = idleUntilReadable(waiter, sockets);
                    long sent = Long.parseLong(child.expect("SENT", START));
                    assertTrue(sockets.marks.get() > asleep, "the loop slept on the bell before the send");
                    latencies.add((seen - sent) / 1_000_000);
                    assertEquals(1, s.receiveNow(one.clear()));
                }
                latencies.sort(null);
                assertTrue(latencies.get(2) < PROMPT_MILLIS, "median ms from the peer's send to the loop seeing it: "
                        + latencies + " (a loop not woken by the ring waits up to " + CAP_SECONDS + " s)");

                long asleep = sockets.marks.get();
                start(() -> {
                    sleepMillis(100);
                    child.send("CLOSE");
                });
                long seen = idleUntilReadable(waiter, sockets);
                long closed = Long.parseLong(child.expect("CLOSED", START));
                assertTrue(sockets.marks.get() > asleep, "the loop slept on the bell before the close");
                assertTrue((seen - closed) / 1_000_000 < PROMPT_MILLIS, "ms from the peer's close to the loop seeing its end: "
                        + (seen - closed) / 1_000_000);
                assertEquals(-1, s.receiveNow(one.clear()), "end of stream");
                child.send("EXIT");
                child.expect("DONE", START);
            }
        }
    }

    /**
     * The race of issue 13: the peer publishes (and wakes the bell) after the loop's last look
     * but before its sleep. The hook runs the peer's whole send inside the last look, after the
     * look found nothing; a loop sleeping on the bell alone would sleep the whole cap (the
     * peer's wake came before the sleep, and the bell's value is unchanged).
     */
    @Test
    void aSendBetweenTheLastLookAndTheSleepIsNotLost() throws Exception {
        try (ArrayFixture f = ArrayFixture.create(ArrayFixture.Kind.SHM, ArrayFixture.small());
             StorageArray array = f.attach();
             ArraySocket listener = ArrayFixture.listener(array, SocketType.STREAM, 0, 4)) {
            try (ChildJvm child = f.child(LoopBellPeer.class, f.childPath, Integer.toString(listener.localPort()));
                 ArraySocket s = listener.accept(START)) {
                child.expect("CONNECTED", START);
                LoopWaiter waiter = new LoopWaiter(PollingBackoff.DEFAULT_MAX_PARK, Duration.ofSeconds(CAP_SECONDS));
                AtomicLong sent = new AtomicLong();
                AtomicBoolean sendInLastLook = new AtomicBoolean();
                OneSocket sockets = new OneSocket(s) {
                    @Override
                    public boolean lookAgain() {
                        boolean ready = super.lookAgain();
                        if (!ready && sendInLastLook.getAndSet(false)) {
                            child.send("SEND");
                            try {
                                sent.set(Long.parseLong(child.expect("SENT", START)));
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                throw new IllegalStateException(e);
                            }
                        }
                        return ready;
                    }
                };
                ByteBuffer one = ByteBuffer.allocate(1);
                for (int i = 0; i < 3; i++) {
                    sendInLastLook.set(true);
                    long seen = idleUntilReadable(waiter, sockets);
                    assertFalse(sendInLastLook.get(), "the loop reached its last look");
                    assertTrue((seen - sent.get()) / 1_000_000 < PROMPT_MILLIS, "ms from a send after the last look to "
                            + "the loop seeing it: " + (seen - sent.get()) / 1_000_000 + " (a lost wake waits "
                            + CAP_SECONDS + " s)");
                    assertEquals(1, s.receiveNow(one.clear()));
                }
                child.send("EXIT");
                child.expect("DONE", START);
            }
        }
    }

    @Test
    void aWakeupFromAnotherThreadEndsASleepOnTheBell() throws Exception {
        try (ArrayFixture f = ArrayFixture.create(ArrayFixture.Kind.SHM, ArrayFixture.small());
             StorageArray array = f.attach();
             ArraySocket s = array.openSocket(SocketType.STREAM)) {
            LoopWaiter waiter = new LoopWaiter(PollingBackoff.DEFAULT_MAX_PARK, Duration.ofSeconds(CAP_SECONDS));
            AtomicBoolean lookedAgain = new AtomicBoolean();
            LoopWaiter.Sockets sockets = new LoopWaiter.Sockets() {
                @Override
                public Doorbell doorbell() {
                    return s.doorbell();
                }

                @Override
                public void mark(boolean sleeping) {
                }

                @Override
                public boolean lookAgain() {
                    lookedAgain.set(true);
                    return false;
                }
            };
            for (int i = 0; i < 3; i++) {
                lookedAgain.set(false);
                AtomicLong woken = new AtomicLong();
                Thread waker = start(() -> {
                    sleepMillis(100);
                    woken.set(System.nanoTime());
                    waiter.wakeup();
                });
                while (!waiter.wakeupPending()) {
                    waiter.idle(Long.MAX_VALUE, sockets);
                }
                long seen = System.nanoTime();
                waker.join();
                assertTrue(lookedAgain.get(), "the loop went to sleep on the bell");
                assertTrue((seen - woken.get()) / 1_000_000 < PROMPT_MILLIS, "ms from wakeup() to the loop's return: "
                        + (seen - woken.get()) / 1_000_000);
                waiter.clearWakeup();
                waiter.progress(sockets);
            }
        }
    }

    private static Thread start(Runnable r) {
        Thread t = new Thread(r, "loop-bell-test");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void sleepMillis(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
