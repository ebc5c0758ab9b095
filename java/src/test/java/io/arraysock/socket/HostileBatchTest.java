package io.arraysock.socket;

import io.arraysock.format.FrameDescriptor;
import io.arraysock.format.Geometry;
import io.arraysock.testkit.ShmSegments;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.SocketException;
import java.nio.ByteBuffer;

import static io.arraysock.format.ControlBlockDescriptor.TYPE_SEQPACKET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A batch receive ({@code receiveMessages}) over a ring whose peer damaged a frame length in
 * the middle of the batch: the good frames before it are delivered, the damaged one is never
 * delivered (nor any byte after it), and the next receive is the reset the one-message path
 * gives, naming the length.
 */
class HostileBatchTest {
    private static final Geometry G = new Geometry(512, 2, 8, 64 << 10);
    private static final long SECOND = 1_000_000_000L;

    @RegisterExtension
    final ShmSegments segments = new ShmSegments();
    private ShmNodes nodes;

    @BeforeEach
    void setUp() throws Exception {
        nodes = new ShmNodes(segments, G);
    }

    @AfterEach
    void tearDown() throws Exception {
        nodes.close();
    }

    @ParameterizedTest
    @ValueSource(longs = {Long.MAX_VALUE, -8, 1000, 1 << 20})
    void aDamagedLengthInsideABatchStopsItThereAndIsAReset(long damaged) throws Exception {
        SocketCore listener = nodes.a.open(TYPE_SEQPACKET);
        listener.bind(4100);
        listener.listen(1);
        SocketCore client = nodes.b.open(TYPE_SEQPACKET);
        client.connect(4100, 5 * SECOND);
        SocketCore server = listener.accept(5 * SECOND);
        listener.close();
        ByteBuffer[] three = new ByteBuffer[3];
        for (int i = 0; i < three.length; i++) {
            three[i] = ByteBuffer.wrap(new byte[] {(byte) i, 1, 2, 3, 4, 5, 6, 7});
        }
        assertEquals(3, server.sending().sendMessages(three, 0, 3, false));
        long ring = server.header().txRingOffset();
        // the second frame's length (1000: more than is published; 1 MiB: more than the largest message)
        nodes.medium.putLongRelease(ring + FrameDescriptor.frameLength(8) + FrameDescriptor.LENGTH_OFFSET, damaged);
        ByteBuffer[] got = {ByteBuffer.allocate(16), ByteBuffer.allocate(16), ByteBuffer.allocate(16)};
        assertEquals(1, client.receiving().receiveMessages(got, 0, 3, false), "the good frame before the damage");
        assertEquals(ByteBuffer.wrap(new byte[] {0, 1, 2, 3, 4, 5, 6, 7}), got[0].flip());
        assertEquals(0, got[1].position() + got[2].position(), "nothing from the damaged frame or after it");
        SocketException e = assertThrows(SocketException.class,
                () -> client.receiving().receiveMessages(got, 1, 2, false));
        assertTrue(e.getMessage().startsWith("Connection reset") && e.getMessage().contains("message length"),
                e.getMessage());
        assertEquals(0, got[1].position() + got[2].position(), "the reset delivers nothing");
    }
}
