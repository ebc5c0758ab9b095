package io.arraysock;

import io.arraysock.api.SocketType;
import io.arraysock.testkit.ChildJvm;
import io.arraysock.testkit.ShmSegments;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.SocketException;
import java.nio.ByteBuffer;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@link ArraySocket#send(ByteBuffer[], int, int)}, {@code sendNow(ByteBuffer[], ...)} and the
 * scattering {@code receive(ByteBuffer[], ...)}/{@code receiveNow}: a gathering send (and a
 * scattering receive) across processes on shm and on the block pairs (the child in its own network
 * namespace there) delivers every byte in order, however the buffers are cut and however often
 * a full ring cuts a send short; and it refuses what it must.
 */
class GatheringSendTest {
    private static final Duration START = Duration.ofSeconds(30);
    @RegisterExtension
    final ShmSegments segments = new ShmSegments();

    @ParameterizedTest
    @CsvSource({"SHM, false, 16", "SHM, true, 16", "LOOP_PAIR, false, 8", "LOOP_PAIR, true, 8", "NBD_PAIR, false, 2"})
    void gatheredBytesArriveInOrder(ArrayFixture.Kind kind, boolean now, int mebibytes) throws Exception {
        seededStreamArrives(kind, new GatherSenderPeer(7400, 11, (long) mebibytes << 20, now), SeededStreams::receiveAll);
    }

    @ParameterizedTest
    @CsvSource({"SHM, false, 16", "SHM, true, 16", "LOOP_PAIR, false, 8", "LOOP_PAIR, true, 4", "NBD_PAIR, false, 2"})
    void scatteredReceivesTakeEveryByteInOrder(ArrayFixture.Kind kind, boolean now, int mebibytes) throws Exception {
        seededStreamArrives(kind, new GatherSenderPeer(7402, 12, (long) mebibytes << 20, false),
                s -> SeededStreams.receiveAllScattered(s, now));
    }

    /** How the parent takes the stream: the count and SHA-256 it received, as {@link SeededStreams#receiveAll}. */
    private interface Receiver {
        String receive(ArraySocket s) throws Exception;
    }

    /**
     * The child {@code sender} sends its seeded stream to our listener on its port; {@code
     * receiver} takes all of it, which must be every byte in order.
     */
    private void seededStreamArrives(ArrayFixture.Kind kind, GatherSenderPeer sender, Receiver receiver) throws Exception {
        try (ArrayFixture f = ArrayFixture.create(kind, ArrayFixture.small());
             StorageArray array = f.attach();
             ArraySocket listener = array.openSocket(SocketType.STREAM);
             ChildJvm child = f.peer(sender)) {
            listener.bind(sender.port());
            listener.listen(1);
            child.expect("READY", START);
            child.send("GO");
            try (ArraySocket s = listener.accept(START)) {
                String received = receiver.receive(s);
                String sent = child.expect("SENT", Duration.ofMinutes(2));
                assertEquals(sender.total() + " " + sent, received, child.describe());
                assertEquals(SeededStreams.expectedSha(sender.seed(), sender.total()), sent, "the sender sent the seeded stream");
            }
        }
    }

    @Test
    void refusesBadBoundsAMessageSocketAndAShutOutput() throws Exception {
        String path = segments.format(ArrayFixture.small());
        try (StorageArray a = StorageArray.attach(path);
             ArraySocket server = ArrayFixture.listener(a, SocketType.STREAM, 7401, 1);
             ArraySocket client = a.openSocket(SocketType.STREAM);
             ArraySocket messages = a.openSocket(SocketType.SEQPACKET)) {
            client.connect(7401);
            ByteBuffer[] two = {ByteBuffer.allocate(3), ByteBuffer.allocate(4)};
            assertThrows(IndexOutOfBoundsException.class, () -> client.send(two, 1, 2));
            assertThrows(IndexOutOfBoundsException.class, () -> client.sendNow(two, -1, 1));
            assertEquals(7, client.send(two));
            assertEquals(0, two[0].remaining() + two[1].remaining(), "the buffers' positions advance");
            assertEquals(0, client.sendNow(two, 0, 2), "nothing left to send: 0");
            try (ArraySocket accepted = server.accept(START)) {
                ByteBuffer in = ByteBuffer.allocate(7);
                while (in.hasRemaining()) {
                    accepted.receive(in);
                }
            }
            client.shutdownOutput();
            SocketException shut = assertThrows(SocketException.class, () -> client.send(new ByteBuffer[] {ByteBuffer.allocate(1)}));
            assertEquals("Socket output is shutdown", shut.getMessage());
            assertThrows(java.io.IOException.class, () -> messages.send(new ByteBuffer[] {ByteBuffer.allocate(1)}));
            assertThrows(IndexOutOfBoundsException.class, () -> client.receive(two, 2, 1));
            assertThrows(java.io.IOException.class, () -> messages.receiveNow(new ByteBuffer[] {ByteBuffer.allocate(1)}, 0, 1));
        }
    }
}
