package io.arraysock;

import io.arraysock.api.SocketType;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The other process of the cross-process socket tests. {@code args[0]} is the array path,
 * {@code args[1]} the scenario, the rest its parameters. Prints {@code READY} once attached
 * (then waits for {@code GO} on stdin where the scenario needs the parent ready), results
 * as {@code KEY value} lines, and {@code ERROR class message} on failure (exit 1).
 */
public final class SocketPeer {
    private SocketPeer() {
    }

    public static void main(String[] args) throws Exception {
        try (StorageArray array = StorageArray.attach(args[0])) {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            say("READY " + array.nodeSlot());
            switch (args[1]) {
                case "duplex" -> duplex(array, in, Integer.parseInt(args[2]), Long.parseLong(args[3]), Long.parseLong(args[4]));
                case "many" -> many(array, in, Integer.parseInt(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]));
                case "messages" -> messages(array, in, Integer.parseInt(args[2]), Integer.parseInt(args[3]), Long.parseLong(args[4]));
                case "bind-race" -> bindRace(array, in, args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]));
                case "ephemeral" -> ephemeral(array, in, Integer.parseInt(args[2]));
                case "stream-forever" -> streamForever(array, Integer.parseInt(args[2]), Boolean.parseBoolean(args[3]));
                case "auth-connects" -> authConnects(array, Integer.parseInt(args[2]), args[3], args[4]);
                case "listen" -> listenOnly(array, in, Integer.parseInt(args[2]), Integer.parseInt(args[3]));
                case "cycles" -> cycles(array, in, Integer.parseInt(args[2]), Integer.parseInt(args[3]));
                default -> throw new IllegalArgumentException("unknown scenario " + args[1]);
            }
            say("DONE");
        } catch (Throwable t) {
            say("ERROR " + t.getClass().getName() + " " + t.getMessage());
            t.printStackTrace();
            System.exit(1);
        }
    }

    /** " [caused by A, B]": the simple names of what {@code e} was caused by, for tests that check the types. */
    static String causes(Throwable e) {
        List<String> names = new ArrayList<>();
        for (Throwable c = e.getCause(); c != null && names.size() < 8; c = c.getCause()) {
            names.add(c.getClass().getSimpleName());
        }
        return names.isEmpty() ? "" : " [caused by " + String.join(", ", names) + "]";
    }

    static void say(String line) {
        synchronized (System.out) {
            System.out.println(line);
            System.out.flush();
        }
    }

    private static void awaitGo(BufferedReader in) throws Exception {
        String line = in.readLine();
        if (!"GO".equals(line)) {
            throw new IllegalStateException("expected GO, got " + line);
        }
    }

    /** Fills {@code buf} (cleared) with the next bytes of a seeded stream. */
    static void fill(SplittableRandom random, ByteBuffer buf) {
        buf.clear();
        ByteBuffer longs = buf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        while (longs.remaining() >= Long.BYTES) {
            longs.putLong(random.nextLong());
        }
        while (longs.hasRemaining()) {
            longs.put((byte) random.nextInt());
        }
    }

    /** Sends {@code total} seeded bytes, then ends the stream; returns their SHA-256. */
    static String sendSeeded(ArraySocket s, long seed, long total) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        SplittableRandom random = new SplittableRandom(seed);
        ByteBuffer buf = ByteBuffer.allocateDirect(64 * 1024);
        for (long sent = 0; sent < total; ) {
            fill(random, buf);
            buf.limit((int) Math.min(buf.capacity(), total - sent));
            sha.update(buf.duplicate());
            sent += s.send(buf);
        }
        s.shutdownOutput();
        return HexFormat.of().formatHex(sha.digest());
    }

    /** Receives until end of stream; returns "count sha256". */
    static String receiveAll(ArraySocket s) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        ByteBuffer buf = ByteBuffer.allocateDirect(64 * 1024);
        long count = 0;
        for (int n; (n = s.receive(buf.clear())) >= 0; ) {
            buf.flip();
            sha.update(buf);
            count += n;
        }
        return count + " " + HexFormat.of().formatHex(sha.digest());
    }

    /** Connects to {@code port}, sends and receives at once. */
    private static void duplex(StorageArray array, BufferedReader in, int port, long seed, long total) throws Exception {
        awaitGo(in);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (ArraySocket s = array.openSocket(SocketType.STREAM)) {
            s.setSendBufferSize(1 << 20);
            s.setReceiveBufferSize(1 << 20);
            s.connect(port);
            Future<String> received = pool.submit(() -> receiveAll(s));
            say("SENT " + sendSeeded(s, seed, total));
            say("RECEIVED " + received.get());
        } finally {
            pool.shutdown();
        }
    }

    /**
     * Opens {@code connections} connections to {@code port} at once; connection i sends its id
     * and {@code bytes} bytes seeded with i, then checks the reply is the stream seeded with -i.
     */
    private static void many(StorageArray array, BufferedReader in, int port, int connections, int bytes) throws Exception {
        awaitGo(in);
        ExecutorService pool = Executors.newFixedThreadPool(connections);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                int id = i;
                results.add(pool.submit(() -> {
                    try (ArraySocket s = array.openSocket(SocketType.STREAM)) {
                        s.setSendBufferSize(64 * 1024);
                        s.setReceiveBufferSize(64 * 1024);
                        s.connect(port);
                        ByteBuffer head = ByteBuffer.allocate(4).putInt(0, id);
                        s.send(head);
                        sendSeeded(s, id, bytes);
                        String got = receiveAll(s);
                        String want = bytes + " " + expectedSha(-id - 1, bytes);
                        return got.equals(want) ? "ok" : "connection " + id + " got " + got + " want " + want;
                    }
                }));
            }
            int ok = 0;
            for (Future<String> f : results) {
                String r = f.get();
                if (r.equals("ok")) {
                    ok++;
                } else {
                    say("BAD " + r);
                }
            }
            say("VERIFIED " + ok);
        } finally {
            pool.shutdown();
        }
    }

    static String expectedSha(long seed, long total) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        SplittableRandom random = new SplittableRandom(seed);
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        for (long done = 0; done < total; ) {
            fill(random, buf);
            buf.limit((int) Math.min(buf.capacity(), total - done));
            done += buf.remaining();
            sha.update(buf);
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** Sends {@code count} messages of seeded sizes 1..max and contents on a seqpacket connection. */
    private static void messages(StorageArray array, BufferedReader in, int port, int count, long seed) throws Exception {
        awaitGo(in);
        try (ArraySocket s = array.openSocket(SocketType.SEQPACKET)) {
            s.setSendBufferSize(Integer.parseInt(System.getProperty("ring", "16384")));
            s.connect(port);
            int max = s.maxMessageSize();
            SplittableRandom random = new SplittableRandom(seed);
            ByteBuffer buf = ByteBuffer.allocateDirect(max);
            for (int i = 0; i < count; i++) {
                int size = 1 + random.nextInt(max);
                buf.clear().limit(size);
                fill(new SplittableRandom(seed ^ i), buf);
                buf.limit(size);
                s.sendMessage(buf);
            }
            s.shutdownOutput();
            say("MAX " + max);
            ByteBuffer end = ByteBuffer.allocate(1);
            say("END " + s.receiveMessage(end));
        }
    }

    private static void bindRace(StorageArray array, BufferedReader in, String ports, int rounds, int holdMicros) throws Exception {
        awaitGo(in);
        say("WON " + BindRace.run(array, ports, rounds, holdMicros));
    }

    /** Holds {@code count} ephemeral binds at once, prints their ports, and closes them on CLOSE. */
    private static void ephemeral(StorageArray array, BufferedReader in, int count) throws Exception {
        awaitGo(in);
        List<ArraySocket> held = new ArrayList<>();
        StringBuilder ports = new StringBuilder();
        for (int i = 0; i < count; i++) {
            ArraySocket s = array.openSocket(SocketType.STREAM);
            s.bind(0);
            held.add(s);
            ports.append(i == 0 ? "" : ",").append(s.localPort());
        }
        say("PORTS " + ports);
        awaitLine(in, "CLOSE");
        for (ArraySocket s : held) {
            s.close();
        }
        say("CLOSED");
    }

    /** {@code cycles} times: connect, send {@code bytes}, read the echo, close. */
    private static void cycles(StorageArray array, BufferedReader in, int port, int cycles) throws Exception {
        awaitGo(in);
        ByteBuffer out = ByteBuffer.allocateDirect(1024);
        ByteBuffer back = ByteBuffer.allocateDirect(2048);
        for (int i = 0; i < cycles; i++) {
            try (ArraySocket s = array.openSocket(SocketType.STREAM)) {
                s.setSendBufferSize(4096);
                s.setReceiveBufferSize(4096);
                s.connect(port);
                out.clear().putInt(0, i);
                s.send(out);
                s.shutdownOutput();
                back.clear();
                while (s.receive(back) >= 0) {
                    // until the echo ends
                }
                if (back.position() != 1024 || back.getInt(0) != i) {
                    throw new IllegalStateException("cycle " + i + ": echo of " + back.position() + " bytes, id " + back.getInt(0));
                }
            }
        }
        say("CYCLES " + cycles);
        awaitLine(in, "EXIT");
    }

    private static void awaitLine(BufferedReader in, String expected) throws Exception {
        String line = in.readLine();
        if (!expected.equals(line)) {
            throw new IllegalStateException("expected " + expected + ", got " + line);
        }
    }

    /** Connects to {@code port}, says CONNECTED, then sends forever (or, if not {@code send}, never reads). */
    private static void streamForever(StorageArray array, int port, boolean send) throws Exception {
        ArraySocket s = array.openSocket(SocketType.STREAM);
        s.connect(port);
        say("CONNECTED " + array.nodeSlot());
        ByteBuffer buf = ByteBuffer.allocateDirect(64 * 1024);
        try {
            while (true) {
                if (send) {
                    s.send(buf.clear());
                } else {
                    Thread.sleep(1000);
                }
            }
        } catch (java.io.IOException e) {
            say("FAILED " + e.getClass().getSimpleName() + " " + e.getMessage() + causes(e));
            System.exit(3);
        }
    }

    /** Connects to {@code port} without a key, with {@code wrongHex}, then with {@code rightHex}; says how each went. */
    private static void authConnects(StorageArray array, int port, String wrongHex, String rightHex) throws Exception {
        for (String key : new String[] {null, wrongHex, rightHex}) {
            try (ArraySocket s = array.openSocket(SocketType.STREAM)) {
                if (key != null) {
                    s.setAuthenticationKey(HexFormat.of().parseHex(key));
                }
                s.connect(port, java.time.Duration.ofSeconds(10));
                s.send(ByteBuffer.wrap(new byte[] {42}));
                say("AUTH connected");
            } catch (java.net.ConnectException e) {
                say("AUTH refused " + e.getMessage());
            }
        }
    }

    /** Listens on {@code port} with {@code backlog} and never accepts, until EXIT. */
    private static void listenOnly(StorageArray array, BufferedReader in, int port, int backlog) throws Exception {
        try (ArraySocket s = array.openSocket(SocketType.STREAM)) {
            s.bind(port);
            s.listen(backlog);
            say("LISTENING " + s.localPort());
            awaitLine(in, "EXIT");
        }
    }
}
