package io.arraysock.socket;

import io.arraysock.api.IdleStrategy;
import io.arraysock.format.ControlBlockHeader;
import io.arraysock.medium.RingPolicy;

import java.net.SocketException;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static io.arraysock.format.ControlBlockDescriptor.FLAG_AUTH_REQUIRED;
import static io.arraysock.format.ControlBlockDescriptor.FLAG_CHECKSUMMED;
import static io.arraysock.format.ControlBlockDescriptor.FLAG_ENCRYPTED;
import static io.arraysock.format.ControlBlockDescriptor.MAX_RING_CAPACITY;
import static io.arraysock.format.ControlBlockDescriptor.MIN_RING_CAPACITY;
import static io.arraysock.format.ControlBlockDescriptor.STATE_LISTENING;

/**
 * One socket's settings ({@link SocketCore#options()}): how it waits, its receive timeout,
 * the ring sizes it asks for at connect, its pre-shared key, whether it requires
 * encryption and whether it checksums payload. Once connected, the buffer sizes and encryption read as the connection has
 * them. Read by the data paths on every wait, so each field is volatile: any thread may
 * change them. A listener's settings seed its accepted sockets'. Internal: the public face
 * is {@code io.arraysock.ArraySocket}.
 */
public final class SocketOptions {
    private volatile IdleStrategy idle;
    private volatile long receiveTimeoutNanos;
    private volatile int sendBufferSize;
    private volatile int receiveBufferSize;
    /** The medium's: its default ring size and whether it frames chunks (which encryption needs). */
    private final RingPolicy policy;
    /** The medium's path, for messages. */
    private final String medium;
    /** Kept only in memory, never on the medium. */
    private volatile byte[] authKey;
    /** Listener: connects must encrypt; client: connect only to a listener that encrypts. */
    private volatile boolean encryption;
    /**
     * The one rule of the settings a listen or connect reads (the key, encryption, payload
     * checksums): they stay as that call found them while it uses them. While listening, all
     * three; from the start of a connect on (until it fails or the socket closes), the
     * checksums (the connection's rings are framed by them). Guarded by this.
     */
    private boolean listening;
    /** A connect is under way or done: see {@link #listening}. Guarded by this. */
    private boolean connecting;
    /** Set once connected: the sizes and encryption it has. */
    private volatile Connection connection;
    /** Listener: its connections checksum every chunk; client: this connection does (shm; always on block). */
    private volatile boolean checksums;

    /** @param medium the medium's path, for messages */
    SocketOptions(IdleStrategy idle, RingPolicy policy, String medium) {
        this.idle = idle;
        this.policy = policy;
        this.medium = medium;
        this.sendBufferSize = policy.defaultRingSize();
        this.receiveBufferSize = policy.defaultRingSize();
    }

    /** The settings an accepted socket inherits from its listener: how to wait and the receive timeout. */
    SocketOptions inheritedBy() {
        SocketOptions o = new SocketOptions(idle, policy, medium);
        o.receiveTimeoutNanos = receiveTimeoutNanos;
        return o;
    }

    public IdleStrategy idleStrategy() {
        return idle;
    }

    public void idleStrategy(IdleStrategy strategy) {
        this.idle = Objects.requireNonNull(strategy, "strategy");
    }

    long receiveTimeoutNanos() {
        return receiveTimeoutNanos;
    }

    /** SO_TIMEOUT: 0 waits forever. */
    public void receiveTimeout(long millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("timeout must not be negative: " + millis);
        }
        this.receiveTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(millis);
    }

    public long receiveTimeoutMillis() {
        return TimeUnit.NANOSECONDS.toMillis(receiveTimeoutNanos);
    }

    /** The ring this side allocates for sending; takes effect at connect or, for a listener, for accepted sockets. */
    public void sendBufferSize(int bytes) {
        this.sendBufferSize = checkBufferSize(bytes);
    }

    /** As set; once connected, the capacity of the ring we send into. */
    public int sendBufferSize() {
        Connection c = connection;
        return c == null ? sendBufferSize : (int) Math.min(Integer.MAX_VALUE, c.producer.capacity());
    }

    /** The ring size asked of the peer at connect. */
    public void receiveBufferSize(int bytes) {
        this.receiveBufferSize = checkBufferSize(bytes);
    }

    /** As set; once connected, the capacity of the ring the peer sends into. */
    public int receiveBufferSize() {
        Connection c = connection;
        return c == null ? receiveBufferSize : (int) Math.min(Integer.MAX_VALUE, c.consumer.capacity());
    }

    byte[] authKey() {
        return authKey;
    }

    /**
     * A pre-shared key: a listener with a key refuses connects that cannot prove it; a
     * client proves it to a listener that asks. Null removes it. Kept only in memory.
     *
     * @throws SocketException when listening already
     */
    public synchronized void authenticationKey(byte[] key) throws SocketException {
        checkUnfixed("the key", false);
        if (key != null && key.length < 16) {
            throw new IllegalArgumentException("a key needs at least 16 bytes, got " + key.length);
        }
        this.authKey = key == null ? null : key.clone();
    }

    /** Whether the connection is encrypted (connected), or this socket requires it (not yet). */
    public boolean encryption() {
        Connection c = connection;
        return c != null ? c.encrypted : encryption;
    }

    /**
     * Requires authenticated encryption of the payload (AES-GCM, keyed per connection from
     * the pre-shared key; docs/SECURITY.md): a listener then takes only connects that
     * encrypt, and a client connects only to a listener that does (one that does without
     * this setting encrypts too). Block medium only; a listener needs the key as well.
     *
     * @throws SocketException on the shm medium, which has no chunk framing to carry the
     *     tags; or when listening already
     */
    public synchronized void encryption(boolean required) throws SocketException {
        if (required && !policy.chunked()) {
            throw new SocketException("Encryption needs the block medium's chunk framing; " + medium
                    + " is a shm segment (its payload travels unframed)");
        }
        checkUnfixed("encryption", false);
        this.encryption = required;
    }

    /** Whether listen may go ahead: encryption needs a key. */
    void checkListenable() throws SocketException {
        if (encryption && authKey == null) {
            throw new SocketException("Encryption needs a pre-shared key: set the authentication key before listen");
        }
    }

    /** From here until {@link #stoppedListening} the key and encryption stay as they are now. */
    synchronized void listening() throws SocketException {
        checkListenable();
        listening = true;
    }

    synchronized void stoppedListening() {
        listening = false;
    }

    /** Whether this socket asks for payload checksums (what listen and connect read). */
    boolean checksumsAsked() {
        return checksums;
    }

    /** Whether the connection's payload is checksummed (connected; always on block), or this socket asks for it (not yet). */
    public boolean checksums() {
        Connection c = connection;
        return c != null ? c.checksummed : checksums || policy.chunked();
    }

    /**
     * Asks for a CRC32C on every chunk of payload (docs/PROTOCOL.md, "Payload checksums"): on
     * a listener, for each of its connections (clients follow); on a client, for its own
     * connection. On shm the connection's rings then hold checksummed chunk records, as on
     * the block medium, where every chunk is checked anyway (the setting changes nothing).
     *
     * @throws SocketException when listening already, or connecting or connected
     */
    public synchronized void checksums(boolean on) throws SocketException {
        checkUnfixed("payload checksums", true);
        this.checksums = on;
    }

    /**
     * A listening block ({@code h}, LISTENING with {@code backlog}) with the terms these
     * settings set for its connects: payload checksums if asked; with a key, authentication
     * required (a fresh nonce for the proofs) and encryption if required.
     */
    ControlBlockHeader listenerTerms(ControlBlockHeader h, int backlog) {
        if (checksums) {
            h = h.withFlags(h.flags() | FLAG_CHECKSUMMED);
        }
        if (authKey != null) {
            int flags = h.flags() | FLAG_AUTH_REQUIRED | (encryption() ? FLAG_ENCRYPTED : 0);
            h = h.withFlags(flags).withPeer(STATE_LISTENING, 0, 0, 0, 0, 0, ThreadLocalRandom.current().nextLong(), 0, 0, backlog);
        }
        return h;
    }

    /** Largest message a seqpacket socket of these settings would send through a ring of {@code capacity} bytes. */
    int maxMessage(long capacity) {
        return RingProducer.maxMessage(capacity, checksums ? policy.checksummed() : policy, encryption());
    }

    /** A connect starts ({@code true}), or ended without a connection: see {@link #listening}. */
    synchronized void connecting(boolean underWay) {
        connecting = underWay;
    }

    /** The rule of {@link #listening}: {@code byConnect}, whether a connect fixes the setting too. */
    private void checkUnfixed(String setting, boolean byConnect) throws SocketException {
        if (listening) {
            throw new SocketException("Set " + setting + " before listen");
        }
        if (byConnect && (connecting || connection != null)) {
            throw new SocketException("Set " + setting + " before connect");
        }
    }

    /** The socket connected: the buffer sizes and encryption are the connection's from now on. */
    void connected(Connection c) {
        this.connection = c;
    }

    private static int checkBufferSize(int bytes) {
        if (bytes < MIN_RING_CAPACITY || bytes > MAX_RING_CAPACITY) {
            throw new IllegalArgumentException("buffer size must be in " + MIN_RING_CAPACITY + ".." + MAX_RING_CAPACITY + ": " + bytes);
        }
        return bytes;
    }
}
