package io.arraysock.netty;

import io.arraysock.ArraySocket;
import io.arraysock.FormatOptions;
import io.arraysock.StorageArray;
import io.arraysock.api.SocketType;
import io.arraysock.net.ArraySocketAddress;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The idle figure of issue 13: one Netty event-loop thread ({@link ArrayIoHandler}) serving a
 * listener and {@code N} idle connections on shm, the clients in another JVM; the loop
 * thread's CPU (utime + stime from {@code /proc/self/task/TID/stat}) over a window, as a
 * share of one core. Then a few 64 B round trips through the idle loop, to show it still
 * answers at once. Not a test: run it through {@code scripts/bench-idle} (a quiet machine).
 *
 * <p>{@code IdleLoopCpu server PATH CONNECTIONS SECONDS}, or (the child) {@code clients PATH PORT CONNECTIONS}.
 */
public final class IdleLoopCpu {
    private static final String LOOP_THREAD = "bell-idle-loop";
    private static final int RING = 64 * 1024;
    private static final int WARM_ROUND_TRIPS = 20_000;
    private static final int AFTER_SLEEP_SAMPLES = 40;

    private IdleLoopCpu() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("clients")) {
            clients(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]));
        } else {
            server(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]));
        }
    }

    private static void server(String path, int connections, int seconds) throws Exception {
        StorageArray.format(path, FormatOptions.defaults().withNodeSlots(4).withSocketsPerNode(connections + 64)
                .withArenaSize((long) (connections + 16) * RING * 2 + (16 << 20)).withForce(true));
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, (java.util.concurrent.ThreadFactory) r -> new Thread(r, LOOP_THREAD),
                ArrayIoHandler.newFactory());
        AtomicInteger active = new AtomicInteger();
        Process child = null;
        try {
            Channel server = new ServerBootstrap().group(group).channel(ArrayNettyServerChannel.class)
                    .option(ChannelOption.SO_BACKLOG, connections)
                    .option(ChannelOption.SO_SNDBUF, RING) // accepted rings are sized at bind: a childOption comes too late
                    .childHandler(new EchoHandler() {
                        @Override
                        public void channelActive(ChannelHandlerContext ctx) {
                            active.incrementAndGet();
                        }
                    })
                    .bind(new ArraySocketAddress(path, 0)).sync().channel();
            int port = ((ArraySocketAddress) server.localAddress()).port();
            String java = ProcessHandle.current().info().command().orElse("java");
            child = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                    IdleLoopCpu.class.getName(), "clients", path, Integer.toString(port), Integer.toString(connections))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            PrintWriter out = new PrintWriter(new OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8), true);
            expect(in, "CONNECTED");
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (active.get() < connections && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            if (active.get() < connections) {
                throw new IllegalStateException("only " + active.get() + " of " + connections + " connections active");
            }
            Thread.sleep(2000); // settle: the JIT, the accepts' last polls
            Path stat = loopThreadStat();
            long[] before = ticks(stat);
            long t0 = System.nanoTime();
            Thread.sleep(seconds * 1000L);
            long[] after = ticks(stat);
            double wall = (System.nanoTime() - t0) / 1e9;
            double hz = 100.0; // USER_HZ on Linux
            double user = (after[0] - before[0]) / hz;
            double sys = (after[1] - before[1]) / hz;
            System.out.printf("idle loop: %d idle connections + 1 listener on one Netty loop thread (shm), over %.1f s: "
                            + "%.2f %% of a core (user %.2f s, sys %.2f s)%n",
                    connections, wall, 100 * (user + sys) / wall, user, sys);
            out.println("PING");
            String rtts = expect(in, "RTT");
            System.out.println("idle loop: 64 B round trips through it after the idle window, us: " + rtts);
            out.println("EXIT");
            expect(in, "DONE");
            server.close().sync();
        } finally {
            if (child != null) {
                child.destroy();
            }
            group.shutdownGracefully().sync();
            Files.deleteIfExists(Path.of(path));
        }
    }

    private static String expect(BufferedReader in, String prefix) throws IOException {
        for (String line; (line = in.readLine()) != null; ) {
            if (line.startsWith(prefix)) {
                return line.substring(prefix.length()).trim();
            }
        }
        throw new IOException("the clients ended before " + prefix);
    }

    /** /proc/self/task/TID/stat of the loop thread, found by its name. */
    private static Path loopThreadStat() throws IOException {
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : tasks.toList()) {
                if (Files.readString(t.resolve("comm")).trim().equals(LOOP_THREAD)) {
                    return t.resolve("stat");
                }
            }
        }
        throw new IOException("no thread named " + LOOP_THREAD);
    }

    /** utime and stime, in clock ticks (fields 14 and 15; the name in parentheses may hold spaces). */
    private static long[] ticks(Path stat) throws IOException {
        String s = Files.readString(stat);
        String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
        return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])};
    }

    /** One 64 B round trip through the server's loop, in microseconds. */
    private static long roundTrip(ArraySocket s, ByteBuffer msg) throws IOException {
        long t = System.nanoTime();
        s.send(msg.clear());
        for (msg.clear(); msg.hasRemaining(); ) {
            s.receive(msg);
        }
        return (System.nanoTime() - t) / 1000;
    }

    private static String summary(long[] us) {
        long[] v = us.clone();
        Arrays.sort(v);
        return "p50 " + v[v.length / 2] + ", p90 " + v[v.length * 9 / 10] + ", max " + v[v.length - 1] + " (of " + v.length + ")";
    }

    private static void clients(String path, int port, int connections) throws Exception {
        try (StorageArray array = StorageArray.attach(path)) {
            List<ArraySocket> sockets = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                ArraySocket s = array.openSocket(SocketType.STREAM);
                s.setSendBufferSize(RING);
                s.setReceiveBufferSize(RING); // the server sizes its ring by what we ask to receive
                s.connect(port);
                sockets.add(s);
            }
            System.out.println("CONNECTED");
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            ByteBuffer msg = ByteBuffer.allocateDirect(64);
            for (String line; (line = in.readLine()) != null && !line.equals("EXIT"); ) {
                // warm: the same round trip back to back, so both JVMs run it compiled (the
                // first samples of fresh JVMs measure the interpreter, not the wake)
                long[] warm = new long[WARM_ROUND_TRIPS];
                for (int i = 0; i < warm.length; i++) {
                    warm[i] = roundTrip(sockets.get(i % connections), msg);
                }
                long[] rtt = new long[AFTER_SLEEP_SAMPLES];
                for (int i = 0; i < rtt.length; i++) {
                    Thread.sleep(50); // the loop goes back to sleep on its bell between
                    rtt[i] = roundTrip(sockets.get(i * 31 % connections), msg);
                }
                System.out.println("RTT after the loop slept: " + summary(rtt) + "; back to back (loop awake): "
                        + summary(Arrays.copyOfRange(warm, warm.length / 2, warm.length)));
                System.out.flush();
            }
            for (ArraySocket s : sockets) {
                s.close();
            }
            System.out.println("DONE");
            System.out.flush();
        }
    }
}
