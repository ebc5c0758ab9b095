package io.arraysock;

import io.arraysock.net.ArraySelectorProvider;
import io.arraysock.net.ArraySocketAddress;
import io.arraysock.net.ArraySocketChannel;
import io.arraysock.testkit.ChildJvm;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static java.nio.channels.SelectionKey.OP_CONNECT;
import static java.nio.channels.SelectionKey.OP_READ;
import static java.nio.channels.SelectionKey.OP_WRITE;
import static org.junit.jupiter.api.Assertions.*;

/**
 * java.nio selectors between two JVMs, on shm and on each block pair (the child in its own
 * network namespace, so only the storage joins them): the child is a one-thread selector
 * echo server ({@link SelectorEchoPeer}); this side drives several connections from one
 * selector of its own, connecting without blocking, writing and reading as readiness says,
 * and ending each with a half-close that the child answers. Then: a peer killed under
 * registered connections makes them readable, and the reads report the reset.
 */
class CrossProcessSelectorTest {
    private static final Duration START = Duration.ofSeconds(30);
    private static final Duration RUN = Duration.ofSeconds(Long.getLong("arraysock.test.selectorRunSeconds", 120));
    private static final SelectorProvider PROVIDER = ArraySelectorProvider.instance();

    /** One client connection's progress. */
    private static final class Client {
        final SocketChannel channel;
        final ByteBuffer out;
        final ByteBuffer expected;
        final ByteBuffer in;
        boolean outputEnded;
        boolean ended;

        @Override
        public String toString() {
            return "sent " + out.position() + ", echoed " + in.position() + (outputEnded ? ", output ended" : "")
                    + (ended ? ", ended" : "") + " " + channel;
        }

        Client(SocketChannel channel, int bytes, long seed) {
            this.channel = channel;
            byte[] b = new byte[bytes];
            new SplittableRandom(seed).nextBytes(b);
            this.out = ByteBuffer.wrap(b);
            this.expected = ByteBuffer.wrap(b.clone());
            this.in = ByteBuffer.allocate(bytes + 1); // room for a read to see the end
        }
    }

    @ParameterizedTest
    @EnumSource(ArrayFixture.Kind.class)
    void oneSelectorDrivesManyConnectionsToASelectorInTheOtherProcess(ArrayFixture.Kind kind) throws Exception {
        int connections = 8;
        int bytes = kind == ArrayFixture.Kind.NBD_PAIR ? 32 * 1024 : kind.isBlock() ? 256 * 1024 : 1 << 20;
        againstAnEchoPeer(kind, 7010, (f, child, selector, port) -> {
            List<Client> clients = new ArrayList<>();
            try {
                for (int i = 0; i < connections; i++) {
                    SocketChannel c = PROVIDER.openSocketChannel();
                    c.configureBlocking(false);
                    c.setOption(StandardSocketOptions.SO_SNDBUF, SelectorEchoPeer.RING);
                    c.setOption(StandardSocketOptions.SO_RCVBUF, SelectorEchoPeer.RING);
                    Client cl = new Client(c, bytes, i);
                    clients.add(cl);
                    boolean now = c.connect(new ArraySocketAddress(f.parentPath, port));
                    c.register(selector, now ? OP_WRITE | OP_READ : OP_CONNECT, cl);
                }
                selectUntil(selector, connections, done -> done + " of " + connections + " connections ended: "
                        + clients.stream().map(Client::toString).toList() + "; " + child.describe(),
                        k -> step(k, (Client) k.attachment()));
                for (Client c : clients) {
                    assertEquals(c.expected.rewind(), c.in.flip(), "the echo of one connection");
                }
                assertEquals(0, selector.keys().stream().filter(SelectionKey::isValid).count(), "every key was cancelled");
            } finally {
                for (Client c : clients) {
                    c.channel.close();
                }
            }
            child.send("EXIT");
            assertEquals(Integer.toString(connections), child.expect("SERVED", START), child.describe());
            child.expect("DONE", START);
        });
    }

    /** One ready key of a client; 1 when its connection ended (the child's end of stream came after the whole echo). */
    private static int step(SelectionKey k, Client c) throws IOException {
        SocketChannel ch = c.channel;
        if (k.isConnectable()) {
            assertTrue(ch.finishConnect());
            k.interestOps(OP_WRITE | OP_READ);
            return 0;
        }
        if (k.isWritable()) {
            ch.write(c.out);
            if (!c.out.hasRemaining() && !c.outputEnded) {
                ch.shutdownOutput();
                c.outputEnded = true;
                k.interestOps(OP_READ);
            }
        }
        if (k.isReadable()) {
            int n = ch.read(c.in);
            if (n < 0) {
                assertEquals(c.expected.capacity(), c.in.position(), "the end came after the whole echo");
                assertTrue(c.outputEnded, "the child ends only after our end");
                c.ended = true;
                ch.close(); // cancels the key
                return 1;
            }
        }
        return 0;
    }

    @ParameterizedTest
    @EnumSource(ArrayFixture.Kind.class)
    void aKilledPeerMakesItsConnectionsReadableAndTheReadsReportTheReset(ArrayFixture.Kind kind) throws Exception {
        againstAnEchoPeer(kind, 7011, (f, child, selector, port) -> {
            List<SocketChannel> channels = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    SocketChannel c = ArraySocketChannel.open(new ArraySocketAddress(f.parentPath, port)); // blocking
                    channels.add(c);
                    c.write(ByteBuffer.wrap(new byte[] {(byte) i}));
                    ByteBuffer echo = ByteBuffer.allocate(1);
                    while (echo.hasRemaining()) {
                        assertTrue(c.read(echo) >= 0);
                    }
                    assertEquals(i, echo.get(0), "echoed");
                    c.configureBlocking(false);
                    c.register(selector, OP_READ);
                }
                assertEquals(0, selector.selectNow(), "nothing to read while the child lives");
                child.kill();
                selectUntil(selector, channels.size(), seen -> seen + " of " + channels.size() + " connections saw the reset", k -> {
                    assertTrue(k.isReadable());
                    SocketChannel c = (SocketChannel) k.channel();
                    SocketException e = assertThrows(SocketException.class, () -> c.read(ByteBuffer.allocate(4)));
                    assertTrue(e.getMessage().contains("reset"), e.getMessage());
                    assertThrows(SocketException.class, () -> c.read(ByteBuffer.allocate(4)), "the reset stays");
                    c.close();
                    return 1;
                });
            } finally {
                for (SocketChannel c : channels) {
                    c.close();
                }
            }
        });
    }

    /** What a test does with a selector here and a {@link SelectorEchoPeer} in another JVM, listening on {@code port}. */
    private interface AgainstEcho {
        void run(ArrayFixture f, ChildJvm child, Selector selector, int port) throws Exception;
    }

    /** {@code test} on a fresh array of {@code kind}, once a child echoes on {@code port}; all closed after it. */
    private static void againstAnEchoPeer(ArrayFixture.Kind kind, int port, AgainstEcho test) throws Exception {
        try (ArrayFixture f = ArrayFixture.create(kind, ArrayFixture.small());
             ChildJvm child = f.child(SelectorEchoPeer.class, f.childPath, Integer.toString(port));
             Selector selector = PROVIDER.openSelector()) {
            test.run(f, child, selector, Integer.parseInt(child.expect("LISTENING", START)));
        }
    }

    /** One selected key handled: 1 when it finished what the test waits for, else 0. */
    private interface KeyStep {
        int handle(SelectionKey k) throws IOException;
    }

    /**
     * Selects (within {@link #RUN}) and hands every selected key to {@code step} until
     * {@code count} of them finished; fails with {@code what} of how many had by then.
     */
    private static void selectUntil(Selector selector, int count, java.util.function.IntFunction<String> what, KeyStep step)
            throws IOException {
        long deadline = System.nanoTime() + RUN.toNanos();
        int finished = 0;
        while (finished < count) {
            int done = finished;
            assertTrue(System.nanoTime() < deadline, () -> what.apply(done));
            selector.select(1000);
            for (var it = selector.selectedKeys().iterator(); it.hasNext(); ) {
                SelectionKey k = it.next();
                it.remove();
                finished += step.handle(k);
            }
        }
    }
}
