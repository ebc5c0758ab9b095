package io.arraysock.socket;

import io.arraysock.api.IdleStrategy;

import java.util.Objects;
import java.util.concurrent.TimeUnit;

import static io.arraysock.format.ControlBlockDescriptor.MAX_RING_CAPACITY;
import static io.arraysock.format.ControlBlockDescriptor.MIN_RING_CAPACITY;

/**
 * One socket's settings: how it waits, its receive timeout, the ring sizes it asks for at
 * connect, its pre-shared key, whether it requires encryption and payload checksums. Read by the data paths on every wait, so each field is
 * volatile: any thread may change them. A listener's settings seed its accepted sockets'.
 */
final class SocketOptions {
    private volatile IdleStrategy idle;
    private volatile long receiveTimeoutNanos;
    private volatile int sendBufferSize;
    private volatile int receiveBufferSize;
    private final int defaultRingSize;
    /** Kept only in memory, never on the medium. */
    private volatile byte[] authKey;
    /** Listener: connects must encrypt; client: connect only to a listener that encrypts. */
    private volatile boolean encryption;
    /** Listener: its connections checksum every chunk; client: this connection does (shm; always on block). */
    private volatile boolean checksums;

    /** @param ringSize the medium's default ring size ({@link SocketLayer#defaultRingSize()}) */
    SocketOptions(IdleStrategy idle, int ringSize) {
        this.idle = idle;
        this.defaultRingSize = ringSize;
        this.sendBufferSize = ringSize;
        this.receiveBufferSize = ringSize;
    }

    /** The settings an accepted socket inherits from its listener: how to wait and the receive timeout. */
    SocketOptions inheritedBy() {
        SocketOptions o = new SocketOptions(idle, defaultRingSize);
        o.receiveTimeoutNanos = receiveTimeoutNanos;
        return o;
    }

    IdleStrategy idle() {
        return idle;
    }

    void idle(IdleStrategy strategy) {
        this.idle = Objects.requireNonNull(strategy, "strategy");
    }

    long receiveTimeoutNanos() {
        return receiveTimeoutNanos;
    }

    /** SO_TIMEOUT: 0 waits forever. */
    void receiveTimeoutMillis(long millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("timeout must not be negative: " + millis);
        }
        this.receiveTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(millis);
    }

    int sendBufferSize() {
        return sendBufferSize;
    }

    void sendBufferSize(int bytes) {
        this.sendBufferSize = checkBufferSize(bytes);
    }

    int receiveBufferSize() {
        return receiveBufferSize;
    }

    void receiveBufferSize(int bytes) {
        this.receiveBufferSize = checkBufferSize(bytes);
    }

    byte[] authKey() {
        return authKey;
    }

    /** Null removes the key. */
    void authKey(byte[] key) {
        if (key != null && key.length < 16) {
            throw new IllegalArgumentException("a key needs at least 16 bytes, got " + key.length);
        }
        this.authKey = key == null ? null : key.clone();
    }

    boolean encryption() {
        return encryption;
    }

    void encryption(boolean required) {
        this.encryption = required;
    }

    boolean checksums() {
        return checksums;
    }

    void checksums(boolean on) {
        this.checksums = on;
    }

    private static int checkBufferSize(int bytes) {
        if (bytes < MIN_RING_CAPACITY || bytes > MAX_RING_CAPACITY) {
            throw new IllegalArgumentException("buffer size must be in " + MIN_RING_CAPACITY + ".." + MAX_RING_CAPACITY + ": " + bytes);
        }
        return bytes;
    }
}
