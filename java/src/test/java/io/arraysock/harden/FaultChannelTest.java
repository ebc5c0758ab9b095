package io.arraysock.harden;

import io.arraysock.ArraySocket;
import io.arraysock.FormatOptions;
import io.arraysock.StorageArray;
import io.arraysock.api.SocketType;
import io.arraysock.medium.ShmMedium;
import io.arraysock.testkit.BlockPair;
import io.arraysock.testkit.ChildJvm;
import io.arraysock.testkit.SanFaults;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One fault channel: under a medium fault — the shm segment truncated under the mapping
 * (SIGBUS), or every I/O of this host failing with EIO (the NBD pair's lost path) — every
 * public call of a connected {@link ArraySocket} either behaves as it does on a healthy
 * socket or throws an {@link IOException}. No InternalError, no UncheckedIOException, no
 * other runtime exception reaches the caller, and at least one call reports the fault.
 */
class FaultChannelTest {

    @Test
    void everyCallUnderTruncationThrowsOnlyIOExceptions() throws Exception {
        String path = "/dev/shm/arraysock-test-" + UUID.randomUUID();
        try (ChildJvm child = ChildJvm.start(FaultSurfaceChild.class, path)) {
            Map<String, String> healthy = new LinkedHashMap<>();
            Map<String, String> faulty = new LinkedHashMap<>();
            for (String line; !(line = child.readLine(Duration.ofSeconds(120))).equals("DONE"); ) {
                String[] f = line.split(" ");
                if (f.length == 3 && (f[0].equals("HEALTHY") || f[0].equals("FAULTY"))) {
                    (f[0].equals("HEALTHY") ? healthy : faulty).put(f[1], f[2]);
                }
            }
            assertProperty(healthy, faulty);
        } finally {
            if (Files.exists(Path.of(path))) {
                ShmMedium.unlink(path);
            }
        }
    }

    @Test
    void everyCallUnderALostStoragePathThrowsOnlyIOExceptions() throws Exception {
        BlockPair.Nodes nodes = BlockPair.NBD.nodes();
        SanFaults faults = BlockPair.NBD.faults();
        StorageArray.format(nodes.first(), FormatOptions.defaults().withNodeSlots(2).withSocketsPerNode(16)
                .withArenaSize(4 << 20).withHeartbeatIntervalMs(100).withLivenessTimeoutMs(1000).withForce(true));
        try (StorageArray array = StorageArray.attach(nodes.first());
             ArraySocket listener = array.openSocket(SocketType.STREAM)) {
            listener.bind(5000);
            listener.listen(4);
            ArraySocket[] healthy = connectedPair(array, listener);
            ArraySocket[] faulty = connectedPair(array, listener);
            faulty[0].send(ByteBuffer.allocateDirect(8192));
            Map<String, String> healthyOutcomes = names(SocketSurface.callAll(healthy[0]));
            faults.losePath(SanFaults.Host.A);
            try {
                assertProperty(healthyOutcomes, names(SocketSurface.callAll(faulty[0])));
            } finally {
                faults.heal();
            }
        }
    }

    /** A client and its accepted peer on {@code listener}. */
    static ArraySocket[] connectedPair(StorageArray array, ArraySocket listener) throws IOException {
        ArraySocket client = array.openSocket(SocketType.STREAM);
        client.connect(listener.localPort(), Duration.ofSeconds(10));
        ArraySocket server = listener.accept(Duration.ofSeconds(10));
        return new ArraySocket[] {client, server};
    }

    private static Map<String, String> names(Map<String, Optional<Throwable>> outcomes) {
        Map<String, String> names = new LinkedHashMap<>();
        outcomes.forEach((call, thrown) -> names.put(call.replace(" ", ""), thrown.map(t -> t.getClass().getName()).orElse("-")));
        return names;
    }

    private static void assertProperty(Map<String, String> healthy, Map<String, String> faulty) throws ClassNotFoundException {
        assertFalse(healthy.isEmpty(), "no calls were made on the healthy socket");
        assertEquals(healthy.keySet(), faulty.keySet(), "the same calls on both sockets");
        List<String> wrong = new ArrayList<>();
        int reported = 0;
        for (Map.Entry<String, String> e : faulty.entrySet()) {
            String thrown = e.getValue();
            if (thrown.equals("-") || thrown.equals(healthy.get(e.getKey()))) {
                continue;
            }
            if (IOException.class.isAssignableFrom(Class.forName(thrown))) {
                reported++;
            } else {
                wrong.add(e.getKey() + " threw " + thrown + " (healthy: " + healthy.get(e.getKey()) + ")");
            }
        }
        assertTrue(wrong.isEmpty(), "calls that let a fault out as something other than an IOException:\n  "
                + String.join("\n  ", wrong));
        assertTrue(reported > 0, "no call reported the fault: " + faulty);
    }
}
