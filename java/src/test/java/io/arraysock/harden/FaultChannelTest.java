package io.arraysock.harden;

import io.arraysock.ArraySocket;
import io.arraysock.FormatOptions;
import io.arraysock.StorageArray;
import io.arraysock.api.SocketType;
import io.arraysock.api.StoragePathFailedException;
import io.arraysock.medium.MediumTruncatedException;
import io.arraysock.net.ArraySocketChannel;
import io.arraysock.testkit.BlockPair;
import io.arraysock.testkit.ChildJvm;
import io.arraysock.testkit.SanFaults;
import io.arraysock.testkit.ShmSegments;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One fault channel: under a medium fault — the shm segment truncated under the mapping
 * (SIGBUS), or every I/O of this host failing with EIO (the NBD pair's lost path) — every
 * public call of a connected {@link ArraySocket} and of an {@link ArraySocketChannel}
 * either behaves as it does on a healthy one or throws one of the documented
 * {@link IOException}s (docs/SECURITY.md, "One fault channel"): a {@link SocketException}
 * ("Connection reset: ..." caused by the typed reason, or "Socket is closed"), a
 * {@link ClosedChannelException}, or an exception of {@code io.arraysock.api}. No
 * InternalError, no UncheckedIOException, no IllegalStateException, no other runtime
 * exception reaches the caller, and for each of the two at least one call reports the
 * fault with its typed reason ({@link MediumTruncatedException},
 * {@link StoragePathFailedException}) as the cause.
 */
class FaultChannelTest {
    @RegisterExtension
    final ShmSegments segments = new ShmSegments();

    static final FormatOptions FORMAT = FormatOptions.defaults().withNodeSlots(2).withSocketsPerNode(16)
            .withArenaSize(4 << 20).withHeartbeatIntervalMs(100).withLivenessTimeoutMs(1000).withForce(true);

    @Test
    void everyCallUnderTruncationThrowsOnlyDocumentedIOExceptions() throws Exception {
        String path = segments.next();
        try (ChildJvm child = ChildJvm.start(FaultSurfaceChild.class, path)) {
            Map<String, Map<String, String>> outcomes = new LinkedHashMap<>();
            List<String> lines = new ArrayList<>();
            for (String line; !(line = readLine(child, lines)).equals("DONE"); ) {
                lines.add(line);
                String[] f = line.split(" ");
                if (f.length == 4 && (f[0].equals("HEALTHY") || f[0].equals("FAULTY"))) {
                    outcomes.computeIfAbsent(f[0] + " " + f[1], k -> new LinkedHashMap<>()).put(f[2], f[3]);
                }
            }
            for (String api : List.of("socket", "channel")) {
                assertProperty(api, outcomes.getOrDefault("HEALTHY " + api, Map.of()),
                        outcomes.getOrDefault("FAULTY " + api, Map.of()), MediumTruncatedException.class);
            }
        }
    }

    /** The child's next line; when none comes, the failure shows the calls it made before. */
    private static String readLine(ChildJvm child, List<String> before) throws Exception {
        try {
            return child.readLine(Duration.ofSeconds(60));
        } catch (AssertionError e) {
            throw new AssertionError("the child stopped after the calls:\n  " + String.join("\n  ", before)
                    + "\n" + e.getMessage(), e);
        }
    }

    @Test
    void everyCallUnderALostStoragePathThrowsOnlyDocumentedIOExceptions() throws Exception {
        BlockPair.Nodes nodes = BlockPair.NBD.nodes();
        SanFaults faults = BlockPair.NBD.faults();
        StorageArray.format(nodes.first(), FORMAT);
        try (StorageArray array = StorageArray.attach(nodes.first())) {
            Surfaces surfaces = Surfaces.connect(array, nodes.first());
            Map<String, String> healthySocket = CallSurface.callAll(surfaces.healthySocket());
            Map<String, String> healthyChannel = CallSurface.callAll(surfaces.healthyChannel());
            faults.losePath(SanFaults.Host.A);
            try {
                assertProperty("socket", healthySocket, CallSurface.callAll(surfaces.faultySocket()),
                        StoragePathFailedException.class);
                assertProperty("channel", healthyChannel, CallSurface.callAll(surfaces.faultyChannel()),
                        StoragePathFailedException.class);
            } finally {
                faults.heal();
            }
        }
    }

    /**
     * Client sides of four connections to one listener, all made while the medium is
     * healthy: a socket and a channel driven before the fault, a socket and a channel driven
     * after it. The faulty ones have sent bytes first, so their rings are not empty.
     */
    record Surfaces(ArraySocket healthySocket, ArraySocketChannel healthyChannel,
                    ArraySocket faultySocket, ArraySocketChannel faultyChannel) {
        static Surfaces connect(StorageArray array, String path) throws IOException {
            ArraySocket listener = smallRings(array.openSocket(SocketType.STREAM));
            listener.bind(5000);
            listener.listen(8);
            ArraySocket healthy = connectedClient(array, listener);
            ArraySocketChannel healthyChannel = ArraySocketChannel.of(connectedClient(array, listener), path);
            ArraySocket faulty = connectedClient(array, listener);
            faulty.send(ByteBuffer.allocateDirect(8192));
            ArraySocketChannel faultyChannel = ArraySocketChannel.of(connectedClient(array, listener), path);
            faultyChannel.write(ByteBuffer.allocateDirect(8192));
            return new Surfaces(healthy, healthyChannel, faulty, faultyChannel);
        }

        /** A client connected to {@code listener}; its accepted peer stays open (unread). */
        private static ArraySocket connectedClient(StorageArray array, ArraySocket listener) throws IOException {
            ArraySocket client = smallRings(array.openSocket(SocketType.STREAM));
            client.connect(listener.localPort(), Duration.ofSeconds(10));
            listener.accept(Duration.ofSeconds(10));
            return client;
        }

        /**
         * 256 KiB rings: room for every write of the surface with no reader (blocking ones
         * too), and the eight rings fit the arena on both media (the block medium's default
         * ring is 4 MiB).
         */
        private static ArraySocket smallRings(ArraySocket s) {
            s.setSendBufferSize(256 * 1024);
            s.setReceiveBufferSize(256 * 1024);
            return s;
        }
    }

    private static void assertProperty(String api, Map<String, String> healthy, Map<String, String> faulty,
                                       Class<? extends IOException> reason) throws ClassNotFoundException {
        assertFalse(healthy.isEmpty(), "no calls were made on the healthy " + api);
        assertEquals(healthy.keySet(), faulty.keySet(), "the same calls on both " + api + "s");
        List<String> wrong = new ArrayList<>();
        int reported = 0;
        for (Map.Entry<String, String> e : faulty.entrySet()) {
            String outcome = e.getValue();
            if (outcome.equals(CallSurface.RETURNED) || outcome.equals(healthy.get(e.getKey()))) {
                continue;
            }
            String[] chain = outcome.split("<-");
            if (isDocumented(Class.forName(chain[0]))) {
                if (List.of(chain).contains(reason.getName())) {
                    reported++;
                }
            } else {
                wrong.add(e.getKey() + " threw " + outcome + " (healthy: " + healthy.get(e.getKey()) + ")");
            }
        }
        assertTrue(wrong.isEmpty(), api + " calls that let a fault out as something other than a documented IOException:\n  "
                + String.join("\n  ", wrong));
        assertTrue(reported > 0, "no " + api + " call reported the fault as caused by a " + reason.getSimpleName()
                + ": " + faulty);
    }

    /** The exceptions docs/SECURITY.md lists for a socket or channel call under a medium fault. */
    private static boolean isDocumented(Class<?> thrown) {
        return SocketException.class.isAssignableFrom(thrown)
                || ClosedChannelException.class.isAssignableFrom(thrown)
                || IOException.class.isAssignableFrom(thrown) && thrown.getPackageName().equals("io.arraysock.api");
    }
}
