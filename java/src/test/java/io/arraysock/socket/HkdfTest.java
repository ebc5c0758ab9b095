package io.arraysock.socket;

import org.junit.jupiter.api.Test;

import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** HKDF-SHA256 against RFC 5869's test vectors, and the chunk key's dependence on its inputs. */
class HkdfTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void rfc5869TestCase1() {
        byte[] okm = Hkdf.derive(HEX.parseHex("0b".repeat(22)), HEX.parseHex("000102030405060708090a0b0c"),
                HEX.parseHex("f0f1f2f3f4f5f6f7f8f9"), 42);
        assertArrayEquals(HEX.parseHex("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"), okm);
    }

    @Test
    void rfc5869TestCase3WithoutSaltOrInfo() {
        byte[] okm = Hkdf.derive(HEX.parseHex("0b".repeat(22)), new byte[0], new byte[0], 42);
        assertArrayEquals(HEX.parseHex("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"), okm);
    }

    @Test
    void everyProofInputChangesTheChunkKey() {
        byte[] psk = HEX.parseHex("00112233445566778899aabbccddeeff");
        ConnectProof.Identity l = new ConnectProof.Identity(0, 3, 7, 11);
        ConnectProof.Identity c = new ConnectProof.Identity(1, 4, 8, 12);
        byte[] k = ConnectProof.chunkKey(psk, 5, l, c, 9);
        assertArrayEquals(k, ConnectProof.chunkKey(psk, 5, l, c, 9), "both ends derive the same key");
        assertFalse(java.util.Arrays.equals(k, ConnectProof.chunkKey(psk, 5, l, c, 10)), "client nonce");
        assertFalse(java.util.Arrays.equals(k, ConnectProof.chunkKey(psk, 6, l, c, 9)), "listener nonce");
        assertFalse(java.util.Arrays.equals(k, ConnectProof.chunkKey(psk, 5, l, new ConnectProof.Identity(1, 4, 9, 12), 9)),
                "client block generation");
        assertFalse(java.util.Arrays.equals(k, ConnectProof.tag(psk, 5, l, c, 9)), "the key is not the proof on the medium");
    }
}
