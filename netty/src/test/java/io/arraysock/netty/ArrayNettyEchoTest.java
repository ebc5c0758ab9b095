package io.arraysock.netty;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Echo through the array in one JVM on shm: many connections, one loop thread per side. */
class ArrayNettyEchoTest {
    private static ShmArrayFile array;

    @BeforeAll
    static void format() throws Exception {
        array = ShmArrayFile.create();
    }

    @AfterAll
    static void remove() throws Exception {
        array.close();
    }

    @Test
    void manyConnectionsOnOneLoopThread() throws Exception {
        EventLoopGroup serverLoop = new MultiThreadIoEventLoopGroup(1, ArrayIoHandler.newFactory());
        EventLoopGroup clientLoop = new MultiThreadIoEventLoopGroup(1, ArrayIoHandler.newFactory());
        try (EchoServer server = new EchoServer(serverLoop, array.path, 64 << 10)) {
            long t0 = System.nanoTime();
            EchoClients.run(clientLoop, array.path, server.port(), 32, 512 << 10, 64 << 10);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf("netty echo on shm: 32 connections x 512 KiB through one loop thread each side in %d ms%n", ms);
            assertEquals(1, server.handlerThreads.size(), "one loop thread served every connection: " + server.handlerThreads);
        } finally {
            serverLoop.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync();
            clientLoop.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync();
        }
    }
}
