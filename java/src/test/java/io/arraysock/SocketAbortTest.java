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

    @Test
    void thePeerOfAnAbortedSocketSeesAResetNotAnEnd() throws Exception {
        try (StorageArray a = array(); ArraySocket server = a.openSocket(SocketType.STREAM);
             ArraySocket client = a.openSocket(SocketType.STREAM)) {
            server.bind(7100);
            server.listen(4);
            client.connect(7100, WAIT);
            try (ArraySocket accepted = server.accept(WAIT)) {
                accepted.setReceiveTimeout(WAIT);
                client.send(ByteBuffer.wrap(new byte[] {1, 2, 3}));
                client.abort();
                assertTrue(client.isClosed());
                SocketException e = assertThrows(SocketException.class, () -> drain(accepted));
                assertTrue(e.getMessage().startsWith("Connection reset"), e.getMessage());
                client.abort(); // idempotent
            }
        }
    }

    @Test
    void aCleanCloseIsAnEndOfStream() throws Exception {
        try (StorageArray a = array(); ArraySocket server = a.openSocket(SocketType.STREAM);
             ArraySocket client = a.openSocket(SocketType.STREAM)) {
            server.bind(7101);
            server.listen(4);
            client.connect(7101, WAIT);
            try (ArraySocket accepted = server.accept(WAIT)) {
                accepted.setReceiveTimeout(WAIT);
                client.send(ByteBuffer.wrap(new byte[] {1, 2, 3}));
                client.close();
                assertEquals(3, drain(accepted));
                client.abort(); // after close: nothing more
            }
        }
    }
}
