package io.arraysock.net;

import io.arraysock.StorageArray;
import io.arraysock.testkit.ChildJvm;
import io.arraysock.testkit.LoopDevices;
import io.arraysock.testkit.ShmSegments;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Java RMI, a client nobody here wrote, between two JVMs through the array: a registry
 * lookup, then calls with 8 MiB arguments and 8 MiB results. On the loop pair both JVMs run
 * in network namespaces of their own, so TCP between them is impossible and every byte
 * took the array (each through its own device node onto the same storage).
 */
class RmiOverArrayTest {
    private static final int SIZE = 8 << 20;
    private static final int REGISTRY_PORT = 1099;
    private static final Duration WAIT = Duration.ofSeconds(120);

    @RegisterExtension
    final ShmSegments segments = new ShmSegments();

    @Test
    void rmiOnShm() throws Exception {
        String path = segments.format();
        run(path, path, false);
    }

    @Test
    void rmiOnTheLoopPairFromSeparateNetworkNamespaces() throws Exception {
        LoopDevices.Pair pair = LoopDevices.pair();
        assertTrue(LoopDevices.isRoot(), "network namespaces need root");
        StorageArray.format(pair.first(), ShmSegments.small().withForce(true));
        run(pair.first(), pair.second(), true);
    }

    private static void run(String serverPath, String clientPath, boolean netns) throws Exception {
        try (ChildJvm server = ChildJvm.start(netns, RmiPeer.class, serverPath, "server", "" + REGISTRY_PORT)) {
            int serverNode = Integer.parseInt(server.expect("READY", WAIT));
            try (ChildJvm client = ChildJvm.start(netns, RmiPeer.class, clientPath, "client", "" + REGISTRY_PORT, "" + SIZE,
                    serverPath)) {
                int clientNode = Integer.parseInt(client.expect("READY", WAIT));
                assertNotEquals(serverNode, clientNode);
                assertEquals(serverNode, Integer.parseInt(client.expect("SERVER_NODE", WAIT)), client.describe());
                int exporterRefs = Integer.parseInt(client.expect("EXPORTER_PATH_REFS", WAIT));
                if (!serverPath.equals(clientPath)) {
                    assertEquals(0, exporterRefs, "the client found its own device by the array's UUID");
                }
                String transform = client.expect("TRANSFORM_OK", WAIT);
                String make = client.expect("MAKE_OK", WAIT);
                assertEquals("" + SIZE, transform.split(" ")[0]);
                assertEquals("" + SIZE, make.split(" ")[0]);
                client.expect("DONE", WAIT);
                assertEquals(0, client.waitFor(WAIT), client.describe());
                System.out.printf("RMI over %s: 8 MiB there and back %s ms, 8 MiB result %s ms%n",
                        netns ? "loop pair (netns)" : "shm", transform.split(" ")[1], make.split(" ")[1]);
            }
            server.send("STOP");
            server.expect("DONE", WAIT);
            assertEquals(0, server.waitFor(WAIT), server.describe());
        }
    }
}
