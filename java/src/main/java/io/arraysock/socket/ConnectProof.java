package io.arraysock.socket;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;

import static io.arraysock.format.ControlBlockDescriptor.AUTH_TAG_LENGTH;

/**
 * The proof a client gives a listener that requires a pre-shared key: HMAC-SHA256, keyed
 * with the key, over the listener's nonce and the identities (slot, index, generation,
 * incarnation) of both blocks and the client's nonce, truncated to
 * {@value io.arraysock.format.ControlBlockDescriptor#AUTH_TAG_LENGTH} bytes. Only the tag
 * is written to the medium; since it names the client's own block, a reader of the medium
 * cannot reuse it for a connect of its own. The same inputs salt the connection's chunk
 * key ({@link #chunkKey}) when the listener requires encryption.
 */
final class ConnectProof {
    private static final String ALGORITHM = "HmacSHA256";

    private ConnectProof() {
    }

    /** One end of the connect: a block's identity. */
    record Identity(int slot, int index, int generation, long incarnation) {
    }

    static byte[] tag(byte[] key, long listenerNonce, Identity listener, Identity client, long clientNonce) {
        ByteBuffer message = message(listenerNonce, listener, client, clientNonce);
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
            mac.update(message);
            return Arrays.copyOf(mac.doFinal(), AUTH_TAG_LENGTH);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available in this JDK", e);
        }
    }

    /**
     * The connection's chunk key (docs/PROTOCOL.md, "Encryption"): HKDF-SHA256 of the
     * pre-shared key, salted with the proof's message (the listener's nonce, both blocks'
     * identities, the client's nonce: never the same for two connections), {@value #KEY_INFO}
     * as its info, {@value #CHUNK_KEY_LENGTH} bytes (AES-256). Both ends compute it; it is
     * never on the medium.
     */
    static byte[] chunkKey(byte[] key, long listenerNonce, Identity listener, Identity client, long clientNonce) {
        ByteBuffer message = message(listenerNonce, listener, client, clientNonce);
        return Hkdf.derive(key, Arrays.copyOf(message.array(), message.limit()),
                KEY_INFO.getBytes(StandardCharsets.US_ASCII), CHUNK_KEY_LENGTH);
    }

    static final String KEY_INFO = "arraysock chunk key 1";
    static final int CHUNK_KEY_LENGTH = 32;

    private static ByteBuffer message(long listenerNonce, Identity listener, Identity client, long clientNonce) {
        return ByteBuffer.allocate(8 + 2 * 20 + 8)
                .putLong(listenerNonce)
                .putInt(listener.slot).putInt(listener.index).putInt(listener.generation).putLong(listener.incarnation)
                .putInt(client.slot).putInt(client.index).putInt(client.generation).putLong(client.incarnation)
                .putLong(clientNonce)
                .flip();
    }

    static boolean verify(byte[] key, long listenerNonce, Identity listener, Identity client, long clientNonce, byte[] tag) {
        return MessageDigest.isEqual(tag(key, listenerNonce, listener, client, clientNonce), tag);
    }
}
