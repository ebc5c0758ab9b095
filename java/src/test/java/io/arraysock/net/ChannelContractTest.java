package io.arraysock.net;

import io.arraysock.ArraySocket;
import io.arraysock.api.SocketType;
import io.arraysock.testkit.BlockedCall;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ByteChannel;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ScatteringByteChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * SocketChannel's contract, observed the same on a JDK SocketChannel (loopback) and on an
 * {@link ArraySocketChannel}: partial reads, end of stream, non-blocking mode, scatter and
 * gather, shutdown, and the three ways a channel ends (close, asynchronous close, interrupt).
 */
class ChannelContractTest {
    private static final long WAIT_SECONDS = 20;

    enum Kind { TCP, ARRAY }

    /** What the tests need of either channel. */
    interface Chan extends ByteChannel, ScatteringByteChannel, GatheringByteChannel {
        void blocking(boolean on) throws IOException;

        void shutdownOutput() throws IOException;

        void shutdownInput() throws IOException;

        /** The object and method a blocked read waits in (deeper than the channel's read: its own checks come first). */
        Object blockedReadTarget();

        String blockedReadMethod();
    }

    @RegisterExtension
    static final ShmArray array = ShmArray.perClass();

    private static Chan[] pair(Kind k) throws Exception {
        return k == Kind.TCP ? tcpPair() : arrayPair();
    }

    private static Chan[] tcpPair() throws Exception {
        try (ServerSocketChannel ss = ServerSocketChannel.open()) {
            ss.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            SocketChannel c = SocketChannel.open(ss.getLocalAddress());
            return new Chan[] {wrap(c), wrap(ss.accept())};
        }
    }

    private static Chan[] arrayPair() throws Exception {
        try (ArraySocket listener = array.lease.array().openSocket(SocketType.STREAM)) {
            listener.bind(0);
            listener.listen(4);
            CompletableFuture<ArraySocket> accepted = CompletableFuture.supplyAsync(() -> {
                try {
                    return listener.accept();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            ArraySocketChannel c = ArraySocketChannel.open(array.uri(listener.localPort()));
            ArraySocketChannel s = ArraySocketChannel.of(accepted.get(WAIT_SECONDS, TimeUnit.SECONDS), array.path);
            return new Chan[] {wrap(c), wrap(s)};
        }
    }

    /** TCP's channels block reading in {@code read} of the channel. */
    private static Chan wrap(SocketChannel c) {
        return wrap(c, c, "read");
    }

    /** Ours block reading in {@code receive} of the array socket under the channel. */
    private static Chan wrap(ArraySocketChannel c) {
        return wrap(c, c.arraySocket(), "receive");
    }

    /** {@code c} as a {@link Chan}, whose blocked reads wait in {@code method} of {@code readTarget}. */
    private static Chan wrap(SocketChannel c, Object readTarget, String method) {
        return new Chan() {
            public int read(ByteBuffer dst) throws IOException { return c.read(dst); }
            public long read(ByteBuffer[] d, int o, int l) throws IOException { return c.read(d, o, l); }
            public long read(ByteBuffer[] d) throws IOException { return c.read(d); }
            public int write(ByteBuffer src) throws IOException { return c.write(src); }
            public long write(ByteBuffer[] s, int o, int l) throws IOException { return c.write(s, o, l); }
            public long write(ByteBuffer[] s) throws IOException { return c.write(s); }
            public boolean isOpen() { return c.isOpen(); }
            public void close() throws IOException { c.close(); }
            public void blocking(boolean on) throws IOException { c.configureBlocking(on); }
            public void shutdownOutput() throws IOException { c.shutdownOutput(); }
            public void shutdownInput() throws IOException { c.shutdownInput(); }
            public Object blockedReadTarget() { return readTarget; }
            public String blockedReadMethod() { return method; }
        };
    }

    /** A read of {@code c} on a thread of its own, once it blocks. */
    private static BlockedCall<Integer> blockedRead(Chan c) throws Exception {
        return BlockedCall.start("reader", () -> c.read(ByteBuffer.allocate(4)))
                .awaitBlockedIn(c.blockedReadTarget(), c.blockedReadMethod(), Duration.ofSeconds(WAIT_SECONDS));
    }

    /** {@code test} on a fresh connected pair of {@code k}'s channels, both closed after it. */
    private static void withPair(Kind k, ConnectedPairs.PairTest<Chan> test) throws Exception {
        ConnectedPairs.with(() -> pair(k), test);
    }

    private static ByteBuffer bytes(int... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length);
        for (int v : values) {
            b.put((byte) v);
        }
        return b.flip();
    }

    /** Reads exactly {@code n} bytes (blocking). */
    private static ByteBuffer readN(Chan c, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            assertTrue(c.read(b) > 0, "EOF before " + n + " bytes");
        }
        return b.flip();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void partialReadsThenEndOfStream(Kind k) throws Exception {
        withPair(k, p -> {
            assertEquals(3, p[0].write(bytes(1, 2, 3)));
            ByteBuffer big = ByteBuffer.allocate(100);
            int total = 0;
            while (total < 3) {
                int n = p[1].read(big);
                assertTrue(n > 0 && n <= 3 - total);
                total += n;
            }
            assertEquals(0, p[1].read(ByteBuffer.allocate(0)), "a read with no room");
            p[0].shutdownOutput();
            assertEquals(-1, p[1].read(big));
            assertEquals(-1, p[1].read(big), "EOF stays");
            assertThrows(ClosedChannelException.class, () -> p[0].write(bytes(4)), "write after shutdownOutput");
            assertTrue(p[0].isOpen());
        });
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void nonBlockingReadReturnsZeroThenData(Kind k) throws Exception {
        withPair(k, p -> {
            p[1].blocking(false);
            assertEquals(0, p[1].read(ByteBuffer.allocate(10)));
            p[0].write(bytes(5, 6));
            ByteBuffer b = ByteBuffer.allocate(10);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
            while (b.position() < 2 && System.nanoTime() < deadline) {
                assertTrue(p[1].read(b) >= 0);
            }
            assertEquals(bytes(5, 6), b.flip());
            p[0].close();
            int n;
            do {
                n = p[1].read(ByteBuffer.allocate(10));
            } while (n == 0 && System.nanoTime() < deadline);
            assertEquals(-1, n, "non-blocking EOF");
        });
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void nonBlockingWritesStopWhenFullAndNothingIsLost(Kind k) throws Exception {
        withPair(k, p -> {
            p[0].blocking(false);
            ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
            long written = 0;
            int zeroes = 0;
            // loopback TCP absorbs a few MiB; stop at the first write that moves nothing
            for (int i = 0; i < 1024 && zeroes == 0; i++) {
                chunk.clear();
                int n = p[0].write(chunk);
                written += n;
                if (n == 0) {
                    zeroes++;
                }
            }
            assertEquals(1, zeroes, "a non-blocking write into full buffers moves nothing");
            p[0].shutdownOutput();
            long read = 0;
            ByteBuffer sink = ByteBuffer.allocate(256 * 1024);
            for (int n; (n = p[1].read(sink.clear())) >= 0; ) {
                read += n;
            }
            assertEquals(written, read);
        });
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void gatherAndScatter(Kind k) throws Exception {
        withPair(k, p -> {
            assertEquals(6, p[0].write(new ByteBuffer[] {bytes(1, 2), ByteBuffer.allocate(0), bytes(3, 4, 5), bytes(6)}));
            p[0].shutdownOutput();
            ByteBuffer a = ByteBuffer.allocate(4);
            ByteBuffer b = ByteBuffer.allocate(4);
            long total = 0;
            for (long n; (n = p[1].read(new ByteBuffer[] {a, b})) >= 0; ) {
                assertTrue(n > 0, "a blocking scattering read returns bytes or -1");
                total += n;
            }
            assertEquals(6, total);
            assertEquals(bytes(1, 2, 3, 4), a.flip());
            assertEquals(bytes(5, 6), b.flip());
        });
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shutdownInputMakesReadsEnd(Kind k) throws Exception {
        withPair(k, p -> {
            p[1].shutdownInput();
            assertEquals(-1, p[1].read(ByteBuffer.allocate(4)));
            p[1].write(bytes(8));
            assertEquals(bytes(8), readN(p[0], 1), "output still works");
        });
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aClosedChannelThrowsClosedChannelException(Kind k) throws Exception {
        Chan[] p = pair(k);
        p[1].close();
        p[1].close();
        assertFalse(p[1].isOpen());
        assertThrows(ClosedChannelException.class, () -> p[1].read(ByteBuffer.allocate(4)));
        assertThrows(ClosedChannelException.class, () -> p[1].write(bytes(1)));
        assertThrows(ClosedChannelException.class, () -> p[1].read(new ByteBuffer[] {ByteBuffer.allocate(1)}));
        assertThrows(ClosedChannelException.class, () -> p[1].blocking(false));
        assertEquals(-1, p[0].read(ByteBuffer.allocate(4)), "the peer sees the end");
        ConnectedPairs.closeAll(p);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void closingWhileAReadIsBlockedThrowsAsynchronousCloseException(Kind k) throws Exception {
        withPair(k, p -> {
            BlockedCall<Integer> read = blockedRead(p[1]);
            p[1].close();
            ExecutionException e = assertThrows(ExecutionException.class, () -> read.result().get(WAIT_SECONDS, TimeUnit.SECONDS));
            assertEquals(AsynchronousCloseException.class, e.getCause().getClass());
        });
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void interruptingABlockedReadClosesTheChannel(Kind k) throws Exception {
        withPair(k, p -> {
            BlockedCall<Integer> read = blockedRead(p[1]);
            read.thread().interrupt();
            ExecutionException e = assertThrows(ExecutionException.class, () -> read.result().get(WAIT_SECONDS, TimeUnit.SECONDS));
            assertInstanceOf(ClosedByInterruptException.class, e.getCause());
            assertFalse(p[1].isOpen());
        });
    }
}
