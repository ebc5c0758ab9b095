package io.arraysock.socket;

import io.arraysock.format.ControlBlockDescriptor;
import io.arraysock.format.Geometry;
import io.arraysock.medium.ShmMedium;
import io.arraysock.testkit.ShmSegments;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A participant writes random bytes into random places of the control-block table and the
 * arenas while two nodes stream over eight connections. Nobody may crash, read or write
 * outside the medium, or hang: every failure is an IOException on the affected socket.
 * Afterwards the nodes still connect and transfer.
 */
class VandalTest {
    private static final int STREAM = ControlBlockDescriptor.TYPE_STREAM;

    @Test
    void randomWritesGiveIoExceptionsNeverCrashesOrHangs() throws Exception {
        Geometry g = new Geometry(512, 4, 64, 4 << 20);
        ExecutorService pool = Executors.newCachedThreadPool();
        ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<IOException> surfaced = new ConcurrentLinkedQueue<>();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        try (ShmSegments segments = new ShmSegments()) {
            ShmNodes nodes = new ShmNodes(segments, g);
            ShmMedium medium = nodes.medium;
            SocketLayer a = nodes.a;
            SocketLayer b = nodes.b;
            SocketCore listener = a.open(STREAM);
            listener.bind(9100);
            listener.listen(16);
            List<Future<?>> work = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                SocketCore client = b.open(STREAM);
                client.client().connect(9100, 5_000_000_000L);
                SocketCore server = listener.accept(5_000_000_000L);
                server.options().receiveTimeout(2000);
                work.add(pool.submit(() -> pump(client, server, stop, unexpected, surfaced)));
            }
            Random random = new Random(11);
            long tables = g.controlBlockTableOffset();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            byte[] junk = new byte[16];
            while (System.nanoTime() < end) {
                random.nextBytes(junk);
                long at = switch (random.nextInt(3)) {
                    // the blocks in use: the first few of the two nodes' partitions
                    case 0 -> g.partitionOffset(random.nextInt(2)) + random.nextInt(12 * g.sectorSize());
                    case 1 -> tables + random.nextInt((int) (g.arenaOffset() - tables) - junk.length);
                    default -> g.arenaOffset() + random.nextInt((int) (2 * g.arenaSize()) - junk.length);
                };
                medium.writeRelease(at, junk, 0, 1 + random.nextInt(junk.length));
                Thread.sleep(1);
            }
            stop.set(true);
            for (Future<?> f : work) {
                f.get(60, TimeUnit.SECONDS); // no hang
            }
            assertEquals(List.of(), new ArrayList<>(unexpected), "only IOExceptions may come out of a damaged medium");
            assertFalse(surfaced.isEmpty(), "the damage must have hit some connection");

            // the vandal is gone: new sockets on fresh blocks work
            SocketCore l2 = a.open(STREAM);
            l2.bind(9200);
            l2.listen(1);
            SocketCore c2 = b.open(STREAM);
            c2.client().connect(9200, 5_000_000_000L);
            SocketCore s2 = l2.accept(5_000_000_000L);
            c2.sending().send(ByteBuffer.wrap(new byte[100_000]), true);
            c2.shutdownOutput();
            long got = 0;
            ByteBuffer buf = ByteBuffer.allocate(65536);
            for (int n; (n = s2.receiving().receive(buf.clear(), true)) >= 0; ) {
                got += n;
            }
            assertEquals(100_000, got);
            a.close();
            b.close();
        } finally {
            pool.shutdownNow();
        }
    }

    /** Streams one way until {@code stop}; IOExceptions end it (the medium may be damaged), anything else is recorded. */
    private static Void pump(SocketCore client, SocketCore server, java.util.concurrent.atomic.AtomicBoolean stop,
                             ConcurrentLinkedQueue<Throwable> unexpected,
                             ConcurrentLinkedQueue<IOException> surfaced) throws Exception {
        Future<?> reader = Executors.newSingleThreadExecutor().submit(() -> {
            ByteBuffer buf = ByteBuffer.allocateDirect(65536);
            try {
                while (server.receiving().receive(buf.clear(), true) >= 0) {
                    // count nothing: contents may be damaged by the vandal
                }
            } catch (IOException expected) {
                surfaced.add(expected); // a damaged peer or ring: the specific exception we want
            } catch (Throwable t) {
                unexpected.add(t);
            }
            server.close();
            return null;
        });
        ByteBuffer buf = ByteBuffer.allocateDirect(65536);
        try {
            while (!stop.get()) {
                client.sending().send(buf.clear(), true);
            }
            client.shutdownOutput();
        } catch (IOException expected) {
            surfaced.add(expected);
        } catch (Throwable t) {
            unexpected.add(t);
        }
        client.close();
        reader.get(60, TimeUnit.SECONDS);
        return null;
    }
}
