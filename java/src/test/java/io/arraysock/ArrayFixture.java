package io.arraysock;

import io.arraysock.api.SocketType;
import io.arraysock.testkit.BlockPair;
import io.arraysock.testkit.ChildJvm;
import io.arraysock.testkit.LoopDevices;
import io.arraysock.testkit.SanFaults;
import io.arraysock.testkit.ShmSegments;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A freshly formatted array on one of the real media, and the way a second JVM reaches it:
 * on shm the same segment; on a block pair the other device node over the same storage
 * (the other "host"), from a network namespace of its own (so only the storage joins the two).
 */
final class ArrayFixture implements AutoCloseable {
    /** The media cross-process tests run on: shm, and every {@link BlockPair}. */
    enum Kind {
        SHM(null), LOOP_PAIR(BlockPair.LOOP), NBD_PAIR(BlockPair.NBD);

        /** The block pair, or null for shm. */
        final BlockPair pair;

        Kind(BlockPair pair) {
            this.pair = pair;
        }

        boolean isBlock() {
            return pair != null;
        }

        /**
         * How many of {@code full} round trips a latency-bound test makes on this medium: all,
         * except on the NBD pair, where every I/O also crosses FUSE and a network stack:
         * {@code -Darraysock.test.nbdRoundsPercent} (default 10) percent of them, at least 1.
         */
        int rounds(int full) {
            if (this != NBD_PAIR) {
                return full;
            }
            return (int) Math.max(1, (long) full * Integer.getInteger("arraysock.test.nbdRoundsPercent", 10) / 100);
        }
    }

    final Kind kind;
    final String parentPath;
    final String childPath;
    /** The shm segment's (null on a block pair, whose child runs in a network namespace of its own). */
    private final ShmSegments segments;

    private ArrayFixture(Kind kind, String parentPath, String childPath, ShmSegments segments) {
        this.kind = kind;
        this.parentPath = parentPath;
        this.childPath = childPath;
        this.segments = segments;
    }

    static ArrayFixture create(Kind kind, FormatOptions options) throws IOException {
        if (kind == Kind.SHM) {
            ShmSegments segments = new ShmSegments();
            String p = segments.format(options);
            return new ArrayFixture(kind, p, p, segments);
        }
        BlockPair.Nodes nodes = kind.pair.nodes();
        if (!LoopDevices.isRoot()) {
            throw new AssertionError("the " + kind.pair + " needs root for unshare --net");
        }
        StorageArray.format(nodes.first(), options.withForce(true));
        return new ArrayFixture(kind, nodes.first(), nodes.second(), null);
    }

    /** Test arrays ({@link ShmSegments#small()}): 4 nodes, 128 sockets each, 16 MiB arenas. */
    static FormatOptions small() {
        return ShmSegments.small();
    }

    /** A child JVM running {@code scenario} (see {@link Peer}) on this array. */
    ChildJvm peer(Peer.Scenario scenario) throws IOException {
        List<String> args = new ArrayList<>();
        args.add(childPath);
        args.addAll(Peer.arguments(scenario));
        return ChildJvm.start(kind.isBlock(), Peer.class, args.toArray(String[]::new));
    }

    /** The faults of each host's path (host A: this process's node, B: the child's); skips where there are none. */
    SanFaults faults() {
        if (!kind.isBlock()) {
            Assumptions.abort("shm has no storage path to fail");
        }
        return kind.pair.faults();
    }

    /** A child JVM running {@code main} with {@code args}, in its own network namespace on a block pair. */
    ChildJvm child(Class<?> main, String... args) throws IOException {
        return ChildJvm.start(kind.isBlock(), main, args);
    }

    /** What a listener is given before it binds: checksums, a key, buffer sizes. */
    @FunctionalInterface
    interface Setup {
        void apply(ArraySocket listener) throws IOException;
    }

    /** A socket of {@code type} on {@code array}, bound to {@code port} and listening with {@code backlog}. */
    static ArraySocket listener(StorageArray array, SocketType type, int port, int backlog) throws IOException {
        return listener(array, type, port, backlog, l -> { });
    }

    /** The same, given {@code setup} before it binds. */
    static ArraySocket listener(StorageArray array, SocketType type, int port, int backlog, Setup setup)
            throws IOException {
        ArraySocket listener = array.openSocket(type);
        try {
            setup.apply(listener);
            listener.bind(port);
            listener.listen(backlog);
            return listener;
        } catch (IOException | RuntimeException e) {
            listener.close();
            throw e;
        }
    }

    /** A child JVM listening on {@code port} with {@code backlog}, never accepting ({@link ListenOnlyPeer}), once it says so. */
    ChildJvm listeningPeer(int port, int backlog, Duration timeout) throws IOException, InterruptedException {
        ChildJvm child = peer(new ListenOnlyPeer(port, backlog));
        try {
            child.expect("READY", timeout);
            Assertions.assertEquals(Integer.toString(port), child.expect("LISTENING", timeout), child.describe());
            return child;
        } catch (InterruptedException | RuntimeException | Error e) {
            child.close();
            throw e;
        }
    }

    /** Waits (up to {@code timeout}) for {@code peer}'s READY, said once it attached, then lets its scenario go on. */
    static void go(ChildJvm peer, Duration timeout) throws InterruptedException {
        peer.expect("READY", timeout);
        peer.send("GO");
    }

    /** What a test does with a connection a child JVM streams into forever ({@link StreamForeverPeer}). */
    @FunctionalInterface
    interface Streaming {
        void run(ArraySocket s, ChildJvm child, String childNode) throws Exception;
    }

    /**
     * On {@code array}: a listener on {@code port}, and a child JVM that connects to it and
     * sends forever; {@code then} with the accepted connection, closed after it, as are the
     * listener and the child.
     */
    void withStreamingChild(StorageArray array, int port, Streaming then) throws Exception {
        Duration start = Duration.ofSeconds(60);
        try (ArraySocket listener = listener(array, SocketType.STREAM, port, 1);
             ChildJvm child = peer(new StreamForeverPeer(port, true))) {
            child.expect("READY", start);
            String childNode = child.expect("CONNECTED", start);
            try (ArraySocket s = listener.accept(start)) {
                then.run(s, child, childNode);
            }
        }
    }

    /** Receives {@code bytes} at least from {@code s}, through the 64 KiB buffer it returns. */
    static ByteBuffer receive(ArraySocket s, long bytes) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect(64 * 1024);
        for (long got = 0; got < bytes; ) {
            got += s.receive(buf.clear());
        }
        return buf;
    }

    StorageArray attach() throws IOException {
        return StorageArray.attach(parentPath);
    }

    @Override
    public void close() throws IOException {
        if (segments != null) {
            segments.close();
        }
    }
}
