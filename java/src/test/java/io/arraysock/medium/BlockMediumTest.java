package io.arraysock.medium;

import io.arraysock.testkit.LoopDevices;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The block medium on a real loop device (ARRAYSOCK_LOOP_A) and on an O_DIRECT file. Each
 * test uses a region of its own, so no test depends on what another left on the device.
 */
class BlockMediumTest {
    private static final int SECTOR = 512;
    private static final long MIB = 1 << 20;
    /** Scratch files live on /var/tmp: a disk file system (not tmpfs) that supports O_DIRECT. */
    private static final Path DISK_DIR = Path.of("/var/tmp");

    private final List<AutoCloseable> open = new ArrayList<>();
    private final List<Path> files = new ArrayList<>();

    private BlockMedium device() throws IOException {
        BlockMedium m = BlockMedium.open(LoopDevices.single());
        open.add(m);
        return m;
    }

    private Path diskFile(long size) throws IOException {
        Path p = Files.createTempFile(DISK_DIR, "arraysock-block-", ".img");
        files.add(p);
        try (var f = new java.io.RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(size);
        }
        return p;
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        for (Path p : files) {
            Files.deleteIfExists(p);
        }
    }

    @Test
    void opensTheLoopDeviceWithItsGeometry() throws IOException {
        BlockMedium m = device();
        assertEquals(Medium.Kind.BLOCK, m.kind());
        assertTrue(m.isBlockDevice());
        assertEquals(SECTOR, m.sectorSize());
        assertTrue(m.size() >= 64 * MIB && m.size() % SECTOR == 0, "size " + m.size());
        assertFalse(m.supportsWakeups());
        assertSame(RingPolicy.BLOCK_DEVICE, m.ringPolicy());
        assertThrows(UnsupportedOperationException.class, () -> m.awaitChange(0, 0, 1));
        m.wake(0);
        m.fullFence();
        try (Medium viaMedia = Media.open(LoopDevices.single())) {
            assertInstanceOf(BlockMedium.class, viaMedia);
            assertEquals(m.identity(), viaMedia.identity());
        }
    }

    @Test
    void extentBuffersAreAlignedZeroedAndCarryExtentIo() throws IOException {
        long base = 40 * MIB;
        BlockMedium m = device();
        m.own(base, 64 * 1024);
        int size = 1 << 20;
        ByteBuffer a = m.allocateExtentBuffer(size);
        ByteBuffer b = m.allocateExtentBuffer(size);
        assertEquals(size, a.capacity());
        assertTrue(a.isDirect());
        assertEquals(0, com.sun.jna.Pointer.nativeValue(com.sun.jna.Native.getDirectBufferPointer(a)) % m.extentAlignment());
        for (int i = 0; i < size; i += 4096) { // fresh memory reads zero everywhere, however it is obtained
            assertEquals(0, a.get(i), "byte " + i);
            assertEquals(0, a.get(i + 4095), "byte " + (i + 4095));
        }
        byte[] pattern = random(64 * 1024, 7);
        a.put(0, pattern);
        m.writeExtent(base, a.clear().limit(pattern.length));
        m.readExtent(base, b.clear().limit(pattern.length));
        byte[] back = new byte[pattern.length];
        b.get(0, back);
        assertArrayEquals(pattern, back);
        assertThrows(IllegalArgumentException.class, () -> m.allocateExtentBuffer(size + 1));
    }

    @Test
    void wordsAndBulkRoundTripThroughTheDevice() throws IOException {
        long base = 16 * MIB;
        BlockMedium writer = device();
        BlockMedium reader = device();
        writer.own(base, 64 * 1024);
        writer.putIntRelease(base + 4, 0x11223344);
        writer.putLongRelease(base + 512, 0x0102030405060708L);
        assertEquals(0x11223344, writer.getIntAcquire(base + 4), "from the shadow");
        assertEquals(0x11223344, reader.getIntAcquire(base + 4), "from the device");
        assertEquals(0x0102030405060708L, reader.getLongAcquire(base + 512));
        byte[] le = new byte[4];
        reader.readAcquire(base + 4, le, 0, 4);
        assertArrayEquals(new byte[] {0x44, 0x33, 0x22, 0x11}, le, "little-endian like the shm medium");

        byte[] data = random(5000, 1);
        ByteBuffer heap = ByteBuffer.wrap(data);
        writer.writeRelease(base + 1000, heap);
        assertEquals(data.length, heap.position());
        ByteBuffer direct = ByteBuffer.allocateDirect(data.length);
        reader.readAcquire(base + 1000, direct);
        assertEquals(ByteBuffer.wrap(data), direct.flip());

        ByteBuffer src = ByteBuffer.allocateDirect(777).put(data, 0, 777).flip();
        writer.writeRelease(base + 20_001, src);
        writer.writeRelease(base + 30_000, data, 10, 300);
        byte[] out = new byte[777];
        reader.readAcquire(base + 20_001, out, 0, out.length);
        assertArrayEquals(Arrays.copyOf(data, 777), out);
        ByteBuffer heapOut = ByteBuffer.allocate(300);
        reader.readAcquire(base + 30_000, heapOut);
        assertArrayEquals(Arrays.copyOfRange(data, 10, 310), heapOut.array());
        byte[] own = new byte[300];
        writer.readAcquire(base + 30_000, own, 0, own.length);
        assertArrayEquals(heapOut.array(), own, "the shadow agrees with the device");
    }

    @Test
    void writingAnUnownedSectorIsABug() throws IOException {
        long base = 17 * MIB;
        BlockMedium m = device();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.putIntRelease(base + 8, 1));
        assertTrue(e.getMessage().contains("offset " + (base + 8)), e.getMessage());
        m.own(base, SECTOR);
        m.putIntRelease(base + 8, 1);
        assertThrows(IllegalStateException.class, () -> m.putIntRelease(base + SECTOR, 1), "the next sector");
        assertThrows(IllegalStateException.class, () -> m.writeRelease(base + SECTOR - 4, new byte[8], 0, 8),
                "straddling into an unowned sector");
        assertThrows(IllegalStateException.class, () -> m.own(base + 100, 10), "owning twice");
        assertThrows(IllegalStateException.class, () -> m.own(base - SECTOR, 2 * SECTOR), "overlapping");
        assertThrows(IllegalStateException.class, () -> m.disown(base, 2 * SECTOR), "not the owned range");
        m.disown(base + 10, 20); // rounds to the same sector
        assertThrows(IllegalStateException.class, () -> m.putIntRelease(base + 8, 2), "after disown");
        assertThrows(IndexOutOfBoundsException.class, () -> m.getIntAcquire(m.size()));
        assertThrows(IndexOutOfBoundsException.class, () -> m.own(m.size() - SECTOR, 2 * SECTOR));
        assertThrows(IllegalArgumentException.class, () -> m.getLongAcquire(base + 4));
    }

    /** The shadow is loaded at own(): a 4-byte write rewrites its sector without losing the other 508 bytes. */
    @Test
    void aFieldWriteRewritesTheWholeSectorFromTheShadow() throws IOException {
        long base = 18 * MIB;
        byte[] pattern = random(SECTOR, 2);
        BlockMedium previousOwner = device();
        previousOwner.own(base, SECTOR);
        previousOwner.writeRelease(base, pattern, 0, SECTOR);
        previousOwner.disown(base, SECTOR);

        BlockMedium owner = device();
        owner.own(base, SECTOR);
        owner.putIntRelease(base + 100, 0xdeadbeef);

        byte[] seen = new byte[SECTOR];
        previousOwner.readAcquire(base, seen, 0, SECTOR);
        byte[] expected = pattern.clone();
        ByteBuffer.wrap(expected).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(100, 0xdeadbeef);
        assertArrayEquals(expected, seen);
    }

    @Test
    void aSecondInstanceAlwaysReadsTheLatestDeviceContent() throws IOException {
        long base = 19 * MIB;
        BlockMedium owner = device();
        BlockMedium other = device();
        owner.own(base, SECTOR);
        byte[] sector = new byte[SECTOR];
        for (int i = 1; i <= 20; i++) {
            owner.putLongRelease(base + 64, i);
            assertEquals(i, other.getLongAcquire(base + 64), "word, round " + i);
            owner.writeRelease(base + 200, new byte[] {(byte) i}, 0, 1);
            other.readAcquire(base, sector, 0, SECTOR);
            assertEquals((byte) i, sector[200], "bulk, round " + i);
        }
    }

    @Test
    void oneMebibyteTransfersAndLargerChunkedReads() throws IOException {
        long base = 24 * MIB;
        BlockMedium writer = device();
        BlockMedium reader = device();
        writer.own(base, 4 * MIB);
        byte[] data = random((int) MIB, 3);
        writer.writeRelease(base + 100, data, 0, data.length); // unaligned start and end
        byte[] back = new byte[data.length];
        reader.readAcquire(base + 100, back, 0, back.length);
        assertArrayEquals(data, back);

        byte[] big = random((int) (3 * MIB + 1234), 4);
        writer.writeRelease(base + 7, ByteBuffer.wrap(big));
        ByteBuffer viaDevice = ByteBuffer.allocateDirect(big.length);
        reader.readAcquire(base + 7, viaDevice); // more than one bounce buffer's worth
        assertEquals(ByteBuffer.wrap(big), viaDevice.flip());
        ByteBuffer viaShadow = ByteBuffer.allocate(big.length);
        writer.readAcquire(base + 7, viaShadow);
        assertArrayEquals(big, viaShadow.array());
    }

    /** Threads writing different words of one sector must not lose each other's updates on the device. */
    @Test
    void concurrentWritersOfOneSectorLoseNothing() throws Exception {
        long base = 20 * MIB;
        int threads = 4;
        int rounds = 300;
        BlockMedium m = device();
        m.own(base, SECTOR);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                long at = base + 8L * t;
                done.add(pool.submit(() -> {
                    for (int i = 1; i <= rounds; i++) {
                        m.putLongRelease(at, i);
                        assertEquals(i, m.getLongAcquire(at));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        BlockMedium other = device();
        for (int t = 0; t < threads; t++) {
            assertEquals(rounds, other.getLongAcquire(base + 8L * t), "word of thread " + t);
        }
    }

    @Test
    void ofdLocksExcludeAnotherOpenOfTheSameDevice() throws IOException {
        BlockMedium a = device();
        BlockMedium b = device();
        assertTrue(a.tryLock(3));
        assertTrue(b.isLockedElsewhere(3));
        assertFalse(b.tryLock(3));
        a.unlock(3);
        assertTrue(b.tryLock(3));
        b.unlock(3);
    }

    @Test
    void closeIsIdempotentAndLaterUseFailsClearly() throws IOException {
        BlockMedium m = BlockMedium.open(LoopDevices.single());
        m.own(21 * MIB, SECTOR);
        m.getIntAcquire(0);
        m.close();
        m.close();
        // a fault of the access like any other, typed: a call that raced with close reports it
        MediumFaultException read = assertThrows(MediumFaultException.class, () -> m.getIntAcquire(0));
        assertInstanceOf(MediumClosedException.class, read.getCause());
        assertTrue(read.getMessage().contains("is closed"), read.getMessage());
        MediumFaultException write = assertThrows(MediumFaultException.class, () -> m.putIntRelease(21 * MIB, 1));
        assertInstanceOf(MediumClosedException.class, write.getCause());
    }

    @Test
    void aRegularFileOnDiskIsOpenedWithODirect() throws IOException {
        Path file = diskFile(MIB + 100);
        try (BlockMedium m = BlockMedium.open(file.toString()); BlockMedium other = BlockMedium.open(file.toString())) {
            assertFalse(m.isBlockDevice());
            assertEquals(MIB, m.size(), "rounded down to whole sectors");
            m.own(4096, 8192);
            byte[] data = random(8000, 5);
            m.writeRelease(4100, data, 0, data.length);
            byte[] back = new byte[data.length];
            other.readAcquire(4100, back, 0, back.length);
            assertArrayEquals(data, back);
        }
        try (Medium viaMedia = Media.open(file.toString())) {
            assertInstanceOf(BlockMedium.class, viaMedia);
        }
    }

    @Test
    void openFailsClearly() throws IOException {
        Path missing = DISK_DIR.resolve("arraysock-missing-" + System.nanoTime());
        assertThrows(NoSuchFileException.class, () -> BlockMedium.open(missing.toString()));
        assertThrows(NoSuchFileException.class, () -> Media.open(missing.toString()));

        Path small = diskFile(2048);
        IOException tooSmall = assertThrows(IOException.class, () -> BlockMedium.open(small.toString()));
        assertTrue(tooSmall.getMessage().contains("too small"), tooSmall.getMessage());

        // procfs refuses O_DIRECT with EINVAL, as some network and FUSE file systems do
        IOException noDirect = assertThrows(IOException.class, () -> BlockMedium.open("/proc/self/comm"));
        assertTrue(noDirect.getMessage().contains("O_DIRECT"), noDirect.getMessage());

        IOException notAFile = assertThrows(IOException.class, () -> Media.open(DISK_DIR.toString()));
        assertTrue(notAFile.getMessage().contains("neither"), notAFile.getMessage());
    }

    /** Root passes permission bits, so the file is made immutable instead (open for writing: EPERM). */
    @Test
    void permissionDeniedIsAnAccessDeniedException() throws Exception {
        Path file = diskFile(MIB);
        boolean root = LoopDevices.isRoot();
        if (root) {
            Process p = new ProcessBuilder("chattr", "+i", file.toString()).inheritIO().start();
            assertEquals(0, p.waitFor(), "chattr +i " + file);
        } else {
            Files.setPosixFilePermissions(file, java.util.Set.of());
        }
        try {
            assertThrows(AccessDeniedException.class, () -> BlockMedium.open(file.toString()));
        } finally {
            if (root) {
                new ProcessBuilder("chattr", "-i", file.toString()).inheritIO().start().waitFor();
            }
        }
    }

    @Test
    void ioErrorsNameTheCallPathAndOffset() throws IOException {
        Path file = diskFile(MIB);
        try (BlockMedium m = BlockMedium.open(file.toString())) {
            m.own(0, SECTOR);
            // shrink the file under the medium: reads past its end now fail with ENXIO
            try (var f = new java.io.RandomAccessFile(file.toFile(), "rw")) {
                f.setLength(4096);
            }
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> m.getIntAcquire(8192));
            // the medium shrank: that is what the failure says, and the failed pread is its cause
            assertInstanceOf(MediumTruncatedException.class, e.getCause());
            String message = e.getCause().getCause().getMessage();
            assertTrue(message.contains("pread") && message.contains(file.toString()) && message.contains("8192")
                    && message.contains("errno"), message);
        }
    }

    /**
     * A disk file truncated under the process: a write past its new end must not extend it
     * again (a pwrite would), and once the shrink is seen nothing more is written anywhere;
     * each failure says it shrank.
     */
    @Test
    void aShrunkFileIsFencedAndNeverGrownBack() throws IOException {
        Path file = diskFile(MIB);
        try (BlockMedium m = BlockMedium.open(file.toString())) {
            m.own(0, SECTOR);
            m.own(MIB - SECTOR, SECTOR); // the last sector: a write there would restore the whole length
            m.putLongRelease(0, 0x1111L);
            try (var f = new java.io.RandomAccessFile(file.toFile(), "rw")) {
                f.setLength(4096);
            }
            UncheckedIOException past = assertThrows(UncheckedIOException.class, () -> m.putLongRelease(MIB - 8, 7L));
            MediumTruncatedException truncated = assertInstanceOf(MediumTruncatedException.class, past.getCause());
            assertTrue(truncated.getMessage().contains("shrank to 4096 bytes under this process (it had " + MIB + ")"),
                    truncated.getMessage());
            assertEquals(4096, Files.size(file), "the write past the end grew the file back");

            // fenced: a write that would still fit is refused too, and the sector keeps what it had
            UncheckedIOException within = assertThrows(UncheckedIOException.class, () -> m.putLongRelease(0, 0x2222L));
            assertInstanceOf(MediumTruncatedException.class, within.getCause());
            assertThrows(MediumTruncatedException.class, m::checkIntact);
            try (BlockMedium other = BlockMedium.open(file.toString())) {
                assertEquals(0x1111L, other.getLongAcquire(0));
            }
            // what is left can still be read; what is gone says it shrank
            assertEquals(0x1111L, m.getLongAcquire(0));
            UncheckedIOException gone = assertThrows(UncheckedIOException.class, () -> m.getIntAcquire(8192));
            assertInstanceOf(MediumTruncatedException.class, gone.getCause());
            assertEquals(4096, Files.size(file));
        }
    }

    /** Found on the way (checkIntact, as a heartbeat would): then even a write within the new end is refused. */
    @Test
    void aShrinkFoundByCheckIntactFencesEveryWrite() throws IOException {
        Path file = diskFile(MIB);
        try (BlockMedium m = BlockMedium.open(file.toString())) {
            m.own(0, SECTOR);
            m.checkIntact();
            try (var f = new java.io.RandomAccessFile(file.toFile(), "rw")) {
                f.setLength(MIB / 2);
            }
            MediumTruncatedException e = assertThrows(MediumTruncatedException.class, m::checkIntact);
            assertTrue(e.getMessage().contains("shrank to " + MIB / 2), e.getMessage());
            UncheckedIOException write = assertThrows(UncheckedIOException.class, () -> m.putIntRelease(0, 1));
            assertInstanceOf(MediumTruncatedException.class, write.getCause());
        }
    }

    /** status looks with O_RDONLY: a device or file one may only read can be inspected, and nothing is written. */
    @Test
    void openReadOnlyNeedsOnlyReadAccessAndNeverWrites() throws Exception {
        Path file = diskFile(MIB);
        try (BlockMedium w = BlockMedium.open(file.toString())) {
            w.own(0, SECTOR);
            w.putLongRelease(8, 42L);
        }
        boolean root = LoopDevices.isRoot();
        if (root) {
            Process p = new ProcessBuilder("chattr", "+i", file.toString()).inheritIO().start();
            assertEquals(0, p.waitFor(), "chattr +i " + file);
        } else {
            Files.setPosixFilePermissions(file, java.util.Set.of(java.nio.file.attribute.PosixFilePermission.OWNER_READ));
        }
        try {
            assertThrows(AccessDeniedException.class, () -> BlockMedium.open(file.toString()));
            try (Medium m = Media.openToInspect(file.toString())) {
                assertInstanceOf(BlockMedium.class, m);
                assertEquals(42L, m.getLongAcquire(8));
                assertEquals(MIB, m.size());
                assertThrows(java.nio.ReadOnlyBufferException.class, () -> m.own(0, SECTOR));
                assertThrows(java.nio.ReadOnlyBufferException.class, () -> m.putLongRelease(8, 1L));
                assertFalse(m.isLockedElsewhere(0));
                m.checkIntact();
            }
        } finally {
            if (root) {
                new ProcessBuilder("chattr", "-i", file.toString()).inheritIO().start().waitFor();
            }
        }
    }

    private static byte[] random(int length, long seed) {
        byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        return b;
    }
}
