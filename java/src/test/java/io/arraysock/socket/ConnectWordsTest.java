package io.arraysock.socket;

import io.arraysock.format.ControlBlockDescriptor;
import io.arraysock.format.NodeRecordDescriptor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The connect words name the block they announce (docs/FORMAT.md, "Node record"): the count
 * in the high half, the block in the low; a reader trusts the name only within a partition,
 * and only as the one new block when the count moved by exactly one.
 */
class ConnectWordsTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void aWordCarriesItsCountAndItsBlock() {
        long w = ConnectWords.word(0x1234_5678_9abcL, 17);
        assertEquals(17, ConnectWords.namedIndex(w, 64));
        assertEquals(0x5678_9abcL, w >>> 32, "the count's low 32 bits, in the high half");
        assertTrue(ConnectWords.nextAfter(w, ConnectWords.word(0x1234_5678_9abdL, 3)));
        assertFalse(ConnectWords.nextAfter(w, ConnectWords.word(0x1234_5678_9abeL, 3)), "two posts since: not the only one");
        assertFalse(ConnectWords.nextAfter(w, w), "no post since");
        assertFalse(ConnectWords.nextAfter(w, ConnectWords.word(0x1234_5678_9abbL, 3)), "a word that went back");
        // the count wraps in its 32 bits
        assertTrue(ConnectWords.nextAfter(ConnectWords.word(0xffff_ffffL, 1), ConnectWords.word(0x1_0000_0000L, 2)));
    }

    /** The name is read from the medium: outside the partition (or none, -1) it names nothing. */
    @Test
    void aNameOutsideThePartitionNamesNothing() {
        assertEquals(-1, ConnectWords.namedIndex(ConnectWords.word(5, 64), 64));
        assertEquals(-1, ConnectWords.namedIndex(ConnectWords.word(5, -1), 64));
        assertEquals(-1, ConnectWords.namedIndex(ConnectWords.word(5, Integer.MIN_VALUE), 64));
        assertEquals(63, ConnectWords.namedIndex(ConnectWords.word(5, 63), 64));
        assertEquals(0, ConnectWords.namedIndex(0, 64), "a word never written names block 0: a hint, checked like any");
    }

    /** After a connect on the block medium the client's request word names its block, the listener's answer word the answer. */
    @Test
    void theWordsOfAConnectNameTheRequestAndTheAnswer() throws Exception {
        try (BlockFileLayers layers = new BlockFileLayers("connect-words")) {
            SocketCore filler = layers.a.open(ControlBlockDescriptor.TYPE_STREAM); // the answer is not block 0 or 1
            SocketCore listener = layers.a.open(ControlBlockDescriptor.TYPE_STREAM);
            listener.bind(7301);
            listener.listen(4);
            SocketCore idle = layers.b.open(ControlBlockDescriptor.TYPE_STREAM); // nor the request block 0
            SocketCore client = layers.b.open(ControlBlockDescriptor.TYPE_STREAM);
            client.client().connect(7301, 5 * SECOND);
            SocketCore server = listener.accept(5 * SECOND);
            assertNotNull(server);
            int sockets = layers.a.geometry.socketsPerNode();
            long requests = layers.medium.getLongAcquire(layers.b.geometry.nodeRecordOffset(1)
                    + NodeRecordDescriptor.CONNECT_REQUESTS_OFFSET);
            long answers = layers.medium.getLongAcquire(layers.a.geometry.nodeRecordOffset(0)
                    + NodeRecordDescriptor.CONNECT_ANSWERS_OFFSET);
            assertEquals(client.index, ConnectWords.namedIndex(requests, sockets));
            assertEquals(server.index, ConnectWords.namedIndex(answers, sockets));
            assertNotEquals(0, server.index);
            assertNotEquals(0, client.index);
            filler.close();
            idle.close();
            client.close();
            server.close();
            listener.close();
        }
    }
}
