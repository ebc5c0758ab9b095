package io.arraysock.bench;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * The second JVM of {@link CrossProcess}: the client side. It follows the same fixed script
 * as the parent, so they need no control channel: for each size, {@code iterations + 1}
 * streaming bursts (one connection each, the first one warms up), then one ping-pong
 * connection it echoes on until the parent closes it; finally connect/close cycles, whose
 * rate it prints as {@code CONNECTS <iteration> <per second>} lines. In the idle phase it
 * connects and says nothing until the parent has measured its idle read. A cycle: connect, read
 * the one byte the server sends once it accepted, close (see {@code CrossProcess}).
 *
 * <p>Arguments: transport where sizes(csv) iterations millis phases(csv of stream,pingpong,idle,connect)
 */
public final class Peer {
    /**
     * The connect phase's warm-up iteration lasts at least this long, for every transport:
     * the connect path is long Java code, and on 2 busy cores the JIT needs seconds to
     * finish compiling it (measured: arraysock's rate climbs from ~1,300/s to a plateau
     * after ~4 s). TCP's path is in the kernel and needs none, so a short warm-up would
     * compare compiled C with interpreted Java. On the block medium, where a connect is
     * milliseconds, the p50 still falls for ~10 s (session16.md): {@code
     * -Dbench.connectWarmupMillis=N}, which the parent passes on, sets it.
     */
    static final long CONNECT_WARMUP_MILLIS = Long.getLong(CrossProcess.CONNECT_WARMUP_PROPERTY, 5_000);

    /**
     * The idle phase: the parent lets its reader settle this long before it measures, and
     * the peer sends its one byte this much after the parent's last iteration should end.
     */
    static final long IDLE_SETTLE_MILLIS = 300;

    private Peer() {
    }

    public static void main(String[] args) throws Exception {
        String transport = args[0];
        String where = args[1];
        int[] sizes = CrossProcess.parseSizes(args[2]);
        int iterations = Integer.parseInt(args[3]);
        long millis = Long.parseLong(args[4]);
        String phases = args[5];
        try (Net net = Net.open(transport, where)) {
            for (int size : sizes) {
                if (phases.contains("stream")) {
                    for (int i = 0; i <= iterations; i++) {
                        stream(net, size, millis);
                    }
                }
                if (phases.contains("pingpong")) {
                    echo(net, size);
                }
            }
            if (phases.contains("idle")) {
                try (Net.Conn c = net.connect()) {
                    Thread.sleep(2 * IDLE_SETTLE_MILLIS + (iterations + 1) * millis);
                    c.write(ByteBuffer.allocateDirect(1));
                    c.read(ByteBuffer.allocateDirect(1)); // until the parent closes
                }
            }
            if (phases.contains("connect")) {
                ByteBuffer one = ByteBuffer.allocateDirect(1);
                for (int i = 0; i <= iterations; i++) {
                    long n = 0;
                    long start = System.nanoTime();
                    long end = start + TimeUnit.MILLISECONDS.toNanos(i == 0 ? Math.max(millis, CONNECT_WARMUP_MILLIS) : millis);
                    long now;
                    Histogram connects = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
                    do {
                        long before = System.nanoTime();
                        try (Net.Conn c = net.connect()) {
                            connects.recordValue(Math.min(System.nanoTime() - before, connects.getHighestTrackableValue()));
                            c.readFully(one.clear()); // the server's byte: it accepted
                        } catch (IOException e) {
                            throw new IOException("connect #" + n + " of iteration " + i + " failed", e);
                        }
                        n++;
                        now = System.nanoTime();
                    } while (now < end);
                    System.out.println("CONNECTS " + i + " " + (n * 1e9 / (now - start)));
                    // the connect call alone (the cycle also exchanges a byte and closes)
                    System.out.println("CONNECT_P50 " + i + " " + connects.getValueAtPercentile(50) / 1e3);
                }
                System.out.flush();
            }
        }
        System.exit(0);
    }

    private static void stream(Net net, int size, long millis) throws IOException {
        ByteBuffer msg = ByteBuffer.allocateDirect(size);
        for (int i = 0; i < size; i++) {
            msg.put(i, (byte) i);
        }
        try (Net.Conn c = net.connect()) {
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            int n = 0;
            ByteBuffer[] batch = new ByteBuffer[c.batch()];
            for (int i = 0; i < batch.length; i++) {
                batch[i] = msg.duplicate();
            }
            while (true) {
                if (batch.length > 1) {
                    for (ByteBuffer b : batch) {
                        b.clear();
                    }
                    c.write(batch); // one gathering send of the batch
                    n += batch.length - 1;
                } else {
                    msg.clear();
                    c.write(msg);
                }
                if ((++n & 15) == 0 && System.nanoTime() > end) {
                    break;
                }
            }
            c.shutdownOutput();
            // wait for the parent's close so our close cannot race its last reads
            ByteBuffer one = ByteBuffer.allocateDirect(1);
            c.read(one);
        }
    }

    private static void echo(Net net, int size) throws IOException {
        ByteBuffer msg = ByteBuffer.allocateDirect(size);
        try (Net.Conn c = net.connect()) {
            while (true) {
                msg.clear();
                while (msg.hasRemaining()) {
                    if (c.read(msg) < 0) {
                        return;
                    }
                }
                msg.flip();
                c.write(msg);
            }
        }
    }
}
