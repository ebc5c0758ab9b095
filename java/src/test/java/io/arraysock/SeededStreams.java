package io.arraysock;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.SplittableRandom;

/** Seeded byte streams both sides of a cross-process test can produce and check by SHA-256. */
final class SeededStreams {
    private static final int CHUNK = 64 * 1024;

    private SeededStreams() {
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
        ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK);
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
        ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK);
        long count = 0;
        for (int n; (n = s.receive(buf.clear())) >= 0; ) {
            buf.flip();
            sha.update(buf);
            count += n;
        }
        return count + " " + HexFormat.of().formatHex(sha.digest());
    }

    /** The SHA-256 of the first {@code total} bytes of the stream seeded with {@code seed}. */
    static String expectedSha(long seed, long total) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        SplittableRandom random = new SplittableRandom(seed);
        ByteBuffer buf = ByteBuffer.allocate(CHUNK);
        for (long done = 0; done < total; ) {
            fill(random, buf);
            buf.limit((int) Math.min(buf.capacity(), total - done));
            done += buf.remaining();
            sha.update(buf);
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
