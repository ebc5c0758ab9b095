package io.arraysock;

import io.arraysock.api.SocketType;
import io.arraysock.testkit.ShmSegments;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

/** The reused heap buffer behind ArraySocket's byte[] calls. */
class ArrayViewTest {
    @RegisterExtension
    final ShmSegments segments = new ShmSegments();

    @Test
    void reusesTheBufferWhileTheArrayRepeatsAndPositionsItEachTime() {
        ArrayView view = new ArrayView();
        byte[] a = new byte[100];
        ByteBuffer first = view.over(a, 10, 20);
        assertSame(a, first.array());
        assertEquals(10, first.position());
        assertEquals(30, first.limit());
        first.position(30); // consumed by a call
        ByteBuffer again = view.over(a, 5, 3);
        assertSame(first, again, "same array: no new buffer");
        assertEquals(5, again.position());
        assertEquals(8, again.limit());
        byte[] b = new byte[10];
        ByteBuffer other = view.over(b, 0, 10);
        assertNotSame(first, other);
        assertSame(b, other.array());
        assertThrows(IndexOutOfBoundsException.class, () -> view.over(b, 5, 6));
        assertThrows(IndexOutOfBoundsException.class, () -> view.over(b, -1, 2));
        view.release();
        assertNotSame(other, view.over(b, 0, 1), "released: the array is no longer held");
    }

    @Test
    void byteArrayCallsCarryTheRightBytesAcrossArraysAndRanges() throws Exception {
        String path = segments.format(StorageArrayTest.SMALL.withArenaSize(4 << 20));
        try (StorageArray array = StorageArray.attach(path)) {
            ArraySocket listener = ArrayFixture.listener(array, SocketType.STREAM, 7003, 1);
            ArraySocket client = array.openSocket(SocketType.STREAM);
            client.connect(7003, Duration.ofSeconds(5));
            ArraySocket server = listener.accept(Duration.ofSeconds(5));
            byte[] a = new byte[64];
            byte[] b = new byte[64];
            Arrays.fill(a, (byte) 'a');
            Arrays.fill(b, (byte) 'b');
            a[3] = 'A';
            client.send(a, 3, 5);   // "Aaaaa"
            client.send(b, 0, 2);   // "bb"
            client.send(a, 60, 4);  // "aaaa"
            byte[] in = new byte[20];
            Arrays.fill(in, (byte) '.');
            int n = 0;
            while (n < 11) {
                n += server.receive(in, 2 + n, 11 - n);
            }
            assertEquals("..Aaaaabbaaaa.......", new String(in, java.nio.charset.StandardCharsets.US_ASCII));
            client.close();
            server.close();
            listener.close();
        }
    }
}
