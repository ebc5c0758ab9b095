package io.arraysock.bench;

import io.arraysock.ArraySocket;
import io.arraysock.SendClaim;
import io.arraysock.StorageArray;
import io.arraysock.api.IdleStrategy;
import io.arraysock.api.SocketType;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The few operations the cross-process benchmark needs, over each transport it compares, so
 * one driver measures them all the same way: blocking stream sockets, direct buffers.
 */
interface Net extends Closeable {
    /** How long a client keeps retrying while the server is not listening yet. */
    Duration CONNECT_PATIENCE = Duration.ofSeconds(20);

    Listener listen() throws IOException;

    Conn connect() throws IOException;

    interface Listener extends Closeable {
        Conn accept() throws IOException;
    }

    interface Conn extends Closeable {
        /** Writes all of {@code src}. */
        void write(ByteBuffer src) throws IOException;

        /** Reads at least one byte, or returns -1 at end of stream. */
        int read(ByteBuffer dst) throws IOException;

        void shutdownOutput() throws IOException;

        /** Messages per write of a batching transport (a gathering send of that many buffers); 1 otherwise. */
        default int batch() {
            return 1;
        }

        /** Writes all of every buffer, in order: one gathering send where the transport has one. */
        default void write(ByteBuffer[] srcs) throws IOException {
            for (ByteBuffer b : srcs) {
                write(b);
            }
        }

        /** Reads at least one byte into the buffers, in order (a scattering receive where there is one); -1 at end. */
        default long read(ByteBuffer[] dsts) throws IOException {
            return read(dsts[0]);
        }

        default void readFully(ByteBuffer dst) throws IOException {
            while (dst.hasRemaining()) {
                if (read(dst) < 0) {
                    throw new EOFException("peer closed after " + dst.position() + " bytes");
                }
            }
        }
    }

    /**
     * Opens a transport by its name: {@code shm-spin}, {@code shm-block}, {@code block},
     * {@code block-block} (arraysock on the array at {@code where}, busy-spinning or blocking),
     * {@code block-aes}, {@code block-aes-block} (the same, encrypted: a pre-shared key and
     * encryption required on listener and client), {@code shm-crc}, {@code shm-crc-block} (shm
     * with payload checksums on listener and client), {@code tcp} (port {@code where}), {@code uds}
     * (socket file {@code where}).
     */
    static Net open(String transport, String where) throws IOException {
        return switch (transport) {
            case "shm-spin", "block" -> new ArraysockNet(StorageArray.attach(where), IdleStrategy.busySpin());
            // busy-spin, each write a gathering send of 16 messages and each read a scattering receive (issue 14)
            case "shm-batch" -> new ArraysockNet(StorageArray.attach(where), IdleStrategy.busySpin(), null, false, 16);
            // busy-spin through the zero-copy calls: each write a claim filled and committed, each read a poll
            // whose handler reads the bytes in place (issue 14)
            case "shm-zc" -> new ArraysockNet(StorageArray.attach(where), IdleStrategy.busySpin(), null, false, ArraysockNet.ZERO_COPY);
            case "shm-block", "block-block" -> new ArraysockNet(StorageArray.attach(where), IdleStrategy.blocking());
            // block with authenticated encryption (AES-GCM chunks): its cost beside "block" and "block-block"
            case "block-aes" -> new ArraysockNet(StorageArray.attach(where), IdleStrategy.busySpin(), ArraysockNet.BENCH_KEY);
            case "block-aes-block" -> new ArraysockNet(StorageArray.attach(where), IdleStrategy.blocking(),
                    ArraysockNet.BENCH_KEY);
            // shm with payload checksums (CRC32C chunk records, issue 11): their cost beside "shm-spin" and "shm-block"
            case "shm-crc" -> new ArraysockNet(StorageArray.attach(where), IdleStrategy.busySpin(), null, true);
            case "shm-crc-block" -> new ArraysockNet(StorageArray.attach(where), IdleStrategy.blocking(), null, true);
            // blocking without the spin phase: sleeps at once, like a JDK socket
            case "shm-block0" -> new ArraysockNet(StorageArray.attach(where), IdleStrategy.blocking(0));
            case "tcp" -> new NioNet(new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(where)),
                    StandardProtocolFamily.INET, null);
            case "uds" -> new NioNet(UnixDomainSocketAddress.of(where), StandardProtocolFamily.UNIX, Path.of(where));
            default -> throw new IllegalArgumentException("unknown transport " + transport);
        };
    }

    /** arraysock stream sockets on a fixed port of one array. */
    final class ArraysockNet implements Net {
        static final int PORT = 7001;
        /** The batch that means the zero-copy calls instead of sends and receives. */
        static final int ZERO_COPY = 0;
        private final StorageArray array;
        /** The benchmark's pre-shared key: fixed, so both processes have it (it protects nothing but the measurement). */
        static final byte[] BENCH_KEY = "arraysock bench key (not secret)".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        private final IdleStrategy idle;
        /** Both ends ask for payload checksums (shm: CRC32C chunk records). */
        private final boolean checksums;
        /** With a key: both ends set it and require encryption. */
        private final byte[] key;
        /** Messages per gathering send (and buffers per scattering receive); 1: plain sends. */
        private final int batch;

        ArraysockNet(StorageArray array, IdleStrategy idle) {
            this(array, idle, null);
        }

        ArraysockNet(StorageArray array, IdleStrategy idle, byte[] key) {
            this(array, idle, key, false);
        }

        ArraysockNet(StorageArray array, IdleStrategy idle, byte[] key, boolean checksums) {
            this(array, idle, key, checksums, 1);
        }

        ArraysockNet(StorageArray array, IdleStrategy idle, byte[] key, boolean checksums, int batch) {
            this.batch = batch;
            this.checksums = checksums;
            this.array = array;
            this.idle = idle;
            this.key = key;
            array.setIdleStrategy(idle);
        }

        private void secure(ArraySocket s) throws IOException {
            if (checksums) {
                s.setPayloadChecksums(true);
            }
            if (key != null) {
                s.setAuthenticationKey(key);
                s.setEncryptionRequired(true);
            }
        }

        @Override
        public Listener listen() throws IOException {
            ArraySocket l = array.openSocket(SocketType.STREAM);
            l.setIdleStrategy(idle);
            secure(l);
            l.bind(PORT);
            l.listen(64);
            return new Listener() {
                @Override
                public Conn accept() throws IOException {
                    return wrap(l.accept());
                }

                @Override
                public void close() {
                    l.close();
                }
            };
        }

        @Override
        public Conn connect() throws IOException {
            long deadline = System.nanoTime() + CONNECT_PATIENCE.toNanos();
            while (true) {
                ArraySocket s = array.openSocket(SocketType.STREAM);
                s.setIdleStrategy(idle);
                try {
                    secure(s);
                    s.connect(PORT, CONNECT_PATIENCE);
                    return wrap(s);
                } catch (ConnectException e) {
                    s.close();
                    if (System.nanoTime() > deadline) {
                        throw e;
                    }
                    sleepBriefly();
                }
            }
        }

        private Conn wrap(ArraySocket s) {
            s.setIdleStrategy(idle);
            return batch == ZERO_COPY ? new ZeroCopyConn(s) : new SocketConn(s, batch);
        }

        @Override
        public void close() throws IOException {
            array.close();
        }

        /** An arraysock connection: sends and receives, gathering and scattering ones for a batch above 1. */
        private static class SocketConn implements Conn {
            final ArraySocket s;
            private final int batch;

            SocketConn(ArraySocket s, int batch) {
                this.s = s;
                this.batch = batch;
            }

            @Override
            public void write(ByteBuffer src) throws IOException {
                s.send(src);
            }

            @Override
            public int read(ByteBuffer dst) throws IOException {
                return s.receive(dst);
            }

            @Override
            public int batch() {
                return batch;
            }

            @Override
            public void write(ByteBuffer[] srcs) throws IOException {
                s.send(srcs);
            }

            @Override
            public long read(ByteBuffer[] dsts) throws IOException {
                return s.receive(dsts);
            }

            @Override
            public void shutdownOutput() throws IOException {
                s.shutdownOutput();
            }

            @Override
            public void close() {
                s.close();
            }
        }

        /**
         * A connection through the zero-copy calls: a write claims its bytes, puts them into the
         * claimed buffer (the ring itself on shm) and commits; a read polls with a handler that
         * reads every byte in place (a long at a time, as a parser would look at them).
         */
        private static final class ZeroCopyConn extends SocketConn {
            private final SendClaim claim = new SendClaim();
            private long seen;
            private final io.arraysock.api.ReceiveHandler reader = data -> {
                long sum = 0;
                int i = data.position();
                for (int end = data.limit() - Long.BYTES; i <= end; i += Long.BYTES) {
                    sum += data.getLong(i);
                }
                for (; i < data.limit(); i++) {
                    sum += data.get(i);
                }
                seen += sum;
            };

            ZeroCopyConn(ArraySocket s) {
                super(s, 1);
            }

            @Override
            public void write(ByteBuffer src) throws IOException {
                s.claim(src.remaining(), claim);
                claim.buffer().put(src);
                claim.commit();
            }

            @Override
            public int read(ByteBuffer dst) throws IOException {
                int n;
                while ((n = s.poll(reader, dst.remaining())) == 0) {
                    Thread.onSpinWait(); // poll never waits
                }
                if (n > 0) {
                    dst.position(dst.position() + n); // the bytes were looked at in place, not copied
                }
                return n;
            }

            @Override
            public String toString() {
                return "zero-copy " + s + " (read sum " + seen + ")";
            }
        }
    }

    /** The JDK's blocking SocketChannel over TCP loopback (TCP_NODELAY) or a Unix-domain socket. */
    final class NioNet implements Net {
        private final SocketAddress address;
        private final StandardProtocolFamily family;
        private final Path socketFile;

        NioNet(SocketAddress address, StandardProtocolFamily family, Path socketFile) {
            this.address = address;
            this.family = family;
            this.socketFile = socketFile;
        }

        @Override
        public Listener listen() throws IOException {
            if (socketFile != null) {
                Files.deleteIfExists(socketFile);
            }
            ServerSocketChannel server = ServerSocketChannel.open(family);
            if (family == StandardProtocolFamily.INET) {
                server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            }
            server.bind(address, 64);
            return new Listener() {
                @Override
                public Conn accept() throws IOException {
                    return wrap(server.accept());
                }

                @Override
                public void close() throws IOException {
                    server.close();
                }
            };
        }

        @Override
        public Conn connect() throws IOException {
            long deadline = System.nanoTime() + CONNECT_PATIENCE.toNanos();
            while (true) {
                SocketChannel ch = SocketChannel.open(family);
                try {
                    ch.connect(address);
                    return wrap(ch);
                } catch (ConnectException | java.nio.file.NoSuchFileException e) {
                    ch.close();
                    if (System.nanoTime() > deadline) {
                        throw e;
                    }
                    sleepBriefly();
                } catch (IOException e) {
                    ch.close();
                    if (System.nanoTime() > deadline || socketFile == null) {
                        throw e;
                    }
                    sleepBriefly();
                }
            }
        }

        private Conn wrap(SocketChannel ch) throws IOException {
            if (family == StandardProtocolFamily.INET) {
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            }
            return new Conn() {
                @Override
                public void write(ByteBuffer src) throws IOException {
                    while (src.hasRemaining()) {
                        ch.write(src);
                    }
                }

                @Override
                public int read(ByteBuffer dst) throws IOException {
                    return ch.read(dst);
                }

                @Override
                public void shutdownOutput() throws IOException {
                    ch.shutdownOutput();
                }

                @Override
                public void close() throws IOException {
                    ch.close();
                }
            };
        }

        @Override
        public void close() throws IOException {
            if (socketFile != null) {
                Files.deleteIfExists(socketFile);
            }
        }
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
