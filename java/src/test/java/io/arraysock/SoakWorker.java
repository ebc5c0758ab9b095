package io.arraysock;

import io.arraysock.api.NodeSlotLostException;
import io.arraysock.api.SocketType;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One process of the soak test: listens on port {@code BASE + id}, and keeps connecting to
 * the other workers' ports, sending streams whose every byte the receiver can check: a
 * 16-byte header (stream id, length), then bytes drawn from a generator seeded with the
 * stream id. A receiver that sees a wrong byte, or a clean end of stream before the
 * announced length, prints {@code CORRUPT}: data delivered wrong, the one thing that must
 * never happen. Failures that surface as exceptions (resets, refusals, timeouts) are
 * counted, not errors. On {@code EXIT} it closes everything and prints its counts.
 */
public final class SoakWorker {
    static final int BASE_PORT = 6000;
    private static final int HEADER = 16;

    private static final AtomicLong received = new AtomicLong();
    private static final AtomicLong sent = new AtomicLong();
    private static final AtomicLong surfaced = new AtomicLong();
    private static volatile boolean exiting;

    private SoakWorker() {
    }

    public static void main(String[] args) throws Exception {
        String path = args[0];
        int id = Integer.parseInt(args[1]);
        int workers = Integer.parseInt(args[2]);
        StorageArray array;
        ArraySocket listener;
        try {
            array = StorageArray.attach(path);
            listener = array.openSocket(SocketType.STREAM);
        } catch (io.arraysock.api.NodeSlotLostException e) {
            Peer.say("FENCED-AT-START " + e.getMessage()); // see below
            System.exit(6);
            return;
        }
        try {
            listener.bind(BASE_PORT + id);
            listener.listen(64);
        } catch (java.net.BindException e) {
            // the previous holder of this id may not be judged dead yet
            Peer.say("BIND-LATER " + e.getMessage());
            listener.close();
            array.close();
            System.exit(5);
        } catch (io.arraysock.api.NodeSlotLostException e) {
            // an I/O stall longer than the liveness timeout right after attach: the node fenced
            // itself, as it must; the soak starts another worker
            Peer.say("FENCED-AT-START " + e.getMessage());
            System.exit(6);
        }
        Peer.say("READY " + array.nodeSlot());
        ExecutorService pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r);
            t.setDaemon(true);
            return t;
        });
        pool.submit(() -> acceptLoop(array, listener, pool));
        for (int c = 0; c < 2; c++) {
            pool.submit(() -> clientLoop(array, id, workers));
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null && !line.equals("EXIT"); ) {
            // nothing else is asked of us
        }
        exiting = true;
        pool.shutdownNow();
        listener.close();
        array.close();
        Peer.say("STATS sent " + sent.get() + " received " + received.get() + " surfaced " + surfaced.get());
        System.exit(0);
    }

    private static void fenced(StorageArray array) {
        try {
            array.checkNotLost();
        } catch (IOException e) {
            Peer.say("FENCED " + e.getMessage());
            System.exit(4);
        }
    }

    private static Void acceptLoop(StorageArray array, ArraySocket listener, ExecutorService pool) {
        while (!exiting) {
            try {
                ArraySocket s = listener.accept(Duration.ofMillis(200));
                pool.submit(() -> receiveOne(s));
            } catch (java.net.SocketTimeoutException e) {
                fenced(array);
            } catch (IOException e) {
                surfaced.incrementAndGet();
                fenced(array);
            }
        }
        return null;
    }

    private static Void receiveOne(ArraySocket s) {
        try (s) {
            s.setReceiveTimeout(Duration.ofSeconds(20));
            ByteBuffer head = ByteBuffer.allocate(HEADER);
            while (head.hasRemaining()) {
                if (s.receive(head) < 0) {
                    return null; // the sender ended before its header: nothing was promised
                }
            }
            long streamId = head.getLong(0);
            long length = head.getLong(8);
            SplittableRandom expected = new SplittableRandom(streamId);
            ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
            long at = 0;
            long want = 0;
            int wantLeft = 0;
            while (at < length) {
                int n = s.receive(buf.clear());
                if (n < 0) {
                    Peer.say("CORRUPT stream " + streamId + " ended cleanly at " + at + " of " + length + " bytes");
                    return null;
                }
                for (int i = 0; i < n; i++) {
                    if (wantLeft == 0) {
                        want = expected.nextLong();
                        wantLeft = 8;
                    }
                    byte e = (byte) (want >>> (8 * (8 - wantLeft)));
                    wantLeft--;
                    if (buf.get(i) != e) {
                        Peer.say("CORRUPT stream " + streamId + " byte " + (at + i) + ": " + buf.get(i) + " != " + e);
                        return null;
                    }
                }
                at += n;
            }
            received.addAndGet(length);
        } catch (IOException e) {
            surfaced.incrementAndGet();
        }
        return null;
    }

    private static Void clientLoop(StorageArray array, int id, int workers) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (!exiting) {
            int target = random.nextInt(workers - 1);
            target = target >= id ? target + 1 : target;
            long streamId = random.nextLong();
            long length = random.nextLong(1024, 1 << 20);
            try (ArraySocket s = array.openSocket(SocketType.STREAM)) {
                s.connect(BASE_PORT + target, Duration.ofSeconds(2));
                s.send(ByteBuffer.allocate(HEADER).putLong(0, streamId).putLong(8, length));
                SplittableRandom gen = new SplittableRandom(streamId);
                ByteBuffer buf = ByteBuffer.allocate(64 * 1024).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                for (long done = 0; done < length; ) {
                    buf.clear();
                    while (buf.remaining() >= 8) {
                        buf.putLong(gen.nextLong());
                    }
                    buf.flip().limit((int) Math.min(buf.limit(), length - done));
                    done += s.send(buf);
                }
                s.shutdownOutput();
                sent.addAndGet(length);
            } catch (IOException e) {
                surfaced.incrementAndGet();
                fenced(array);
                try {
                    Thread.sleep(random.nextInt(20));
                } catch (InterruptedException ie) {
                    return null;
                }
            }
        }
        return null;
    }
}
