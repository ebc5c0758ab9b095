package io.arraysock;

import io.arraysock.api.NodeSlotLostException;
import io.arraysock.api.SocketType;
import io.arraysock.api.StoragePathFailedException;
import io.arraysock.medium.BlockMedium;
import io.arraysock.medium.MediumFaultException;
import io.arraysock.testkit.ChildJvm;
import io.arraysock.testkit.SanFaults;
import io.arraysock.testkit.SanFaults.Host;
import org.junit.jupiter.api.Test;

import java.net.SocketException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.*;

/**
 * SAN faults on the NBD pair, across two JVMs on two "hosts" (this process on host A, the
 * child on host B, each with its own path to the array): a lost path (every I/O of that
 * host fails with EIO) and latency spikes (every I/O of that host waits). A lost path must
 * fail fast on its host with the typed error naming device, offset and "the storage path
 * failed", never an UncheckedIOException; its peer must see a reset within the liveness
 * timeout; spikes shorter than the liveness timeout must reset nothing.
 */
class SanFaultTest {
    private static final Duration START = Duration.ofSeconds(60);
    private static final int LIVENESS_MS = 1000;
    /** Latency spikes are measured against a longer timeout: spikes of half of it must pass. */
    private static final int SPIKE_LIVENESS_MS = 2000;
    private static final Duration SPIKE = Duration.ofMillis(SPIKE_LIVENESS_MS / 2);
    /** How long a host may take to fail once its path is gone: a few heartbeat intervals. */
    private static final long FAIL_FAST_MS = 500;
    /** Time between spikes: the transfer runs on, so that it lasts across spikes on both hosts. */
    private static final long SPIKE_GAP_MS = 500;
    private static final long SPIKE_BYTES = Long.getLong("arraysock.test.spikeBytes", 128L << 20);

    private static FormatOptions options(int livenessMs) {
        return ArrayFixture.small().withHeartbeatIntervalMs(100).withLivenessTimeoutMs(livenessMs);
    }

    @Test
    void aHostThatLosesItsPathFailsFastWithTheTypedErrorAndItsPeerSeesAReset() throws Exception {
        onNbd((f, array, faults) -> {
            int mySlot = array.nodeSlot();
            f.withStreamingChild(array, 7020, (s, child, childNode) -> {
                ArrayFixture.receive(s, 4 << 20);
                faults.losePath(Host.A);
                long t0 = System.nanoTime();
                SocketException e = assertThrows(SocketException.class, () -> ArrayFixture.receive(s, Long.MAX_VALUE));
                long ms = millisSince(t0);
                assertStoragePathFailed(e.getCause(), f.parentPath);
                assertTrue(e.getMessage().startsWith("Connection reset: ") && e.getMessage().contains("the storage path failed"),
                        e.getMessage());
                assertTrue(ms <= FAIL_FAST_MS, "this host failed " + ms + " ms after its path was lost");

                // the peer, blocked in send, sees our node die within the liveness timeout
                String failed = child.expect("FAILED", Duration.ofMillis(LIVENESS_MS + 2000));
                long peerMs = millisSince(t0);
                assertTrue(failed.contains("reset") && failed.contains("node " + mySlot), failed);
                assertTrue(peerMs <= LIVENESS_MS + 500, "the peer saw the reset " + peerMs + " ms after the path was lost");
                assertEquals(3, child.waitFor(START), child.describe());

                // every later call here fails the same typed way; close writes nothing and throws nothing
                NodeSlotLostException lost = assertThrows(NodeSlotLostException.class, () -> array.openSocket(SocketType.STREAM));
                assertStoragePathFailed(lost.getCause(), f.parentPath);
                SocketException again = assertThrows(SocketException.class, () -> s.send(ByteBuffer.allocate(1)));
                assertTrue(again.getMessage().contains("the storage path failed"), again.getMessage());
            });
            array.close();
            faults.restorePath(Host.A);
            try (StorageArray back = f.attach(); ArraySocket fresh = back.openSocket(SocketType.STREAM)) {
                fresh.bind(7020); // attached again once the path is back, and the dead node's port is free
            }
        });
    }

    @Test
    void whenThePeersPathIsLostItFailsFastAndThisHostSeesAReset() throws Exception {
        onNbd((f, array, faults) -> {
            f.withStreamingChild(array, 7021, (s, child, childNode) -> {
                ArrayFixture.receive(s, 4 << 20);
                faults.losePath(Host.B);
                long t0 = System.nanoTime();
                String failed = child.expect("FAILED", Duration.ofSeconds(10));
                long childMs = millisSince(t0);
                assertTrue(failed.startsWith("SocketException Connection reset: ") && failed.contains(f.childPath)
                        && failed.contains("the storage path failed") && failed.contains(" at offset ")
                        && failed.contains("[caused by StoragePathFailedException"), failed);
                assertFalse(failed.contains("Unchecked"), failed);
                assertTrue(childMs <= FAIL_FAST_MS + 200, "the child failed " + childMs + " ms after its path was lost");

                SocketException e = assertThrows(SocketException.class, () -> ArrayFixture.receive(s, Long.MAX_VALUE));
                long ms = millisSince(t0);
                assertTrue(e.getMessage().contains("reset") && e.getMessage().contains("node " + childNode), e.getMessage());
                assertTrue(ms <= LIVENESS_MS + 500, "reset " + ms + " ms after the peer's path was lost");
                assertEquals(3, child.waitFor(START), child.describe());
            });
            array.checkNotLost(); // this host is unaffected
            array.openSocket(SocketType.STREAM).close();
        });
    }

    @Test
    void latencySpikesBelowTheLivenessTimeoutResetNothing() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        AtomicBoolean transferring = new AtomicBoolean(true);
        try (ArrayFixture f = ArrayFixture.create(ArrayFixture.Kind.NBD_PAIR, options(SPIKE_LIVENESS_MS));
             StorageArray array = f.attach();
             ArraySocket listener = array.openSocket(SocketType.STREAM);
             ChildJvm child = f.peer(new DuplexPeer(7022, 2, SPIKE_BYTES))) {
            SanFaults faults = f.faults();
            listener.setSendBufferSize(1 << 20);
            listener.bind(7022);
            listener.listen(1);
            child.expect("READY", START);
            child.send("GO");
            try (ArraySocket s = listener.accept(START)) {
                // spikes on host A, host B, A, ... while the transfer runs; counts those that ended before it did
                Future<Integer> spikes = pool.submit(() -> {
                    int n = 0;
                    while (transferring.get()) {
                        Thread.sleep(SPIKE_GAP_MS);
                        faults.spike(n % 2 == 0 ? Host.A : Host.B, SPIKE);
                        if (transferring.get()) {
                            n++;
                        }
                    }
                    return n;
                });
                Future<String> received = pool.submit(() -> SeededStreams.receiveAll(s));
                String sent = SeededStreams.sendSeeded(s, 1, SPIKE_BYTES);
                Duration t = Duration.ofMinutes(3);
                assertEquals(child.expect("SENT", t), received.get(3, TimeUnit.MINUTES).split(" ")[1], child.describe());
                assertEquals(SPIKE_BYTES + " " + sent, child.expect("RECEIVED", t), child.describe());
                transferring.set(false);
                int n = spikes.get(1, TimeUnit.MINUTES);
                assertTrue(n >= 2, "the transfer outran the spikes: only " + n + " within it (a spike on each host needed)");
                System.out.printf("%d spikes of %d ms (liveness timeout %d ms) within a transfer of %d bytes each way%n",
                        n, SPIKE.toMillis(), SPIKE_LIVENESS_MS, SPIKE_BYTES);
            }
            child.expect("DONE", START);
            assertEquals(0, child.waitFor(START), child.describe());
            array.checkNotLost();
        } finally {
            transferring.set(false);
            pool.shutdownNow();
        }
    }

    @Test
    void formatAttachAndTheMediumThrowTheTypedErrorOnALostPath() throws Exception {
        try (ArrayFixture f = ArrayFixture.create(ArrayFixture.Kind.NBD_PAIR, options(LIVENESS_MS))) {
            SanFaults faults = f.faults();
            try {
                faults.losePath(Host.A);
                assertStoragePathFailed(assertThrows(StoragePathFailedException.class, f::attach), f.parentPath);
                assertStoragePathFailed(assertThrows(StoragePathFailedException.class,
                        () -> StorageArray.format(f.parentPath, ArrayFixture.small().withForce(true))), f.parentPath);
                try (BlockMedium m = BlockMedium.open(f.parentPath)) {
                    MediumFaultException e = assertThrows(MediumFaultException.class, () -> m.getLongAcquire(8192));
                    assertStoragePathFailed(e.getCause(), f.parentPath);
                    assertEquals(8192, ((StoragePathFailedException) e.getCause()).offset());
                    assertStoragePathFailed(assertThrows(StoragePathFailedException.class, () -> m.own(4096, 4096)), f.parentPath);
                }
                // the other host's path still works
                try (StorageArray theirs = StorageArray.attach(f.childPath)) {
                    theirs.openSocket(SocketType.STREAM).close();
                }
            } finally {
                faults.heal();
            }
        }
    }

    /** What a test does with a fresh array on the NBD pair, attached here, and the faults of its paths. */
    private interface Faulted {
        void run(ArrayFixture f, StorageArray array, SanFaults faults) throws Exception;
    }

    /** {@code test} on a fresh NBD-pair array attached here; every fault it injected is healed after it. */
    private static void onNbd(Faulted test) throws Exception {
        try (ArrayFixture f = ArrayFixture.create(ArrayFixture.Kind.NBD_PAIR, options(LIVENESS_MS));
             StorageArray array = f.attach()) {
            SanFaults faults = f.faults();
            try {
                test.run(f, array, faults);
            } finally {
                faults.heal();
            }
        }
    }

    private static void assertStoragePathFailed(Throwable cause, String device) {
        StoragePathFailedException e = assertInstanceOf(StoragePathFailedException.class, cause, String.valueOf(cause));
        assertEquals(device, e.path());
        assertTrue(e.offset() >= 0 && e.length() > 0, e.getMessage());
        assertTrue(e.getMessage().startsWith(device + ": the storage path failed: p")
                && e.getMessage().contains(" at offset " + e.offset() + ": "), e.getMessage());
    }

    private static long millisSince(long t0) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    }
}
