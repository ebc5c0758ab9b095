package io.arraysock.bench;

import io.arraysock.ArrayInspector;
import io.arraysock.ArraySocket;
import io.arraysock.FormatOptions;
import io.arraysock.SendClaim;
import io.arraysock.api.ReceiveHandler;
import io.arraysock.api.IdleStrategy;
import io.arraysock.api.SocketInfo;
import io.arraysock.api.SocketStats;
import io.arraysock.api.SocketType;
import io.arraysock.StorageArray;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The in-process hot path on shm: one message through a connected pair of sockets of one
 * array, sent and received by the same thread, so the figure is the cost of the code
 * (copy in, publish, copy out, release, the wake-up checks), without scheduling noise.
 * Run with {@code -prof gc} for the allocation per operation (target: 0 B/op).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RingHotPath {
    @Param({"64", "1024", "4096", "65536", "1048576"})
    public int size;

    private String path;
    private StorageArray array;
    private ArraySocket client;
    private ArraySocket server;
    private ArraySocket listener;
    private ByteBuffer out;
    private ByteBuffer in;
    private byte[] outBytes;
    private byte[] inBytes;
    private final SendClaim claim = new SendClaim();
    /** What the zero-copy polls read: the first byte of each piece (claimPoll), or all of it into {@link #in}. */
    private long word;
    private final ReceiveHandler firstWord = data -> word += data.get(data.position());
    private final ReceiveHandler copyOut = data -> in.put(data);

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        path = "/dev/shm/arraysock-jmh-" + ProcessHandle.current().pid();
        StorageArray.format(path, FormatOptions.defaults().withNodeSlots(2).withSocketsPerNode(16)
                .withArenaSize(8 << 20).withForce(true));
        array = StorageArray.attach(path);
        array.setIdleStrategy(IdleStrategy.busySpin());
        // one thread sends a whole message before it receives it: the ring must hold one
        // (the default 256 KiB, or twice the message for 1 MiB)
        int ring = Math.max(256 * 1024, 2 * size);
        listener = array.openSocket(SocketType.STREAM);
        listener.setSendBufferSize(ring);
        listener.bind(7002);
        listener.listen(1);
        CompletableFuture<ArraySocket> accepted = CompletableFuture.supplyAsync(() -> {
            try {
                return listener.accept();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        client = array.openSocket(SocketType.STREAM);
        client.setSendBufferSize(ring);
        client.setReceiveBufferSize(ring);
        client.connect(7002);
        server = accepted.get(10, TimeUnit.SECONDS);
        out = ByteBuffer.allocateDirect(size);
        in = ByteBuffer.allocateDirect(size);
        outBytes = new byte[size];
        inBytes = new byte[size];
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        // what the counters saw, as published on the medium: bench/counters-cost.sh checks that
        // its counters-off build (the adds taken out) published none and the real build some
        try (ArrayInspector inspector = ArrayInspector.open(path)) {
            ArrayInspector.Inspection look = inspector.inspect(false);
            long tx = 0;
            for (SocketInfo k : look.sockets()) {
                SocketStats st = look.socketStats(k.node(), k.index());
                tx += st == null ? 0 : st.txBytes();
            }
            System.out.println("counters published: tx bytes " + tx);
        }
        client.close();
        server.close();
        listener.close();
        array.close();
        Files.deleteIfExists(Path.of(path));
    }

    /** Send then receive one message of {@code size} bytes, direct ByteBuffers. */
    @Benchmark
    public int byteBuffer() throws IOException {
        out.clear();
        client.send(out);
        in.clear();
        int n = 0;
        while (in.hasRemaining()) {
            n += server.receive(in);
        }
        return n;
    }

    /**
     * Zero-copy both ways (issue 14): a claim of {@code size} bytes in the ring, one word
     * written, committed; a poll whose handler reads one byte of what it is handed. What a
     * message costs when the application builds it in place and reads it in place.
     */
    @Benchmark
    public long claimPoll() throws IOException {
        client.claim(size, claim);
        ByteBuffer b = claim.buffer();
        b.putLong(b.position(), size);
        claim.commit();
        int n = 0;
        while (n < size) {
            n += server.poll(firstWord, size - n);
        }
        return word;
    }

    /**
     * Zero-copy calls moving every byte: the payload put into the claim (the one copy in),
     * the handler putting what it is handed into a buffer (the one copy out): the copies of
     * {@link #byteBuffer}, with the claim and the poll's bookkeeping instead of a send's and
     * a receive's.
     */
    @Benchmark
    public int claimPutPoll() throws IOException {
        client.claim(size, claim);
        out.clear();
        claim.buffer().put(out);
        claim.commit();
        in.clear();
        int n = 0;
        while (n < size) {
            n += server.poll(copyOut, size - n);
        }
        return n;
    }

    /**
     * The floor: the same bytes copied between two direct buffers, no socket. Its B/op is
     * the measuring noise of {@code -prof gc} (JMH's own allocation, spread over the ops).
     */
    @Benchmark
    public ByteBuffer copyOnly() {
        in.clear();
        out.clear();
        return in.put(out);
    }

    /** The same with byte arrays. */
    @Benchmark
    public int byteArray() throws IOException {
        client.send(outBytes, 0, size);
        int n = 0;
        while (n < size) {
            n += server.receive(inBytes, n, size - n);
        }
        return n;
    }
}
