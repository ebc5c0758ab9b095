package io.arraysock.net;

import io.arraysock.testkit.BlockedCall;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AlreadyBoundException;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.IllegalBlockingModeException;
import java.nio.channels.IllegalSelectorException;
import java.nio.channels.NoConnectionPendingException;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static java.nio.channels.SelectionKey.OP_ACCEPT;
import static java.nio.channels.SelectionKey.OP_CONNECT;
import static java.nio.channels.SelectionKey.OP_READ;
import static java.nio.channels.SelectionKey.OP_WRITE;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A selector's contract, observed the same on the JDK's selector with TCP loopback channels
 * and on {@link ArraySelectorProvider}'s with array channels on shm: which keys are ready
 * and when (accept, connect, read, write, end of stream), selectNow and select with a
 * timeout, wakeup and interrupt, cancelled keys and closed channels leaving the key set,
 * the selected-key set's rules, a closed selector, and the registration checks. Every
 * scenario is written once against the java.nio API; only the provider and the address differ.
 */
@Timeout(60)
class SelectorContractTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    static final ShmArray array = ShmArray.perClass();

    enum Kind {
        TCP, ARRAY;

        SelectorProvider provider() {
            return this == TCP ? SelectorProvider.provider() : ArraySelectorProvider.instance();
        }

        /** A local address with any free port. */
        SocketAddress anyPort() {
            return this == TCP ? new InetSocketAddress(InetAddress.getLoopbackAddress(), 0) : new ArraySocketAddress(array.path, 0);
        }
    }

    /** A listening server channel, non-blocking, registered for OP_ACCEPT; and the selector. */
    private record Setup(Kind kind, Selector selector, ServerSocketChannel server, SelectionKey acceptKey) implements AutoCloseable {
        static Setup of(Kind kind) throws IOException {
            Selector sel = kind.provider().openSelector();
            ServerSocketChannel ss = kind.provider().openServerSocketChannel();
            ss.bind(kind.anyPort(), 16);
            ss.configureBlocking(false);
            return new Setup(kind, sel, ss, ss.register(sel, OP_ACCEPT));
        }

        /** A client connected without blocking (through OP_CONNECT), and its accepted peer, both non-blocking and unregistered. */
        SocketChannel[] pair() throws IOException {
            SocketChannel c = kind.provider().openSocketChannel();
            c.configureBlocking(false);
            if (!c.connect(server.getLocalAddress())) {
                assertTrue(c.isConnectionPending());
                assertFalse(c.isConnected());
                SelectionKey ck = c.register(selector, OP_CONNECT);
                awaitReady(selector, ck, OP_CONNECT);
                assertTrue(c.finishConnect());
                selector.selectedKeys().remove(ck);
                ck.cancel();
            }
            assertTrue(c.isConnected());
            assertFalse(c.isConnectionPending());
            SocketChannel s = acceptOne();
            s.configureBlocking(false);
            selector.selectNow(); // the cancelled connect key leaves, so the client may register again
            return new SocketChannel[] {c, s};
        }

        SocketChannel acceptOne() throws IOException {
            awaitReady(selector, acceptKey, OP_ACCEPT);
            selector.selectedKeys().remove(acceptKey);
            SocketChannel s = server.accept();
            assertNotNull(s, "OP_ACCEPT was ready");
            assertTrue(s.isBlocking(), "an accepted channel starts blocking");
            return s;
        }

        @Override
        public void close() throws IOException {
            server.close();
            selector.close();
        }
    }

    /** Selects until {@code key} is in the selected set with one of {@code ops} ready. */
    private static void awaitReady(Selector sel, SelectionKey key, int ops) throws IOException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!(sel.selectedKeys().contains(key) && (key.readyOps() & ops) != 0)) {
            assertTrue(System.nanoTime() < deadline, "not ready for " + ops + " within " + WAIT + ": " + key.channel());
            sel.select(100);
        }
    }

    private static ByteBuffer bytes(int... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length);
        for (int v : values) {
            b.put((byte) v);
        }
        return b.flip();
    }

    /** What a test does with a {@link Setup} and a connected pair on it. */
    private interface PairTest {
        void run(Setup s, SocketChannel[] p) throws Exception;
    }

    /** {@code test} on a fresh {@link Setup} of {@code kind} and a pair connected through it, all closed after it. */
    private static void withPair(Kind kind, PairTest test) throws Exception {
        try (Setup s = Setup.of(kind)) {
            ConnectedPairs.with(s::pair, p -> test.run(s, p));
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void nothingReadyMeansZeroAndTheTimeoutPasses(Kind kind) throws Exception {
        try (Setup s = Setup.of(kind)) {
            assertEquals(0, s.selector.selectNow());
            assertTrue(s.selector.selectedKeys().isEmpty());
            long t0 = System.nanoTime();
            assertEquals(0, s.selector.select(150));
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(ms >= 100, "select(150) returned after " + ms + " ms");
            assertNull(s.server.accept(), "a non-blocking accept with none waiting");
            assertEquals(1, s.selector.keys().size());
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void acceptConnectThenReadWhenBytesCome(Kind kind) throws Exception {
        withPair(kind, (s, p) -> {
            assertNull(s.server.accept(), "one connect, one accept");
            assertEquals(0, s.selector.selectNow(), "the backlog is empty again");
            SelectionKey rk = p[1].register(s.selector, OP_READ, "server side");
            assertEquals("server side", rk.attachment());
            assertEquals(0, s.selector.selectNow(), "nothing to read yet");
            assertEquals(3, p[0].write(bytes(1, 2, 3)));
            awaitReady(s.selector, rk, OP_READ);
            assertEquals(OP_READ, rk.readyOps());
            ByteBuffer got = ByteBuffer.allocate(10);
            while (got.position() < 3) {
                assertTrue(p[1].read(got) >= 0);
            }
            assertEquals(bytes(1, 2, 3), got.flip());
            s.selector.selectedKeys().clear();
            assertEquals(0, s.selector.selectNow(), "all read: not ready");
            assertEquals(0, p[1].read(ByteBuffer.allocate(4)));
            assertEquals(p[0].getLocalAddress(), p[1].getRemoteAddress());
            assertEquals(p[1].getLocalAddress(), p[0].getRemoteAddress());
        });
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void endOfStreamIsReadableAndStaysSo(Kind kind) throws Exception {
        withPair(kind, (s, p) -> {
            SelectionKey rk = p[1].register(s.selector, OP_READ);
            p[0].write(bytes(9));
            p[0].shutdownOutput();
            awaitReady(s.selector, rk, OP_READ);
            ByteBuffer b = ByteBuffer.allocate(4);
            int n;
            long deadline = System.nanoTime() + WAIT.toNanos();
            while ((n = p[1].read(b)) >= 0) {
                assertTrue(System.nanoTime() < deadline, "no end of stream");
                if (n == 0) {
                    s.selector.select(100);
                }
            }
            assertEquals(1, b.position());
            s.selector.selectedKeys().clear();
            assertEquals(1, s.selector.select(WAIT.toMillis()), "the end stays readable (level-triggered)");
            assertEquals(-1, p[1].read(b));
        });
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void writableUntilFullThenAgainOnceDrained(Kind kind) throws Exception {
        withPair(kind, (s, p) -> {
            SelectionKey wk = p[0].register(s.selector, OP_WRITE);
            assertEquals(1, s.selector.selectNow(), "a fresh connection is writable");
            assertEquals(OP_WRITE, wk.readyOps());
            s.selector.selectedKeys().clear();
            ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
            long written = 0;
            for (int i = 0; i < 4096; i++) {
                int n = p[0].write(chunk.clear());
                written += n;
                if (n == 0) {
                    break;
                }
            }
            assertEquals(0, p[0].write(chunk.clear()), "full after " + written + " bytes");
            assertEquals(0, s.selector.selectNow(), "full: not writable");
            long read = 0;
            ByteBuffer sink = ByteBuffer.allocate(256 * 1024);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (read < written) {
                assertTrue(System.nanoTime() < deadline, "read " + read + " of " + written);
                read += p[1].read(sink.clear());
            }
            awaitReady(s.selector, wk, OP_WRITE);
            assertEquals(0, p[1].read(sink.clear()));
        });
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void wakeupBeforeASelectEndsItOnceAndDuringOneEndsIt(Kind kind) throws Exception {
        try (Setup s = Setup.of(kind)) {
            s.selector.wakeup();
            s.selector.wakeup();
            long t0 = System.nanoTime();
            assertEquals(0, s.selector.select());
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5), "a pending wakeup ends the next select");
            t0 = System.nanoTime();
            assertEquals(0, s.selector.select(150), "two wakeups were one");
            assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(100));
            s.selector.wakeup();
            assertEquals(0, s.selector.selectNow(), "selectNow clears a wakeup");
            t0 = System.nanoTime();
            assertEquals(0, s.selector.select(150));
            assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(100));

            CompletableFuture<Integer> blocked = CompletableFuture.supplyAsync(() -> {
                try {
                    return s.selector.select();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            Thread.sleep(200);
            assertFalse(blocked.isDone(), "select() waits");
            s.selector.wakeup();
            assertEquals(0, blocked.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void anInterruptEndsASelectAndKeepsTheSelectorOpen(Kind kind) throws Exception {
        try (Setup s = Setup.of(kind)) {
            CompletableFuture<Boolean> interrupted = new CompletableFuture<>();
            Thread t = new Thread(() -> {
                try {
                    s.selector.select();
                    interrupted.complete(Thread.currentThread().isInterrupted());
                } catch (Throwable e) {
                    interrupted.completeExceptionally(e);
                }
            });
            t.start();
            Thread.sleep(200);
            t.interrupt();
            assertTrue(interrupted.get(WAIT.toSeconds(), TimeUnit.SECONDS), "the interrupt status stays set");
            assertTrue(s.selector.isOpen());
            assertEquals(0, s.selector.selectNow());
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void closingARegisteredChannelCancelsItsKeyAndThePeerSeesTheEnd(Kind kind) throws Exception {
        withPair(kind, (s, p) -> {
            SelectionKey rk = p[1].register(s.selector, OP_READ);
            SelectionKey ck = p[0].register(s.selector, OP_READ);
            p[1].close();
            assertFalse(rk.isValid());
            assertThrows(CancelledKeyException.class, rk::readyOps);
            assertThrows(CancelledKeyException.class, () -> rk.interestOps(OP_READ));
            assertTrue(s.selector.keys().contains(rk), "until the next select");
            s.selector.selectNow();
            assertFalse(s.selector.keys().contains(rk));
            assertFalse(p[1].isRegistered());
            awaitReady(s.selector, ck, OP_READ);
            assertEquals(-1, p[0].read(ByteBuffer.allocate(4)), "the peer sees the end");
            assertThrows(ClosedChannelException.class, () -> p[1].register(s.selector, OP_READ));
        });
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aCancelledKeyLeavesAtTheNextSelectAndTheChannelMayRegisterAgain(Kind kind) throws Exception {
        withPair(kind, (s, p) -> {
            SelectionKey k = p[1].register(s.selector, OP_READ);
            assertSame(k, p[1].keyFor(s.selector));
            assertSame(k, p[1].register(s.selector, OP_READ | OP_WRITE), "registering again updates the key");
            assertEquals(OP_READ | OP_WRITE, k.interestOps());
            k.cancel();
            assertTrue(s.selector.keys().contains(k));
            assertTrue(p[1].isRegistered(), "until the next select");
            s.selector.selectNow();
            assertFalse(s.selector.keys().contains(k));
            assertFalse(p[1].isRegistered());
            p[1].configureBlocking(true);
            p[1].configureBlocking(false);
            SelectionKey again = p[1].register(s.selector, OP_WRITE);
            assertNotSame(k, again);
            assertEquals(1, s.selector.selectNow());
            assertTrue(again.isWritable());
        });
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void theSelectedSetKeepsKeysUntilRemovedAndTakesNoneAdded(Kind kind) throws Exception {
        withPair(kind, (s, p) -> {
            SelectionKey k = p[0].register(s.selector, OP_WRITE);
            assertEquals(1, s.selector.selectNow());
            assertThrows(UnsupportedOperationException.class, () -> s.selector.selectedKeys().add(k));
            assertThrows(UnsupportedOperationException.class, () -> s.selector.keys().remove(k));
            assertEquals(0, s.selector.selectNow(), "the same ready set again: no key updated");
            assertTrue(s.selector.selectedKeys().contains(k));
            assertEquals(0, s.selector.select(), "a selected key ready again ends a select at once");
            k.interestOps(OP_READ | OP_WRITE);
            p[1].write(bytes(1));
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!k.isReadable()) {
                assertTrue(System.nanoTime() < deadline);
                s.selector.select(100);
            }
            assertEquals(OP_READ | OP_WRITE, k.readyOps(), "ready operations accumulate in the selected set");
            s.selector.selectedKeys().remove(k);
            assertEquals(1, s.selector.selectNow());
            List<SelectionKey> seen = new ArrayList<>();
            s.selector.selectedKeys().clear();
            assertEquals(1, s.selector.select(seen::add, 1000), "select(Consumer, timeout)");
            assertEquals(List.of(k), seen);
            assertTrue(s.selector.selectedKeys().isEmpty(), "select(Consumer) leaves the selected set empty");
        });
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void registrationRules(Kind kind) throws Exception {
        withPair(kind, (s, p) -> {
            SocketChannel blocking = p[1];
            blocking.configureBlocking(true);
            assertThrows(IllegalBlockingModeException.class, () -> blocking.register(s.selector, OP_READ));
            blocking.configureBlocking(false);
            assertThrows(IllegalArgumentException.class, () -> blocking.register(s.selector, OP_ACCEPT));
            SelectionKey k = blocking.register(s.selector, 0);
            assertThrows(IllegalArgumentException.class, () -> k.interestOps(OP_ACCEPT));
            assertThrows(IllegalBlockingModeException.class, () -> blocking.configureBlocking(true));
            assertEquals(OP_READ | OP_WRITE | OP_CONNECT, blocking.validOps());
            assertEquals(OP_ACCEPT, s.server.validOps());
            assertEquals(0, s.selector.selectNow(), "no interest, never ready");
        });
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aClosedSelectorDeregistersEverything(Kind kind) throws Exception {
        Setup s = Setup.of(kind);
        try {
            s.selector.close();
            s.selector.close();
            assertFalse(s.selector.isOpen());
            assertFalse(s.acceptKey.isValid());
            assertFalse(s.server.isRegistered());
            assertThrows(ClosedSelectorException.class, s.selector::selectNow);
            assertThrows(ClosedSelectorException.class, () -> s.selector.select(10));
            assertThrows(ClosedSelectorException.class, s.selector::keys);
            assertThrows(ClosedSelectorException.class, s.selector::selectedKeys);
            assertThrows(ClosedSelectorException.class, () -> s.server.register(s.selector, OP_ACCEPT));
            s.selector.wakeup();
            s.server.configureBlocking(true); // registered nowhere now
        } finally {
            s.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aConnectNothingAnswersFailsAndClosesTheChannel(Kind kind) throws Exception {
        SocketAddress nowhere;
        try (ServerSocketChannel gone = kind.provider().openServerSocketChannel()) {
            gone.bind(kind.anyPort());
            nowhere = gone.getLocalAddress(); // a port nothing listens on once closed
        }
        try (Selector sel = kind.provider().openSelector();
             SocketChannel c = kind.provider().openSocketChannel()) {
            c.configureBlocking(false);
            assertThrows(NoConnectionPendingException.class, c::finishConnect);
            boolean refused;
            try {
                assertFalse(c.connect(nowhere));
                SelectionKey k = c.register(sel, OP_CONNECT);
                awaitReady(sel, k, OP_CONNECT);
                refused = assertThrows(ConnectException.class, c::finishConnect) != null;
            } catch (ConnectException atOnce) {
                refused = true; // either is SocketChannel's contract: at once, or at finishConnect
            }
            assertTrue(refused);
            assertFalse(c.isOpen(), "a failed connect closes the channel");
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void anEchoServerOnOneThreadServesManyClients(Kind kind) throws Exception {
        int clients = 4;
        int bytes = 192 * 1024;
        try (Setup s = Setup.of(kind)) {
            List<SocketChannel> open = new ArrayList<>();
            try {
                SocketChannel[] cs = new SocketChannel[clients];
                for (int i = 0; i < clients; i++) {
                    SocketChannel[] p = s.pair();
                    open.addAll(List.of(p));
                    cs[i] = p[0];
                    p[1].register(s.selector, OP_READ, ByteBuffer.allocate(8192));
                }
                byte[][] want = new byte[clients][bytes];
                SplittableRandom r = new SplittableRandom(7);
                ByteBuffer[][] out = new ByteBuffer[clients][];
                ByteBuffer[][] in = new ByteBuffer[clients][];
                for (int i = 0; i < clients; i++) {
                    r.nextBytes(want[i]);
                    // gathering writes and scattering reads, in uneven parts
                    out[i] = new ByteBuffer[] {ByteBuffer.wrap(want[i], 0, 1000), ByteBuffer.wrap(want[i], 1000, bytes - 1000)};
                    in[i] = new ByteBuffer[] {ByteBuffer.allocate(777), ByteBuffer.allocate(bytes - 777)};
                    cs[i].register(s.selector, OP_WRITE | OP_READ, i);
                }
                long deadline = System.nanoTime() + WAIT.toNanos();
                int done = 0;
                while (done < clients) {
                    assertTrue(System.nanoTime() < deadline, done + " of " + clients + " echoed");
                    s.selector.select(100);
                    for (var it = s.selector.selectedKeys().iterator(); it.hasNext(); ) {
                        SelectionKey k = it.next();
                        it.remove();
                        if (k.attachment() instanceof ByteBuffer echo) {
                            serveEcho(k, echo);
                        } else {
                            done += client(k, out[(Integer) k.attachment()], in[(Integer) k.attachment()]);
                        }
                    }
                }
                for (int i = 0; i < clients; i++) {
                    ByteBuffer got = ByteBuffer.allocate(bytes).put(in[i][0].flip()).put(in[i][1].flip()).flip();
                    assertEquals(ByteBuffer.wrap(want[i]), got, "client " + i);
                }
            } finally {
                ConnectedPairs.closeAll(open.toArray(SocketChannel[]::new));
            }
        }
    }

    /** Echoes what is readable (as much as the peer's ring takes; the rest waits in the buffer). */
    private static void serveEcho(SelectionKey k, ByteBuffer echo) throws IOException {
        SocketChannel ch = (SocketChannel) k.channel();
        if (k.isReadable() && ch.read(echo) < 0) {
            k.cancel();
            return;
        }
        echo.flip();
        ch.write(echo);
        echo.compact();
        k.interestOps(echo.position() > 0 ? OP_WRITE : OP_READ);
    }

    /** A client's step; 1 when all its bytes came back. */
    private static int client(SelectionKey k, ByteBuffer[] out, ByteBuffer[] in) throws IOException {
        SocketChannel ch = (SocketChannel) k.channel();
        if (k.isWritable()) {
            ch.write(out);
            if (!out[1].hasRemaining()) {
                k.interestOps(OP_READ);
            }
        }
        if (k.isReadable()) {
            assertTrue(ch.read(in) >= 0);
            if (!in[1].hasRemaining()) {
                k.cancel();
                return 1;
            }
        }
        return 0;
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aBlockedAcceptEndsWithTheCloseOrTheInterrupt(Kind kind) throws Exception {
        try (ServerSocketChannel ss = kind.provider().openServerSocketChannel()) {
            ss.bind(kind.anyPort());
            BlockedCall<SocketChannel> accept = BlockedCall.start("acceptor", ss::accept)
                    .awaitBlockedIn(acceptWaitsIn(ss), "accept", WAIT);
            ss.close();
            ExecutionException e = assertThrows(ExecutionException.class, () -> accept.result().get(WAIT.toSeconds(), TimeUnit.SECONDS));
            assertEquals(AsynchronousCloseException.class, e.getCause().getClass());
        }
        try (ServerSocketChannel ss = kind.provider().openServerSocketChannel()) {
            ss.bind(kind.anyPort());
            BlockedCall<SocketChannel> accept = BlockedCall.start("acceptor", ss::accept)
                    .awaitBlockedIn(acceptWaitsIn(ss), "accept", WAIT);
            accept.thread().interrupt();
            ExecutionException e = assertThrows(ExecutionException.class, () -> accept.result().get(WAIT.toSeconds(), TimeUnit.SECONDS));
            assertEquals(ClosedByInterruptException.class, e.getCause().getClass());
            assertFalse(ss.isOpen());
        }
    }

    /** Where a blocked accept waits: deeper than the channel's accept, whose own checks come first. */
    private static Object acceptWaitsIn(ServerSocketChannel ss) {
        return ss instanceof ArrayServerSocketChannel a ? a.arraySocket() : ss;
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void blockingConnectAcceptAndFinishConnect(Kind kind) throws Exception {
        try (ServerSocketChannel ss = kind.provider().openServerSocketChannel()) {
            ss.bind(kind.anyPort());
            try (SocketChannel c = kind.provider().openSocketChannel()) {
                assertThrows(NotYetConnectedException.class, () -> c.read(ByteBuffer.allocate(1)));
                assertTrue(c.connect(ss.getLocalAddress()), "a blocking connect returns connected");
                assertTrue(c.finishConnect(), "finishConnect of a connected channel");
                assertThrows(AlreadyConnectedException.class, () -> c.connect(ss.getLocalAddress()));
                try (SocketChannel s = ss.accept()) {
                    assertEquals(c.getLocalAddress(), s.getRemoteAddress());
                    c.write(bytes(4, 2));
                    ByteBuffer b = ByteBuffer.allocate(2);
                    while (b.hasRemaining()) {
                        assertTrue(s.read(b) > 0);
                    }
                    assertEquals(bytes(4, 2), b.flip());
                }
            }
            assertThrows(AlreadyBoundException.class, () -> ss.bind(kind.anyPort()));
        }
    }

    @Test
    void aSelectorHoldsOnlyItsProvidersChannels() throws Exception {
        try (Selector jdk = Selector.open();
             Selector ours = ArraySelectorProvider.instance().openSelector();
             SocketChannel arrayChannel = ArraySocketChannel.open();
             SocketChannel tcp = SocketChannel.open()) {
            arrayChannel.configureBlocking(false);
            tcp.configureBlocking(false);
            assertThrows(IllegalSelectorException.class, () -> arrayChannel.register(jdk, OP_READ));
            assertThrows(IllegalSelectorException.class, () -> tcp.register(ours, OP_READ));
            assertSame(ArraySelectorProvider.instance(), arrayChannel.provider());
            assertNull(arrayChannel.getLocalAddress(), "no array until bound or connected");
            assertThrows(UnsupportedOperationException.class, () -> ArraySelectorProvider.instance().openPipe());
        }
    }

    @Test
    void theSocketAdapterOfAConnectedChannelIsItsSocket() throws Exception {
        try (Setup s = Setup.of(Kind.ARRAY)) {
            SocketChannel[] p = s.pair();
            try {
                ArraySocketChannel c = (ArraySocketChannel) p[0];
                java.net.Socket adapter = c.socket();
                assertSame(adapter, c.socket());
                assertSame(c, adapter.getChannel());
                assertTrue(adapter.isConnected());
                assertEquals(c.arraySocket().remotePort(), adapter.getPort());
                adapter.close();
                assertFalse(c.isOpen(), "closing the adapter closes the channel");
                assertThrows(UnsupportedOperationException.class, () -> ArraySocketChannel.open().socket());
            } finally {
                ConnectedPairs.closeAll(p);
            }
        }
    }
}
