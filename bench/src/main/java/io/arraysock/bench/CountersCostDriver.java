package io.arraysock.bench;

import io.arraysock.ArrayInspector;
import io.arraysock.ArraySocket;
import io.arraysock.FormatOptions;
import io.arraysock.StorageArray;
import io.arraysock.api.IdleStrategy;
import io.arraysock.api.SocketInfo;
import io.arraysock.api.SocketStats;
import io.arraysock.api.SocketType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongUnaryOperator;

/**
 * One side of {@link CountersCost}: a connected pair of 64 B stream sockets on an shm array
 * of its own, driven for a given number of messages. Each side is loaded by a class loader of
 * its own (with or without the counters' adds), so only JDK types cross to the harness:
 * {@link LongUnaryOperator} (messages in, nanoseconds out) and {@link AutoCloseable}.
 *
 * <p>Series "hot": one thread sends a message and receives it (the code's cost, as JMH's
 * {@code RingHotPath.byteBuffer}). Series "stream": a sender thread of its own sends the
 * messages while the calling thread receives them (the cross-core streaming series); the
 * sender waits in a queue between windows, so an idle side costs the other nothing.
 */
public final class CountersCostDriver implements LongUnaryOperator, AutoCloseable {
    private static final int SIZE = 64;
    private static final int RING = 256 * 1024;

    private final String path;
    private final boolean stream;
    private final StorageArray array;
    private final ArraySocket listener;
    private final ArraySocket client;
    private final ArraySocket server;
    private final ByteBuffer out = ByteBuffer.allocateDirect(SIZE);
    private final ByteBuffer in = ByteBuffer.allocateDirect(SIZE);
    private final ByteBuffer inStream = ByteBuffer.allocateDirect(RING / 4);
    private final BlockingQueue<Long> requests = new ArrayBlockingQueue<>(1);
    private final BlockingQueue<Throwable> done = new ArrayBlockingQueue<>(1);
    private final Thread sender;

    public CountersCostDriver(String path, String series) throws Exception {
        this.path = path;
        this.stream = switch (series) {
            case "hot" -> false;
            case "stream" -> true;
            default -> throw new IllegalArgumentException("series is hot or stream: " + series);
        };
        StorageArray.format(path, FormatOptions.defaults().withNodeSlots(2).withSocketsPerNode(16)
                .withArenaSize(8 << 20).withForce(true));
        array = StorageArray.attach(path);
        array.setIdleStrategy(IdleStrategy.busySpin());
        listener = array.openSocket(SocketType.STREAM);
        listener.setSendBufferSize(RING);
        listener.bind(7003);
        listener.listen(1);
        CompletableFuture<ArraySocket> accepted = CompletableFuture.supplyAsync(() -> {
            try {
                return listener.accept();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        client = array.openSocket(SocketType.STREAM);
        client.setSendBufferSize(RING);
        client.setReceiveBufferSize(RING);
        client.connect(7003);
        server = accepted.get(10, TimeUnit.SECONDS);
        if (stream) {
            sender = new Thread(this::sendOnRequest, "counters-cost-sender");
            sender.setDaemon(true);
            sender.start();
        } else {
            sender = null;
        }
    }

    @Override
    public long applyAsLong(long messages) {
        try {
            long start = System.nanoTime();
            if (stream) {
                requests.put(messages);
                receiveStream(messages * SIZE);
                Throwable failed = done.take();
                if (failed != NONE) {
                    throw new IllegalStateException("sender failed", failed);
                }
            } else {
                for (long i = 0; i < messages; i++) {
                    sendReceiveOne();
                }
            }
            return System.nanoTime() - start;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void sendReceiveOne() throws IOException {
        out.clear();
        client.send(out);
        in.clear();
        while (in.hasRemaining()) {
            server.receive(in);
        }
    }

    private void receiveStream(long bytes) throws IOException {
        while (bytes > 0) {
            inStream.clear();
            if (bytes < inStream.capacity()) {
                inStream.limit((int) bytes);
            }
            bytes -= server.receive(inStream);
        }
    }

    private static final Throwable NONE = new Throwable("none");

    private void sendOnRequest() {
        while (true) {
            long n;
            try {
                n = requests.take();
            } catch (InterruptedException e) {
                return;
            }
            Throwable failed = NONE;
            try {
                for (long i = 0; i < n; i++) {
                    out.clear();
                    client.send(out);
                }
            } catch (Throwable t) {
                failed = t;
            }
            done.add(failed);
        }
    }

    /** The payload bytes this side's sockets published as sent (what {@code status} shows). */
    public long publishedTxBytes() throws IOException {
        try (ArrayInspector inspector = ArrayInspector.open(path)) {
            ArrayInspector.Inspection look = inspector.inspect(false);
            long tx = 0;
            for (SocketInfo k : look.sockets()) {
                SocketStats st = look.socketStats(k.node(), k.index());
                tx += st == null ? 0 : st.txBytes();
            }
            return tx;
        }
    }

    @Override
    public void close() throws Exception {
        if (sender != null) {
            sender.interrupt();
        }
        client.close();
        server.close();
        listener.close();
        array.close();
        Files.deleteIfExists(Path.of(path));
    }
}
