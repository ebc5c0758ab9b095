package io.arraysock;

import io.arraysock.api.SocketType;
import io.arraysock.testkit.ShmSegments;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.SocketException;
import java.nio.ByteBuffer;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

/** {@link ArraySocket#abort}: a close with reset, as SO_LINGER 0 in TCP, against {@link ArraySocket#close}'s clean end. */
class SocketAbortTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    @RegisterExtension
    final ShmSegments segments = new ShmSegments();

    private StorageArray array() throws Exception {
        String path = segments.format(StorageArrayTest.SMALL.withArenaSize(1 << 20));
        return StorageArray.attach(path);
    }

    /** Receives until end of stream or failure: the bytes, or the failure thrown. */
    private static int drain(ArraySocket s) throws Exception {
        ByteBuffer in = ByteBuffer.allocate(64);
        int total = 0;
        while (true) {
            int n = s.receive(in.clear());
            if (n < 0) {
                return total;
            }
            total += n;
        }
    }

    /** What a test does with a connection ({@code client} to {@code accepted}) that carried three bytes. */
    private interface Connected {
        void run(ArraySocket client, ArraySocket accepted) throws Exception;
    }

    /** A connection on a fresh array over {@code port}: {@code test} once the client sent three bytes. */
    private void afterThreeBytes(int port, Connected test) throws Exception {
        try (StorageArray a = array(); ArraySocket server = ArrayFixture.listener(a, SocketType.STREAM, port, 4);
             ArraySocket client = a.openSocket(SocketType.STREAM)) {
            client.connect(port, WAIT);
            try (ArraySocket accepted = server.accept(WAIT)) {
                accepted.setReceiveTimeout(WAIT);
                client.send(ByteBuffer.wrap(new byte[] {1, 2, 3}));
                test.run(client, accepted);
            }
        }
    }

    @Test
    void thePeerOfAnAbortedSocketSeesAResetNotAnEnd() throws Exception {
        afterThreeBytes(7100, (client, accepted) -> {
            client.abort();
            assertTrue(client.isClosed());
            SocketException e = assertThrows(SocketException.class, () -> drain(accepted));
            assertTrue(e.getMessage().startsWith("Connection reset"), e.getMessage());
            client.abort(); // idempotent
        });
    }

    @Test
    void aCleanCloseIsAnEndOfStream() throws Exception {
        afterThreeBytes(7101, (client, accepted) -> {
            client.close();
            assertEquals(3, drain(accepted));
            client.abort(); // after close: nothing more
        });
    }
}
