package io.arraysock.netty;

import io.arraysock.net.SharedArrays;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The other process of {@link ArrayNettyCrossProcessTest}: a Netty echo server on one loop
 * thread. Args: the array path, the ring size. Prints {@code READY <port> <node>}, echoes
 * until a line {@code STOP} on stdin, then prints {@code DONE <handler threads>}.
 */
public final class EchoServerMain {
    private EchoServerMain() {
    }

    public static void main(String[] args) throws Exception {
        String path = args[0];
        int ring = Integer.parseInt(args[1]);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, ArrayIoHandler.newFactory());
        try (SharedArrays.Lease lease = SharedArrays.acquire(path); EchoServer server = new EchoServer(group, path, ring)) {
            System.out.println("READY " + server.port() + " " + lease.array().nodeSlot());
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null && !line.equals("STOP"); ) {
                // wait for STOP
            }
            System.out.println("DONE " + server.handlerThreads.size());
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
