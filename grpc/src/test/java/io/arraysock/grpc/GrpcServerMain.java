package io.arraysock.grpc;

import io.arraysock.net.ArraySocketAddress;
import io.arraysock.net.SharedArrays;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.netty.NettyServerBuilder;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The server JVM of the cross-process gRPC tests and of {@link GrpcBench}: {@link BytesService}
 * on a free port of the array at {@code args[0]}, on the shared array loop, or with
 * {@code tcp PORT} on TCP loopback (grpc-netty's defaults). Prints {@code READY <port> <node
 * slot>} (node -1 on TCP), then one line per event ({@code CANCELLED ...}); on a line
 * {@code STOP} on stdin it shuts down and prints {@code DONE}.
 */
public final class GrpcServerMain {
    static final int MAX_MESSAGE = 8 << 20;

    private GrpcServerMain() {
    }

    public static void main(String[] args) throws Exception {
        boolean tcp = args[0].equals("tcp");
        try (SharedArrays.Lease lease = tcp ? null : SharedArrays.acquire(args[0])) {
            ServerBuilder<?> builder = tcp
                    ? NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                            Integer.parseInt(args[1])), InsecureServerCredentials.create())
                    : ArrayGrpc.newServerBuilder(new ArraySocketAddress(args[0], 0), InsecureServerCredentials.create());
            Server server = builder.maxInboundMessageSize(MAX_MESSAGE)
                    .addService(BytesService.definition(System.out::println))
                    .build().start();
            int port = tcp ? ((InetSocketAddress) server.getListenSockets().get(0)).getPort()
                    : ((ArraySocketAddress) server.getListenSockets().get(0)).port();
            System.out.println("READY " + port + " " + (tcp ? -1 : lease.array().nodeSlot()));
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null && !line.equals("STOP"); ) {
                // wait for STOP
            }
            server.shutdown();
            if (!server.awaitTermination(10, TimeUnit.SECONDS)) {
                server.shutdownNow();
            }
            System.out.println("DONE");
        }
    }
}
