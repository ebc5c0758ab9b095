package io.arraysock.socket;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
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
 * cannot reuse it for a connect of its own.
 */
final class ConnectProof {
    private static final String ALGORITHM = "HmacSHA256";

    private ConnectProof() {
    }

    /** One end of the connect: a block's identity. */
    record Identity(int slot, int index, int generation, long incarnation) {
    }

    static byte[] tag(byte[] key, long listenerNonce, Identity listener, Identity client, long clientNonce) {
        ByteBuffer message = ByteBuffer.allocate(8 + 2 * 20 + 8)
                .putLong(listenerNonce)
                .putInt(listener.slot).putInt(listener.index).putInt(listener.generation).putLong(listener.incarnation)
                .putInt(client.slot).putInt(client.index).putInt(client.generation).putLong(client.incarnation)
                .putLong(clientNonce)
                .flip();
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
            mac.update(message);
            return Arrays.copyOf(mac.doFinal(), AUTH_TAG_LENGTH);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available in this JDK", e);
        }
    }

    static boolean verify(byte[] key, long listenerNonce, Identity listener, Identity client, long clientNonce, byte[] tag) {
        return MessageDigest.isEqual(tag(key, listenerNonce, listener, client, clientNonce), tag);
    }
}
