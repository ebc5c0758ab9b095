package io.arraysock.netty;

import io.arraysock.StorageArray;
import io.arraysock.net.SharedArrays;
import io.arraysock.testkit.ChildJvm;
import io.arraysock.testkit.LoopDevices;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Netty echo between two JVMs through the array: the server in a child JVM in a network
 * namespace of its own (root), so no network joins the two processes, the client here.
 * On shm, and on the loop pair (the block medium: each JVM through its own device node
 * onto the same storage, polled with back-off).
 */
class ArrayNettyCrossProcessTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void echoOnShm() throws Exception {
        try (ShmArrayFile array = ShmArrayFile.create()) {
            echo(array.path, array.path, 16, 1 << 20);
        }
    }

    @Test
    void echoOnTheLoopPair() throws Exception {
        LoopDevices.Pair pair = LoopDevices.pair();
        StorageArray.format(pair.first(), ShmArrayFile.small().withForce(true));
        echo(pair.first(), pair.second(), 4, 256 << 10);
    }

    private static void echo(String serverPath, String clientPath, int connections, int bytes) throws Exception {
        int ring = 64 << 10;
        try (ChildJvm server = ChildJvm.start(LoopDevices.isRoot(), EchoServerMain.class, serverPath, "" + ring)) {
            String[] ready = server.expect("READY", WAIT).trim().split(" ");
            int port = Integer.parseInt(ready[0]);
            int serverNode = Integer.parseInt(ready[1]);
            EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, ArrayIoHandler.newFactory());
            try (SharedArrays.Lease lease = SharedArrays.acquire(clientPath)) {
                assertNotEquals(serverNode, lease.array().nodeSlot(), "two processes, two node slots");
                long t0 = System.nanoTime();
                EchoClients.run(group, clientPath, port, connections, bytes, ring);
                System.out.printf("netty echo across processes on %s: %d connections x %d KiB in %d ms%n",
                        serverPath.equals(clientPath) ? "shm" : "the loop pair", connections, bytes >> 10,
                        (System.nanoTime() - t0) / 1_000_000);
            } finally {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
            }
            server.send("STOP");
            assertEquals("1", server.expect("DONE", WAIT).trim(), "one loop thread served every connection in the server");
            assertEquals(0, server.waitFor(WAIT), server.describe());
        }
    }
}
