package io.arraysock;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.*;

/** The soak's CORRUPT lines say where a wrong word came from. */
class SoakWorkerTest {
    private static final int TAG = SoakWorker.tag(0x1234_5678_9abc_def0L);

    /** A receive of 64 bytes at stream byte 4096 whose word 2 is {@code bad}. */
    private static String explainWord(long bad) {
        ByteBuffer buf = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        for (int w = 0; w < 8; w++) {
            buf.putLong(w * 8, SoakWorker.word(TAG, 4096 / 8 + w));
        }
        buf.putLong(16, bad);
        return SoakWorker.explain(buf, 16, 64, 4096, TAG);
    }

    @Test
    void aWrongWordIsNamed() {
        String other = explainWord(SoakWorker.word(0x55, 7));
        assertTrue(other.contains("byte 56 of the stream tagged 55") && other.contains("another connection's"), other);
        assertTrue(other.contains("1 of the 6 words from there"), other);
        String displaced = explainWord(SoakWorker.word(TAG, 4096 / 8 - 1));
        assertTrue(displaced.contains("this stream's byte 4088 (-24 bytes off)"), displaced);
        assertTrue(explainWord(0).contains("no stream's word"), explainWord(0));
    }
}
