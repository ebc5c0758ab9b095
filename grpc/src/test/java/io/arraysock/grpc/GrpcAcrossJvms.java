package io.arraysock.grpc;

import io.arraysock.net.SharedArrays;
import io.arraysock.testkit.ChildJvm;
import io.arraysock.testkit.LoopDevices;
import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * gRPC between two JVMs through the array: {@link GrpcServerMain} in a child JVM, in a
 * network namespace of its own where this process may make one (root), so only the storage
 * joins the two; the client here, on a channel from {@code Grpc.newChannelBuilder("array:...")}.
 * A subclass names the medium. The server is killed by the last test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class GrpcAcrossJvms {
    static final int MIB = 1 << 20;
    /** The largest message the tests send: 4 MiB, gRPC's default limit on a message. */
    static final int LARGEST = 4 * MIB;
    private static final Duration WAIT = Duration.ofSeconds(30);

    private ChildJvm server;
    private ManagedChannel channel;
    private SharedArrays.Lease lease;

    /** The array's path for the server JVM. */
    abstract String serverPath() throws Exception;

    /** The array's path for this JVM (another device node onto the same storage, on block). */
    abstract String clientPath() throws Exception;

    /** How many 4 MiB messages the server-streaming test takes. */
    abstract int streamedLargest();

    /** How soon after the server's SIGKILL the client must see {@code UNAVAILABLE}. */
    abstract Duration deathBound();

    @BeforeAll
    void startServer() throws Exception {
        String serverPath = serverPath();
        String clientPath = clientPath();
        server = ChildJvm.start(LoopDevices.isRoot(), GrpcServerMain.class, serverPath);
        String[] ready = server.expect("READY", WAIT).split(" ");
        lease = SharedArrays.acquire(clientPath);
        assertNotEquals(Integer.parseInt(ready[1]), lease.array().nodeSlot(), "two processes, two node slots");
        channel = Grpc.newChannelBuilder("array:" + clientPath + "?port=" + ready[0], InsecureChannelCredentials.create())
                .maxInboundMessageSize(GrpcServerMain.MAX_MESSAGE)
                .build();
    }

    @AfterAll
    void stop() throws Exception {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (lease != null) {
            lease.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    @Order(1)
    void unary() {
        Random random = new Random(1);
        StringBuilder took = new StringBuilder();
        for (int size : new int[] {0, 64, 64 << 10, MIB + 1, LARGEST}) {
            byte[] req = new byte[size];
            random.nextBytes(req);
            long t0 = System.nanoTime();
            byte[] resp = ClientCalls.blockingUnaryCall(channel, BytesService.ECHO, CallOptions.DEFAULT, req);
            took.append(' ').append(size).append(" B ").append((System.nanoTime() - t0) / 1_000_000).append(" ms;");
            assertArrayEquals(req, resp, "echo of " + size + " bytes");
        }
        System.out.println("grpc unary on " + this + " (the first call connects):" + took);
    }

    @Test
    @Order(2)
    void serverStreaming() {
        int count = streamedLargest();
        Iterator<byte[]> it = ClientCalls.blockingServerStreamingCall(channel, BytesService.STREAM,
                CallOptions.DEFAULT.withDeadlineAfter(WAIT.toMillis(), TimeUnit.MILLISECONDS),
                BytesService.streamRequest(count, LARGEST));
        int i = 0;
        long t0 = System.nanoTime();
        while (it.hasNext()) {
            byte[] m = it.next();
            assertArrayEquals(BytesService.fill(i, LARGEST), m, "message " + i);
            i++;
        }
        assertEquals(count, i, "messages streamed");
        System.out.printf("grpc server streaming on %s: %d x 4 MiB in %d ms%n", this, count,
                (System.nanoTime() - t0) / 1_000_000);
    }

    @Test
    @Order(3)
    void bidiStreaming() throws Exception {
        Random random = new Random(2);
        int[] sizes = {1, 100, 64 << 10, 0, MIB, 7, LARGEST, 3 << 10, LARGEST, 1};
        List<byte[]> sent = new ArrayList<>();
        BlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
        ResponseObserver echoes = new ResponseObserver(received::add);
        StreamObserver<byte[]> out = ClientCalls.asyncBidiStreamingCall(channel.newCall(BytesService.CHAT, CallOptions.DEFAULT),
                echoes);
        for (int round = 0; round < 2; round++) { // ping-pong, then all at once
            for (int size : sizes) {
                byte[] m = new byte[size];
                random.nextBytes(m);
                sent.add(m);
                out.onNext(m);
                if (round == 0) {
                    byte[] echo = received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                    assertArrayEquals(m, echo, "echo of a " + size + "-byte message");
                }
            }
        }
        out.onCompleted();
        assertEquals(Status.Code.OK, echoes.awaitEnd(WAIT).getCode());
        List<byte[]> second = new ArrayList<>(received);
        assertEquals(sizes.length, second.size(), "echoes of the second round");
        for (int i = 0; i < sizes.length; i++) {
            assertArrayEquals(sent.get(sizes.length + i), second.get(i), "second round, message " + i);
        }
    }

    @Test
    @Order(4)
    void deadline() throws Exception {
        long t0 = System.nanoTime();
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> ClientCalls.blockingUnaryCall(channel,
                BytesService.HANG, CallOptions.DEFAULT.withDeadlineAfter(300, TimeUnit.MILLISECONDS), new byte[16]));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode(), e.toString());
        assertTrue(ms >= 290 && ms < 5000, "deadline of 300 ms hit after " + ms + " ms");
        // the deadline travels with the call: the server's side of it ends too
        assertEquals("Hang 0", server.expect("CANCELLED", WAIT));
        assertEchoes();
    }

    @Test
    @Order(5)
    void cancellation() throws Exception {
        Stream stream = Stream.running(channel);
        stream.observer.cancel("the test is done with it");
        assertEquals(Status.Code.CANCELLED, stream.observer.awaitEnd(WAIT).getCode());
        String[] seen = server.expect("CANCELLED", WAIT).split(" ");
        assertEquals("Stream", seen[0], "the server saw the cancellation");
        assertTrue(Integer.parseInt(seen[1]) >= stream.count.get(), "the server sent what the client got");
        assertEchoes();
    }

    @Test
    @Order(6)
    void serverKilledMidStream() throws Exception {
        Stream stream = Stream.running(channel);
        long t0 = System.nanoTime();
        server.kill();
        Status status = stream.observer.awaitEnd(WAIT);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(Status.Code.UNAVAILABLE, status.getCode(), status.toString());
        System.out.printf("grpc on %s: UNAVAILABLE %d ms after the server's SIGKILL (%s)%n", this, ms, status);
        assertTrue(ms <= deathBound().toMillis(), "UNAVAILABLE after " + ms + " ms, bound " + deathBound());
    }

    private void assertEchoes() {
        byte[] req = {1, 2, 3};
        assertArrayEquals(req, ClientCalls.blockingUnaryCall(channel, BytesService.ECHO, CallOptions.DEFAULT, req),
                "the channel still serves calls");
    }

    /** An endless server stream, its messages counted, the first ones checked. */
    private static final class Stream {
        final CountDownLatch received = new CountDownLatch(3);
        final AtomicInteger count = new AtomicInteger();
        final ResponseObserver observer = new ResponseObserver(this::onMessage);
        private final int size;

        private Stream(int size) {
            this.size = size;
        }

        /** An endless stream of 256 KiB messages, once its first 3 came, checked. */
        static Stream running(ManagedChannel channel) throws InterruptedException {
            Stream s = new Stream(256 << 10);
            ClientCalls.asyncServerStreamingCall(channel.newCall(BytesService.STREAM, CallOptions.DEFAULT),
                    BytesService.streamRequest(-1, s.size), s.observer);
            assertTrue(s.received.await(WAIT.toMillis(), TimeUnit.MILLISECONDS), "3 messages of an endless stream");
            return s;
        }

        private void onMessage(byte[] value) {
            int i = count.getAndIncrement();
            if (i < 3 && !Arrays.equals(BytesService.fill(i, size), value)) {
                observer.end.complete(Status.DATA_LOSS.withDescription("message " + i + " differs"));
            }
            received.countDown();
        }
    }
}
