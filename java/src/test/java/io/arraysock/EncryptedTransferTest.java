package io.arraysock;

import io.arraysock.api.SocketType;
import io.arraysock.testkit.ChildJvm;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An encrypted connection across processes on the block pairs (the child JVM in its own
 * network namespace, with its own device node): 64 MiB through AES-GCM chunks, checked by
 * SHA-256 against what the sender sent and what the seed says.
 */
class EncryptedTransferTest {
    private static final Duration START = Duration.ofSeconds(30);
    private static final long BYTES = 64L << 20;
    private static final byte[] KEY = HexFormat.of().parseHex("8899aabbccddeeff00112233445566778899aabbccddeeff");

    @ParameterizedTest
    @EnumSource(value = ArrayFixture.Kind.class, names = {"LOOP_PAIR", "NBD_PAIR"})
    void sixtyFourMebibytesThroughAnEncryptedConnection(ArrayFixture.Kind kind) throws Exception {
        try (ArrayFixture f = ArrayFixture.create(kind, ArrayFixture.small());
             StorageArray array = f.attach();
             ArraySocket listener = ArrayFixture.listener(array, SocketType.STREAM, 7300, 1, l -> {
                 l.setAuthenticationKey(KEY);
                 l.setEncryptionRequired(true);
             });
             ChildJvm child = f.peer(new EncryptedSenderPeer(7300, 5, BYTES, KEY))) {
            ArrayFixture.go(child, START);
            try (ArraySocket s = listener.accept(START)) {
                assertTrue(s.isEncrypted(), "the accepted connection is encrypted");
                assertEquals("true", child.expect("ENCRYPTED", START), child.describe());
                String received = SeededStreams.receiveAll(s);
                String sent = child.expect("SENT", Duration.ofMinutes(2));
                assertEquals(BYTES + " " + sent, received, child.describe());
                assertEquals(SeededStreams.expectedSha(5, BYTES), sent, "the sender sent the seeded stream");
            }
            child.expect("DONE", START);
        }
    }
}
