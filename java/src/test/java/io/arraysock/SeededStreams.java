package io.arraysock;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
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
        String sha = digest(seed, total, ByteBuffer.allocateDirect(CHUNK), s::send);
        s.shutdownOutput();
        return sha;
    }

    /**
     * Sends {@code total} seeded bytes by gathering sends, each chunk cut into buffers of
     * uneven sizes (empty ones among them, one a heap copy), then ends the stream; returns
     * their SHA-256. {@code now}: non-blocking sends, retried until each array is through.
     */
    static String sendSeededGathered(ArraySocket s, long seed, long total, boolean now) throws Exception {
        int[] cuts = {1, 0, 7, 64, 300, 0, 4000, 61, 1024, 9000};
        String sha = digest(seed, total, ByteBuffer.allocateDirect(CHUNK), chunk -> {
            List<ByteBuffer> parts = new ArrayList<>();
            for (int at = chunk.position(), i = 0; at < chunk.limit(); i++) {
                int n = Math.min(cuts[i % cuts.length], chunk.limit() - at);
                ByteBuffer part = chunk.slice(at, n);
                if (i % cuts.length == 3) {
                    part = ByteBuffer.allocate(n).put(part).flip();
                }
                parts.add(part);
                at += n;
            }
            ByteBuffer[] array = parts.toArray(ByteBuffer[]::new);
            long want = chunk.remaining();
            long sent = 0;
            while (sent < want) {
                sent += now ? s.sendNow(array, 0, array.length) : s.send(array);
            }
            if (sent != want) {
                throw new AssertionError("sent " + sent + " of " + want);
            }
        });
        s.shutdownOutput();
        return sha;
    }

    /**
     * Sends {@code total} seeded bytes through zero-copy claims of uneven sizes, every seventh
     * first claimed, scribbled on and aborted, then ends the stream; returns their SHA-256.
     * {@code now}: {@code tryClaim}, retried until it claims.
     */
    static String sendSeededClaimed(ArraySocket s, long seed, long total, boolean now) throws Exception {
        int[] cuts = {1, 0, 7, 64, 300, 4000, 61, 1024, 9000, 65536, 13};
        SendClaim claim = new SendClaim();
        int[] piece = {0};
        String sha = digest(seed, total, ByteBuffer.allocateDirect(CHUNK), chunk -> {
            while (chunk.hasRemaining()) {
                int i = piece[0]++;
                int n = Math.min(cuts[i % cuts.length], chunk.remaining());
                if (i % 7 == 0) {
                    claim(s, n, claim, now);
                    ByteBuffer junk = claim.buffer();
                    while (junk.hasRemaining()) {
                        junk.put((byte) 0x5a);
                    }
                    claim.abort();
                }
                claim(s, n, claim, now);
                ByteBuffer into = claim.buffer();
                if (into.remaining() != n) {
                    throw new AssertionError("claimed " + n + " bytes, the buffer holds " + into.remaining());
                }
                into.put(chunk.slice(chunk.position(), n));
                chunk.position(chunk.position() + n);
                claim.commit();
            }
        });
        s.shutdownOutput();
        return sha;
    }

    /** A blocking claim, or ({@code now}) tryClaim until it claims. */
    static void claim(ArraySocket s, int n, SendClaim claim, boolean now) throws Exception {
        if (!now) {
            s.claim(n, claim);
            return;
        }
        while (!s.tryClaim(n, claim)) {
            Thread.onSpinWait();
        }
    }

    /**
     * Receives until end of stream by zero-copy polls of at most {@code limit} bytes each;
     * returns "count sha256".
     */
    static String receiveAllPolled(ArraySocket s, int limit) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        long[] handed = {0};
        io.arraysock.api.ReceiveHandler handler = data -> {
            if (!data.isReadOnly()) {
                throw new AssertionError("a handler's view must be read-only");
            }
            handed[0] += data.remaining();
            sha.update(data);
        };
        long count = 0;
        for (int n; (n = s.poll(handler, limit)) >= 0; ) {
            if (n > limit) {
                throw new AssertionError("a poll of at most " + limit + " handed " + n);
            }
            count += n;
            if (count != handed[0]) {
                throw new AssertionError("poll said " + count + " bytes in all, the handler saw " + handed[0]);
            }
            if (n == 0) {
                Thread.yield();
            }
        }
        return count + " " + HexFormat.of().formatHex(sha.digest());
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

    /**
     * Receives until end of stream by scattering receives into buffers of uneven sizes (an empty
     * one and a heap one among them); returns "count sha256". {@code now}: non-blocking ones.
     */
    static String receiveAllScattered(ArraySocket s, boolean now) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        int[] sizes = {5, 0, 700, 64, 4096, 1, 30_000};
        ByteBuffer[] parts = new ByteBuffer[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            parts[i] = i == 3 ? ByteBuffer.allocate(sizes[i]) : ByteBuffer.allocateDirect(sizes[i]);
        }
        long count = 0;
        while (true) {
            for (ByteBuffer b : parts) {
                b.clear();
            }
            long n = now ? s.receiveNow(parts, 0, parts.length) : s.receive(parts);
            if (n < 0) {
                break;
            }
            long filled = 0;
            for (ByteBuffer b : parts) {
                b.flip();
                filled += b.remaining();
                sha.update(b);
            }
            if (filled != n) {
                throw new AssertionError("receive said " + n + " bytes, the buffers hold " + filled);
            }
            count += n;
            if (now && n == 0) {
                Thread.onSpinWait();
            }
        }
        return count + " " + HexFormat.of().formatHex(sha.digest());
    }

    /** The SHA-256 of the first {@code total} bytes of the stream seeded with {@code seed}. */
    static String expectedSha(long seed, long total) throws Exception {
        return digest(seed, total, ByteBuffer.allocate(CHUNK), chunk -> { });
    }

    /** What is done with each chunk of a seeded stream (it may consume the buffer). */
    @FunctionalInterface
    private interface ChunkSink {
        void take(ByteBuffer chunk) throws Exception;
    }

    /** Hands the first {@code total} bytes of the stream seeded with {@code seed} to {@code sink} chunk by chunk; returns their SHA-256. */
    private static String digest(long seed, long total, ByteBuffer buf, ChunkSink sink) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        SplittableRandom random = new SplittableRandom(seed);
        for (long done = 0; done < total; ) {
            fill(random, buf);
            buf.limit((int) Math.min(buf.capacity(), total - done));
            done += buf.remaining();
            sha.update(buf.duplicate());
            sink.take(buf);
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
