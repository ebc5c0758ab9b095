package io.arraysock.grpc;

import io.arraysock.FormatOptions;
import io.arraysock.StorageArray;
import io.arraysock.net.ArraySocketAddress;
import io.arraysock.netty.ArrayIoHandler;
import io.arraysock.netty.ArrayNettyChannel;
import io.arraysock.netty.ArrayNettyServerChannel;
import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.Test;

import java.net.SocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** The {@code array:} target: parsing, provider selection, and both ways of building a channel, in one JVM. */
class ArrayTargetTest {
    private final ArrayNameResolverProvider provider = new ArrayNameResolverProvider();

    @Test
    void targetsParse() {
        assertEquals(new ArraySocketAddress("/dev/shm/a", 50051), ArrayNameResolverProvider.addressOf(URI.create("array:/dev/shm/a?port=50051")));
        assertEquals(new ArraySocketAddress("/dev/shm/a", 7), ArrayNameResolverProvider.addressOf(URI.create("array:///dev/shm/a?port=7")));
        assertEquals(new ArraySocketAddress("rel/a", 7), ArrayNameResolverProvider.addressOf(URI.create("array:rel/a?port=7")));
        assertEquals(new ArraySocketAddress("/dev/sdb", 1), ArrayNameResolverProvider.addressOf(URI.create("array:/dev/sdb?port=1")));
    }

    @Test
    void badTargetsAreRefused() {
        for (String bad : new String[] {"array:/dev/shm/a", "array:/dev/shm/a?port=x", "array:/dev/shm/a?port=70000",
                "array:/dev/shm/a?port=1&ttl=3", "array://host/dev/shm/a?port=1"}) {
            assertThrows(IllegalArgumentException.class, () -> ArrayNameResolverProvider.addressOf(URI.create(bad)), bad);
        }
    }

    @Test
    void hostAndPortAreNoArrayAddress() {
        assertThrows(UnsupportedOperationException.class, () -> new ArrayChannelProvider().builderForAddress("localhost", 1));
    }

    @Test
    void otherSchemesAreNotOurs() {
        assertNull(provider.newNameResolver(URI.create("dns:///localhost:1"), null));
        assertEquals("array", provider.getDefaultScheme());
    }

    @Test
    void aBadArrayTargetFailsTheBuild() {
        assertThrows(IllegalArgumentException.class,
                () -> Grpc.newChannelBuilder("array:/dev/shm/a", InsecureChannelCredentials.create()).build());
    }

    @Test
    void dnsTargetsStayOnGrpcNetty() {
        ManagedChannel ch = Grpc.newChannelBuilder("dns:///localhost:1", InsecureChannelCredentials.create()).build();
        try {
            assertEquals("localhost:1", ch.authority());
        } finally {
            ch.shutdownNow();
        }
    }

    /**
     * grpc-netty's builders with event-loop groups of the caller's own: boss and worker on the
     * server, one on the client. The server sees array addresses as its calls' ends, and
     * neither the server nor the channel shuts down groups it was given.
     */
    @Test
    void grpcNettysBuildersWithGroupsOfTheirOwn() throws Exception {
        String path = "/dev/shm/arraysock-grpc-" + UUID.randomUUID();
        StorageArray.format(path, FormatOptions.defaults().withNodeSlots(2));
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, ArrayIoHandler.newFactory());
        EventLoopGroup worker = new MultiThreadIoEventLoopGroup(2, ArrayIoHandler.newFactory());
        EventLoopGroup client = new MultiThreadIoEventLoopGroup(1, ArrayIoHandler.newFactory());
        List<SocketAddress[]> ends = new CopyOnWriteArrayList<>();
        ServerInterceptor recordEnds = new ServerInterceptor() {
            @Override
            public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
                ends.add(new SocketAddress[] {call.getAttributes().get(Grpc.TRANSPORT_ATTR_LOCAL_ADDR),
                        call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR)});
                return next.startCall(call, headers);
            }
        };
        Server server = NettyServerBuilder.forAddress(new ArraySocketAddress(path, 0))
                .channelType(ArrayNettyServerChannel.class).bossEventLoopGroup(boss).workerEventLoopGroup(worker)
                .addService(ServerInterceptors.intercept(BytesService.definition(e -> { }), recordEnds))
                .build().start();
        try {
            ArraySocketAddress bound = (ArraySocketAddress) server.getListenSockets().get(0);
            List<ManagedChannel> channels = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                channels.add(NettyChannelBuilder.forAddress(bound)
                        .channelType(ArrayNettyChannel.class, ArraySocketAddress.class).eventLoopGroup(client)
                        .overrideAuthority(ArrayGrpc.AUTHORITY).usePlaintext().build());
            }
            for (ManagedChannel ch : channels) {
                byte[] req = {7, 7};
                assertArrayEquals(req, ClientCalls.blockingUnaryCall(ch, BytesService.ECHO, CallOptions.DEFAULT, req));
                ch.shutdown().awaitTermination(5, TimeUnit.SECONDS);
            }
            assertEquals(3, ends.size());
            Set<SocketAddress> clients = new HashSet<>();
            for (SocketAddress[] e : ends) {
                assertEquals(bound, e[0], "the server's end of a call");
                ArraySocketAddress remote = assertInstanceOf(ArraySocketAddress.class, e[1], "the client's end of a call");
                assertEquals(path, remote.arrayPath());
                clients.add(remote);
            }
            assertEquals(3, clients.size(), "three channels, three connections");
        } finally {
            server.shutdown().awaitTermination(5, TimeUnit.SECONDS);
            Files.deleteIfExists(Path.of(path));
        }
        for (EventLoopGroup g : List.of(boss, worker, client)) {
            assertFalse(g.isShuttingDown(), "a group given to gRPC is its owner's to shut down");
            g.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void everyWayOfBuildingAChannelReachesAServer() throws Exception {
        String path = "/dev/shm/arraysock-grpc-" + UUID.randomUUID();
        StorageArray.format(path, FormatOptions.defaults().withNodeSlots(2));
        Server server = ArrayGrpc.newServerBuilder(new ArraySocketAddress(path, 0), InsecureServerCredentials.create())
                .addService(BytesService.definition(e -> { })).build().start();
        try {
            ArraySocketAddress bound = (ArraySocketAddress) server.getListenSockets().get(0);
            assertTrue(bound.port() > 0, bound.toString());
            ManagedChannel byTarget = Grpc.newChannelBuilder(bound.toString(), InsecureChannelCredentials.create()).build();
            ManagedChannel byAddress = ArrayGrpc.newChannelBuilder(bound, InsecureChannelCredentials.create()).build();
            // what ManagedChannelBuilder.forTarget would get, were this the only provider
            ManagedChannel byProvider = new ArrayChannelProvider().builderForTarget(bound.toString()).usePlaintext().build();
            try {
                for (ManagedChannel ch : new ManagedChannel[] {byTarget, byAddress, byProvider}) {
                    assertEquals(ArrayGrpc.AUTHORITY, ch.authority());
                    byte[] req = {42};
                    assertArrayEquals(req, ClientCalls.blockingUnaryCall(ch, BytesService.ECHO, CallOptions.DEFAULT, req));
                }
            } finally {
                byTarget.shutdownNow();
                byAddress.shutdownNow();
                byProvider.shutdownNow();
            }
            // nothing listens on the next port: the call fails UNAVAILABLE, as for a refused TCP connect
            ManagedChannel nobody = ArrayGrpc.newChannelBuilder(bound.withPort(bound.port() == 65535 ? 1 : bound.port() + 1),
                    InsecureChannelCredentials.create()).build();
            try {
                StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> ClientCalls.blockingUnaryCall(
                        nobody, BytesService.ECHO, CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS), new byte[1]));
                assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.toString());
            } finally {
                nobody.shutdownNow();
            }
        } finally {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            Files.deleteIfExists(Path.of(path));
        }
    }
}
