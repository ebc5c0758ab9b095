package io.arraysock;

import io.arraysock.api.SocketType;
import io.arraysock.medium.ShmMedium;
import io.arraysock.testkit.ChildJvm;
import org.junit.jupiter.api.Test;

import java.net.SocketException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Payload checksums on shm (issue 11, part 3; docs/PROTOCOL.md "Payload checksums"), with
 * the peer in another JVM: a listener that asks for them gets connections whose rings hold
 * CRC32C chunk records; the vandal of {@link PayloadChecksumTest}, writing into the sender's
 * ring through a mapping of its own, is a reset and never wrong bytes; whole transfers
 * arrive intact (SHA-256) both ways; and without the option the ring stays the plain one.
 */
class ShmChecksumTest {
    private static final Duration START = Duration.ofSeconds(30);
    private static final int RING = 256 * 1024;
    private static final long BYTES = 64L << 20;
    private static final ArrayFixture.Setup CHECKSUMS = l -> l.setPayloadChecksums(true);

    @Test
    void aVandalisedShmRingIsAResetNeverWrongBytes() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (ArrayFixture f = ArrayFixture.create(ArrayFixture.Kind.SHM, ArrayFixture.small());
             StorageArray array = f.attach();
             ArraySocket listener = ArrayFixture.listener(array, SocketType.STREAM, 7410, 1, CHECKSUMS);
             ChildJvm sender = f.child(PatternSender.class, f.childPath, "7410", Integer.toString(RING));
             ShmMedium vandal = ShmMedium.open(f.childPath)) {
            sender.expect("CONNECTED", START);
            try (ArraySocket s = listener.accept(START)) {
                assertTrue(s.isPayloadChecksummed(), "the accepted connection checksums its payload");
                Future<Long> receiver = pool.submit(() -> PayloadChecksumTest.receiveSlowlyAndCheck(s));
                long[] ring = PayloadChecksumTest.senderRing(array, s.remoteNode(), vandal);
                assertEquals(RING, ring[1], "the sender's ring");
                byte[] junk = new byte[vandal.sectorSize()];
                PayloadChecksumTest.vandaliseAndExpectReset(receiver, ring, vandal.sectorSize(), s.remoteNode(), (offset, random) -> {
                    for (int i = 0; i < junk.length; i++) {
                        junk[i] = (byte) random.nextInt();
                    }
                    vandal.writeRelease(offset, junk, 0, junk.length);
                });
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void sixtyFourMebibytesEachWayThroughChecksummedRings() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (ArrayFixture f = ArrayFixture.create(ArrayFixture.Kind.SHM, ArrayFixture.small());
             StorageArray array = f.attach();
             ArraySocket listener = ArrayFixture.listener(array, SocketType.STREAM, 7411, 1, l -> {
                 l.setPayloadChecksums(true);
                 l.setSendBufferSize(1 << 20);
             });
             ChildJvm child = f.peer(new DuplexPeer(7411, 2, BYTES))) {
            ArrayFixture.go(child, START);
            try (ArraySocket s = listener.accept(START)) {
                assertTrue(s.isPayloadChecksummed(), "the accepted connection checksums its payload");
                Future<String> received = pool.submit(() -> SeededStreams.receiveAll(s));
                String sent = SeededStreams.sendSeeded(s, 1, BYTES);
                Duration t = Duration.ofMinutes(3);
                assertEquals(BYTES + " " + child.expect("SENT", t), received.get(3, TimeUnit.MINUTES), child.describe());
                assertEquals(SeededStreams.expectedSha(2, BYTES), received.get().split(" ")[1], "the seeded stream");
                assertEquals(BYTES + " " + sent, child.expect("RECEIVED", t), child.describe());
            }
            child.expect("DONE", START);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void messagesKeepTheirBoundariesInChecksummedRings() throws Exception {
        int count = 20_000;
        long seed = 43;
        try (ArrayFixture f = ArrayFixture.create(ArrayFixture.Kind.SHM, ArrayFixture.small());
             StorageArray array = f.attach();
             ArraySocket listener = ArrayFixture.listener(array, SocketType.SEQPACKET, 7412, 1, CHECKSUMS);
             ChildJvm child = f.peer(new MessagesPeer(7412, count, seed))) {
            ArrayFixture.go(child, START);
            try (ArraySocket s = listener.accept(START)) {
                assertTrue(s.isPayloadChecksummed());
                // a chunk header and a message length, as on block (FORMAT.md)
                int max = MessagesPeer.RING - (40 + 4);
                MessagesPeer.receiveAndCheck(s, count, seed, max);
                assertEquals(Integer.toString(max), child.expect("MAX", START));
            }
            assertEquals("-1", child.expect("END", START), child.describe());
        }
    }

    @Test
    void withoutTheOptionTheRingStaysPlainAndAClientMayAskForChecksums() throws Exception {
        try (ArrayFixture f = ArrayFixture.create(ArrayFixture.Kind.SHM, ArrayFixture.small());
             StorageArray array = f.attach();
             ArraySocket listener = ArrayFixture.listener(array, SocketType.STREAM, 7413, 2)) {
            assertFalse(listener.isPayloadChecksummed(), "off by default");
            try (ArraySocket plain = array.openSocket(SocketType.STREAM);
                 ArraySocket asking = array.openSocket(SocketType.STREAM)) {
                plain.connect(7413);
                try (ArraySocket a = listener.accept(START)) {
                    assertFalse(plain.isPayloadChecksummed(), "a plain listener's client");
                    assertFalse(a.isPayloadChecksummed(), "a plain listener's connection");
                }
                asking.setPayloadChecksums(true);
                asking.connect(7413);
                try (ArraySocket a = listener.accept(START)) {
                    assertTrue(asking.isPayloadChecksummed(), "a client that asked");
                    assertTrue(a.isPayloadChecksummed(), "the listener follows the client's request");
                    ByteBuffer hello = ByteBuffer.wrap("hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    asking.send(hello);
                    ByteBuffer got = ByteBuffer.allocate(16);
                    while (got.position() < 5) {
                        a.receive(got);
                    }
                    assertEquals("hello", new String(got.array(), 0, 5, java.nio.charset.StandardCharsets.US_ASCII));
                }
                SocketException late = assertThrows(SocketException.class, () -> asking.setPayloadChecksums(false));
                assertTrue(late.getMessage().contains("before connect"), late.getMessage());
            }
            assertThrows(SocketException.class, () -> listener.setPayloadChecksums(true), "not while listening");
        }
    }

    @Test
    void anIdleChecksummedReceiverAndSenderSleep() throws Exception {
        try (ArrayFixture f = ArrayFixture.create(ArrayFixture.Kind.SHM, ArrayFixture.small());
             StorageArray array = f.attach();
             ArraySocket listener = ArrayFixture.listener(array, SocketType.STREAM, 7414, 1, CHECKSUMS);
             ArraySocket client = array.openSocket(SocketType.STREAM)) {
            client.connect(7414);
            try (ArraySocket a = listener.accept(START)) {
                java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
                // a byte first, so the writer thread exists and has gone idle
                client.send(ByteBuffer.wrap(new byte[] {1}));
                assertEquals(1, a.receive(ByteBuffer.allocate(1)));
                a.setReceiveTimeout(Duration.ofMillis(1000));
                long cpuBefore = threads.getCurrentThreadCpuTime();
                assertThrows(java.net.SocketTimeoutException.class, () -> a.receive(ByteBuffer.allocate(1)));
                long cpuMillis = (threads.getCurrentThreadCpuTime() - cpuBefore) / 1_000_000;
                assertTrue(cpuMillis < 200, "a blocking receive that waited 1 s used " + cpuMillis + " ms of CPU");
                // and bytes sent now wake it
                Thread sender = new Thread(() -> {
                    try {
                        Thread.sleep(200);
                        client.send(ByteBuffer.wrap(new byte[] {2}));
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                sender.start();
                long start = System.nanoTime();
                ByteBuffer got = ByteBuffer.allocate(1);
                assertEquals(1, a.receive(got));
                assertEquals(2, got.get(0));
                assertTrue(System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(900), "woken by the byte");
                sender.join();
            }
        }
    }
}
