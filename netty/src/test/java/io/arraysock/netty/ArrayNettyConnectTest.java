package io.arraysock.netty;

import io.arraysock.api.SocketInfo;
import io.arraysock.net.ArraySocketAddress;
import io.arraysock.net.SharedArrays;
import io.arraysock.testkit.Await;
import io.arraysock.testkit.ChildJvm;
import io.arraysock.testkit.LoopDevices;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The client channel's connect is the library's non-blocking one, polled by the loop: no
 * thread per connect, {@code CONNECT_TIMEOUT_MILLIS} as a loop task, close while pending.
 * A pending connect is made real by a listener in a child JVM (its own network namespace
 * when root) that is stopped ({@code SIGSTOP}) for less than the liveness timeout, so its
 * acceptor answers nothing meanwhile.
 */
class ArrayNettyConnectTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private ShmArrayFile array;
    private ChildJvm server;
    private int port;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, ArrayIoHandler.newFactory());

    @BeforeEach
    void start() throws Exception {
        array = ShmArrayFile.create();
        server = ChildJvm.start(LoopDevices.isRoot(), EchoServerMain.class, array.path, "" + (64 << 10));
        port = Integer.parseInt(server.expect("READY", WAIT).trim().split(" ")[0]);
    }

    @AfterEach
    void stop() throws Exception {
        signal("CONT");
        server.send("STOP");
        server.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        array.close();
    }

    private void signal(String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(server.pid())).inheritIO().start();
        assertEquals(0, kill.waitFor(), "kill -" + name);
    }

    private ChannelFuture connect(int timeoutMillis) {
        return new Bootstrap().group(group).channel(ArrayNettyChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, timeoutMillis)
                .handler(new ChannelInboundHandlerAdapter())
                .connect(new ArraySocketAddress(array.path, port));
    }

    @Test
    void manyConnectsAtOnceNeedNoThreadOfTheirOwn() throws Exception {
        int threadsBefore = Thread.activeCount();
        List<ChannelFuture> connects = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            connects.add(connect(20_000));
        }
        int threadsDuring = Thread.activeCount();
        for (ChannelFuture f : connects) {
            assertTrue(f.await(WAIT.toMillis()), "connected in time");
            assertTrue(f.isSuccess(), String.valueOf(f.cause()));
            assertTrue(f.channel().isActive());
        }
        assertTrue(threadsDuring - threadsBefore <= 2, "32 connects in flight started "
                + (threadsDuring - threadsBefore) + " threads");
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().contains("connect")),
                "no connect threads");
        for (ChannelFuture f : connects) {
            f.channel().close().sync();
        }
    }

    @Test
    void aConnectTimeoutFailsThePromiseAndClosesTheChannel() throws Exception {
        signal("STOP");
        long t0 = System.nanoTime();
        ChannelFuture f = connect(300);
        assertTrue(f.await(WAIT.toMillis()));
        long millis = (System.nanoTime() - t0) / 1_000_000;
        signal("CONT");
        assertInstanceOf(ConnectTimeoutException.class, f.cause(), String.valueOf(f.cause()));
        assertTrue(millis >= 290 && millis < 1_500, "timed out after " + millis + " ms");
        f.channel().closeFuture().await(WAIT.toMillis());
        assertFalse(f.channel().isOpen());
        assertNoClientSocketLeft();
        ChannelFuture again = connect(20_000);
        assertTrue(again.await(WAIT.toMillis()) && again.isSuccess(), "the listener answers once resumed: " + again.cause());
        again.channel().close().sync();
    }

    @Test
    void closingWhileTheConnectIsPendingTakesItBack() throws Exception {
        signal("STOP");
        ChannelFuture f = connect(0); // no timeout: only the close ends it
        Channel ch = f.channel();
        Thread.sleep(200);
        assertFalse(f.isDone(), "pending while the listener is stopped");
        assertFalse(ch.isActive());
        ch.close().sync();
        signal("CONT");
        assertTrue(f.await(WAIT.toMillis()));
        assertInstanceOf(ClosedChannelException.class, f.cause(), String.valueOf(f.cause()));
        assertNoClientSocketLeft();
    }

    /** Every socket of this JVM's node on the array is gone (the listener's acceptor may still see the request: wait). */
    private void assertNoClientSocketLeft() throws Exception {
        try (SharedArrays.Lease lease = SharedArrays.acquire(array.path)) {
            int node = lease.array().nodeSlot();
            Await.until(Duration.ofSeconds(10), () -> lease.array().sockets().stream().noneMatch(s -> s.node() == node),
                    () -> "left over: " + sockets(lease, node));
        }
    }

    private static String sockets(SharedArrays.Lease lease, int node) {
        try {
            return lease.array().sockets().stream().filter(s -> s.node() == node).map(SocketInfo::toString).toList().toString();
        } catch (Exception e) {
            return e.toString();
        }
    }
}
