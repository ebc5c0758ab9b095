package io.arraysock.grpc;

import io.arraysock.FormatOptions;
import io.arraysock.StorageArray;
import io.arraysock.net.ArraySocketAddress;
import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
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

    @Test
    void bothWaysOfBuildingAChannelReachAServer() throws Exception {
        String path = "/dev/shm/arraysock-grpc-" + UUID.randomUUID();
        StorageArray.format(path, FormatOptions.defaults().withNodeSlots(2));
        Server server = ArrayGrpc.newServerBuilder(new ArraySocketAddress(path, 0), InsecureServerCredentials.create())
                .addService(BytesService.definition(e -> { })).build().start();
        try {
            ArraySocketAddress bound = (ArraySocketAddress) server.getListenSockets().get(0);
            assertTrue(bound.port() > 0, bound.toString());
            ManagedChannel byTarget = Grpc.newChannelBuilder(bound.toString(), InsecureChannelCredentials.create()).build();
            ManagedChannel byAddress = ArrayGrpc.newChannelBuilder(bound, InsecureChannelCredentials.create()).build();
            try {
                for (ManagedChannel ch : new ManagedChannel[] {byTarget, byAddress}) {
                    assertEquals(ArrayGrpc.AUTHORITY, ch.authority());
                    byte[] req = {42};
                    assertArrayEquals(req, ClientCalls.blockingUnaryCall(ch, BytesService.ECHO, CallOptions.DEFAULT, req));
                }
            } finally {
                byTarget.shutdownNow();
                byAddress.shutdownNow();
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
