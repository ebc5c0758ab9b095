package io.arraysock.cli;

import io.arraysock.ArraySocket;
import io.arraysock.FormatOptions;
import io.arraysock.api.SocketType;
import io.arraysock.StorageArray;
import io.arraysock.medium.ShmMedium;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The first thing to run: formats a fresh array in /dev/shm, starts a second process, and
 * has the two talk through the array: the second listens on a well-known port, this one
 * connects and streams data, both check it with SHA-256, and the status table shows the
 * two nodes and their sockets. Needs no root. {@code scripts/demo --stream} runs it (plain
 * {@code scripts/demo} runs the LAN-free backup with the {@code arraysock} commands).
 */
public final class Demo {
    private static final int PORT = 7000;
    private static final int CHUNK = 1 << 20;

    private Demo() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length >= 2 && args[0].equals("--peer")) {
            peer(args[1]);
            return;
        }
        long bytes = (args.length >= 1 ? Long.parseLong(args[0]) : 1024) << 20;
        String path = "/dev/shm/arraysock-demo-" + ProcessHandle.current().pid();
        StorageArray.format(path, FormatOptions.defaults());
        System.out.println("formatted " + path);
        Process peer = null;
        try (StorageArray array = StorageArray.attach(path)) {
            System.out.println("this process (pid " + ProcessHandle.current().pid() + ") attached as node " + array.nodeSlot());
            peer = new ProcessBuilder(JavaCommand.of(List.of(), Demo.class, "--peer", path))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            BufferedReader fromPeer = new BufferedReader(new InputStreamReader(peer.getInputStream(), StandardCharsets.UTF_8));
            String ready = fromPeer.readLine();
            if (ready == null || !ready.startsWith("LISTENING")) {
                throw new IOException("the peer process did not start: " + ready);
            }
            System.out.println("peer process (pid " + peer.pid() + ") attached as node " + ready.split(" ")[2]
                    + " and listens on array port " + PORT);
            try (ArraySocket s = array.openSocket(SocketType.STREAM)) {
                s.setSendBufferSize(4 << 20);
                s.connect(PORT, Duration.ofSeconds(10));
                System.out.println("connected to port " + s.remotePort() + " of node " + s.remoteNode() + "; status:");
                System.out.println();
                StatusTable.print(path, System.out);
                System.out.println();
                MessageDigest sha = sha256();
                ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK);
                SplittableRandom random = new SplittableRandom(7);
                while (buf.hasRemaining()) {
                    buf.putLong(random.nextLong());
                }
                long start = System.nanoTime();
                for (long sent = 0; sent < bytes; sent += CHUNK) {
                    buf.clear();
                    sha.update(buf.duplicate());
                    s.send(buf);
                }
                s.shutdownOutput();
                ByteBuffer answer = ByteBuffer.allocate(256);
                while (s.receive(answer) >= 0) {
                    // the peer's "count sha256", then end of stream
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                String theirs = new String(answer.array(), 0, answer.position(), StandardCharsets.UTF_8);
                String mine = bytes + " " + HexFormat.of().formatHex(sha.digest());
                System.out.printf("sent %d MiB through the array in %.2f s (%.2f GB/s, hashing included)%n", bytes >> 20,
                        seconds, bytes / seconds / 1e9);
                System.out.println(theirs.equals(mine) ? "SHA-256 matches on both sides: " + mine.split(" ")[1]
                        : "MISMATCH: sent " + mine + ", peer received " + theirs);
                if (!theirs.equals(mine)) {
                    System.exit(1);
                }
            }
            if (!peer.waitFor(30, TimeUnit.SECONDS)) {
                throw new IOException("the peer process did not finish");
            }
        } finally {
            if (peer != null) {
                peer.destroyForcibly();
            }
            ShmMedium.unlink(path);
            System.out.println("removed " + path);
        }
    }

    /** The second process: listens, receives everything, answers with "count sha256". */
    private static void peer(String path) throws Exception {
        try (StorageArray array = StorageArray.attach(path);
             ArraySocket listener = array.openSocket(SocketType.STREAM)) {
            listener.bind(PORT);
            listener.listen(1);
            System.out.println("LISTENING node " + array.nodeSlot());
            System.out.flush();
            try (ArraySocket s = listener.accept(Duration.ofSeconds(30))) {
                MessageDigest sha = sha256();
                ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK);
                long count = 0;
                for (int n; (n = s.receive(buf.clear())) >= 0; ) {
                    sha.update(buf.flip());
                    count += n;
                }
                s.send(ByteBuffer.wrap((count + " " + HexFormat.of().formatHex(sha.digest())).getBytes(StandardCharsets.UTF_8)));
            }
        }
    }

    private static MessageDigest sha256() throws NoSuchAlgorithmException {
        return MessageDigest.getInstance("SHA-256");
    }
}
