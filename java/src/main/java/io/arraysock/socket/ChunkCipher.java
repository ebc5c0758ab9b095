package io.arraysock.socket;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;

import static io.arraysock.format.ChunkDescriptor.CRC_OFFSET;
import static io.arraysock.format.ChunkDescriptor.HEADER_LENGTH;
import static io.arraysock.format.ChunkDescriptor.TAG_LENGTH;

/**
 * Encrypts (or checks and decrypts) chunk payloads of one direction of an encrypted
 * connection, in place in one chunk buffer (docs/PROTOCOL.md, "Encryption"): AES-GCM with
 * the connection's key, a 96-bit nonce of the direction ({@value #CLIENT_TO_SERVER} or
 * {@value #SERVER_TO_CLIENT}, u32 little-endian) and the chunk's ring position (u64
 * little-endian), which only grows, so no nonce repeats under a key; the associated data
 * is the chunk's header before its CRC (bytes 0..35: magic, kind, position, nonce, ring
 * offset, length); the {@value io.arraysock.format.ChunkDescriptor#TAG_LENGTH}-byte tag
 * follows the ciphertext. One {@link Cipher}, initialized afresh per chunk (GCM forbids
 * reusing a nonce, so each chunk needs an init); the payload is transformed in place, no
 * copy. What a chunk allocates is the {@link GCMParameterSpec} of its nonce and the JDK's
 * own per-init state: a few small objects per chunk (of up to 1 MiB), none per byte. Used
 * by one thread (the ring's writer, or its consumer).
 */
final class ChunkCipher {
    /** Nonce prefix of the ring the client writes. */
    static final int CLIENT_TO_SERVER = 1;
    /** Nonce prefix of the ring the server's accepted socket writes. */
    static final int SERVER_TO_CLIENT = 2;
    private static final String TRANSFORMATION = "AES/GCM/NoPadding";

    private final Cipher cipher;
    private final SecretKeySpec key;
    private final int direction;
    private final int mode;
    /** The chunk buffer, and a second view of it: GCM works in place, but not with one buffer object as both ends. */
    private final ByteBuffer buffer;
    private final ByteBuffer view;
    private final byte[] iv = new byte[12];
    private final ByteBuffer ivWriter = ByteBuffer.wrap(iv).order(ByteOrder.LITTLE_ENDIAN);
    private final byte[] aad = new byte[CRC_OFFSET];

    /**
     * @param encrypt true for the writer's cipher, false for the reader's
     * @param buffer  the chunk buffer it works in (little-endian)
     */
    ChunkCipher(byte[] key, int direction, boolean encrypt, ByteBuffer buffer) {
        try {
            this.cipher = Cipher.getInstance(TRANSFORMATION);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM is not available in this JDK", e);
        }
        this.key = new SecretKeySpec(key, "AES");
        this.direction = direction;
        this.mode = encrypt ? Cipher.ENCRYPT_MODE : Cipher.DECRYPT_MODE;
        this.buffer = buffer;
        this.view = buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Encrypts the {@code length} payload bytes of the chunk at {@code at}, whose header
     * (length field {@code length + TAG_LENGTH}) is written, and puts the tag after them.
     */
    void seal(int at, long position, int length) {
        int payload = at + HEADER_LENGTH;
        start(at, position);
        try {
            cipher.doFinal(view.limit(payload + length).position(payload),
                    buffer.limit(payload + length + TAG_LENGTH).position(payload));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM failed to encrypt a chunk", e);
        } finally {
            buffer.clear();
            view.clear();
        }
    }

    /**
     * Checks the tag of the chunk at {@code at}, whose payload field holds {@code stored}
     * bytes (ciphertext, then tag), and decrypts it in place.
     *
     * @return false when the tag does not match: the chunk was not written with this key
     *     for this direction, position and header (forged or replayed); use none of it
     */
    boolean open(int at, long position, int stored) {
        int payload = at + HEADER_LENGTH;
        start(at, position);
        try {
            cipher.doFinal(view.limit(payload + stored).position(payload),
                    buffer.limit(payload + stored - TAG_LENGTH).position(payload));
            return true;
        } catch (AEADBadTagException e) {
            return false;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM failed to decrypt a chunk", e);
        } finally {
            buffer.clear();
            view.clear();
        }
    }

    private void start(int at, long position) {
        ivWriter.putInt(0, direction).putLong(4, position);
        buffer.get(at, aad);
        try {
            cipher.init(mode, key, new GCMParameterSpec(TAG_LENGTH * Byte.SIZE, iv));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM refused its key or nonce", e);
        }
        cipher.updateAAD(aad);
    }
}
