package io.arraysock;

import io.arraysock.api.NodeSlotLostException;
import io.arraysock.api.SocketType;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One process of the soak test: listens on port {@code BASE + id}, and keeps connecting to
 * the other workers' ports, sending streams whose every byte the receiver can check: a
 * 16-byte header (stream id, length), then 8-byte little-endian words that say where they
 * belong ({@link #word}: the stream's tag and the word's index). A receiver that sees a
 * wrong byte, or a clean end of stream before the announced length, prints {@code CORRUPT}:
 * data delivered wrong, the one thing that must never happen. The line explains itself:
 * the connection (nodes, ports), the receive the bad byte came in, and what the wrong word
 * decodes to: this stream's word from another position, another stream's word, or no
 * stream's at all. Failures that surface as exceptions (resets, refusals, timeouts) are
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
            int tag = tag(streamId);
            ByteBuffer buf = ByteBuffer.allocate(64 * 1024).order(ByteOrder.LITTLE_ENDIAN);
            long at = 0;
            while (at < length) {
                int n = s.receive(buf.clear());
                if (n < 0) {
                    Peer.say("CORRUPT stream " + streamId + " ended cleanly at " + at + " of " + length + " bytes on "
                            + s);
                    return null;
                }
                for (int i = 0; i < n; i++) {
                    long position = at + i;
                    byte e = (byte) (word(tag, position / 8) >>> (8 * (position % 8)));
                    if (buf.get(i) != e) {
                        Peer.say("CORRUPT stream " + streamId + " byte " + position + ": " + buf.get(i) + " != " + e
                                + "; " + explain(buf, i, n, at, tag) + "; on " + s);
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

    /** A stream's tag: nonzero, so a zeroed word is nobody's. */
    static int tag(long streamId) {
        int t = (int) (streamId ^ (streamId >>> 32));
        return t == 0 ? 1 : t;
    }

    /** Word {@code w} of the stream tagged {@code tag}: the tag in the high half, the index in the low. */
    static long word(int tag, long w) {
        return (long) tag << 32 | (w & 0xffffffffL);
    }

    /**
     * What the bad byte at {@code buf[i]} is: the receive it came in, and the word around it
     * decoded (this stream's word from elsewhere, another stream's, or no stream's).
     */
    static String explain(ByteBuffer buf, int i, int n, long at, int tag) {
        StringBuilder b = new StringBuilder("in a receive of " + n + " bytes at stream byte " + at);
        long wordStart = (at + i) / 8 * 8;
        int from = (int) (wordStart - at);
        if (from < 0 || from + 8 > n) {
            return b.append(", the word around it straddles the receive").toString();
        }
        long got = buf.getLong(from);
        int gotTag = (int) (got >>> 32);
        long gotIndex = got & 0xffffffffL;
        b.append(", the word there is ").append(Long.toHexString(got));
        if (gotTag == tag) {
            b.append(": this stream's byte ").append(gotIndex * 8).append(" (").append(gotIndex * 8 - wordStart)
                    .append(" bytes off)");
        } else if (gotTag != 0 && gotIndex < (1 << 20) / 8) {
            b.append(": byte ").append(gotIndex * 8).append(" of the stream tagged ")
                    .append(Integer.toHexString(gotTag)).append(" (ours is ").append(Integer.toHexString(tag))
                    .append(": another connection's)");
        } else {
            b.append(": no stream's word");
        }
        int words = 0;
        int wrong = 0;
        for (int w = from; w + 8 <= n; w += 8, words++) {
            if (buf.getLong(w) != word(tag, (at + w) / 8)) {
                wrong++;
            }
        }
        return b.append("; ").append(wrong).append(" of the ").append(words)
                .append(" words from there to the end of the receive are wrong").toString();
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
                int tag = tag(streamId);
                ByteBuffer buf = ByteBuffer.allocate(64 * 1024).order(ByteOrder.LITTLE_ENDIAN);
                for (long done = 0; done < length; ) {
                    buf.clear();
                    for (long w = done / 8; buf.remaining() >= 8; w++) {
                        buf.putLong(word(tag, w));
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
