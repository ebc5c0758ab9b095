package io.arraysock.medium;

import io.arraysock.testkit.Await;
import io.arraysock.testkit.ChildJvm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShmMediumTest {
    private static final long SIZE = 1 << 20;
    private static final long GIB = 1L << 30;
    private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(30);
    /** How soon a woken child must answer (generous: the machine may be loaded). */
    private static final Duration WAKE_BOUND = Duration.ofSeconds(10);
    /** How long the child's futex sleep may last unwoken: far beyond every bound of the test. */
    private static final Duration FUTEX_SLEEP = Duration.ofMinutes(10);
    /** The futex system call's number, as /proc/PID/task/TID/syscall prints it (x86-64: 202, arm64: 98). */
    private static final String SYS_FUTEX = System.getProperty("os.arch").equals("aarch64") ? "98" : "202";

    private final List<String> created = new ArrayList<>();

    private String newPath() {
        String path = "/dev/shm/arraysock-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        created.add(path);
        return path;
    }

    @BeforeEach
    @AfterEach
    void removeSegments() throws IOException {
        for (String p : created) {
            Files.deleteIfExists(Path.of(p));
        }
    }

    @Test
    void useAfterCloseIsATypedFaultOfTheAccess() throws IOException {
        ShmMedium m = ShmMedium.create(newPath(), SIZE);
        m.close();
        for (Runnable access : List.<Runnable>of(() -> m.getLongAcquire(0), () -> m.putIntRelease(0, 1),
                () -> m.awaitChange(0, 0, 1), () -> m.wake(0))) {
            MediumFaultException e = assertThrows(MediumFaultException.class, access::run);
            assertInstanceOf(MediumClosedException.class, e.getCause());
            assertTrue(e.getMessage().contains("is closed"), e.getMessage());
        }
    }

    @Test
    void aReadOnlyMappingReadsAndRefusesEveryWriteWithoutFaulting() throws IOException {
        String path = newPath();
        try (ShmMedium rw = ShmMedium.create(path, SIZE, 0444); ShmMedium ro = ShmMedium.openReadOnly(path)) {
            rw.putLongRelease(4096, 0x1122334455667788L);
            assertEquals(0x1122334455667788L, ro.getLongAcquire(4096));
            assertThrows(java.nio.ReadOnlyBufferException.class, () -> ro.putLongRelease(4096, 1));
            assertThrows(java.nio.ReadOnlyBufferException.class, () -> ro.putIntRelease(4096, 1));
            assertThrows(java.nio.ReadOnlyBufferException.class, () -> ro.writeRelease(0, new byte[512], 0, 512));
            // large enough for the native copy, which would fault on a PROT_READ page
            assertThrows(java.nio.ReadOnlyBufferException.class, () -> ro.writeRelease(0, ByteBuffer.allocateDirect(64 << 10)));
            assertThrows(java.nio.ReadOnlyBufferException.class, ro::preallocate);
            assertEquals(0x1122334455667788L, rw.getLongAcquire(4096));
        }
    }

    @Test
    void nativeCopiesFollowEachBufferAndItsPositionWhenBuffersAlternate() throws IOException {
        int length = 8192; // above the native copy's threshold
        try (ShmMedium m = ShmMedium.create(newPath(), SIZE)) {
            byte[] pattern = new byte[4 * length];
            new Random(7).nextBytes(pattern);
            m.writeRelease(0, pattern, 0, pattern.length);
            ByteBuffer whole = ByteBuffer.allocateDirect(4 * length);
            // a slice shares the memory at another base address: a cache keyed on anything but the
            // buffer itself would copy to the wrong place
            ByteBuffer slice = whole.position(length).slice();
            ByteBuffer other = ByteBuffer.allocateDirect(length);
            for (int round = 0; round < 3; round++) {
                whole.clear().position(2 * length).limit(3 * length);
                m.readAcquire(0, whole);
                slice.clear().limit(length);
                m.readAcquire(length, slice);
                other.clear();
                m.readAcquire(3 * length, other);
                byte[] got = new byte[4 * length];
                whole.clear().get(got);
                assertArrayEquals(java.util.Arrays.copyOfRange(pattern, length, 2 * length),
                        java.util.Arrays.copyOfRange(got, length, 2 * length), "slice, round " + round);
                assertArrayEquals(java.util.Arrays.copyOfRange(pattern, 0, length),
                        java.util.Arrays.copyOfRange(got, 2 * length, 3 * length), "positioned, round " + round);
                byte[] last = new byte[length];
                other.flip().get(last);
                assertArrayEquals(java.util.Arrays.copyOfRange(pattern, 3 * length, 4 * length), last, "other, round " + round);
                // and back out, from the slice at an offset, into another place of the mapping
                slice.clear().position(16).limit(16 + length / 2);
                m.writeRelease(SIZE / 2, slice);
                byte[] echoed = new byte[length / 2];
                m.readAcquire(SIZE / 2, echoed, 0, echoed.length);
                assertArrayEquals(java.util.Arrays.copyOfRange(pattern, length + 16, length + 16 + length / 2), echoed);
                whole.clear().put(new byte[4 * length]).clear();
            }
        }
    }

    @Test
    void aReadIntoAReadOnlyBufferIsRefusedAndWritesNothing() throws IOException {
        try (ShmMedium m = ShmMedium.create(newPath(), SIZE)) {
            m.writeRelease(0, new byte[] {1, 2, 3}, 0, 3);
            ByteBuffer target = ByteBuffer.allocateDirect(64 << 10);
            assertThrows(java.nio.ReadOnlyBufferException.class, () -> m.readAcquire(0, target.asReadOnlyBuffer()));
            assertEquals(0, target.get(0));
        }
    }

    @Test
    void createRefusesMoreThanItsTmpfsHasFree() throws IOException {
        String path = newPath();
        long free = Files.getFileStore(Path.of("/dev/shm")).getUsableSpace();
        assertThrows(io.arraysock.api.NoSpaceException.class, () -> ShmMedium.create(path, (free / 512 + 1024) * 512));
        assertTrue(!Files.exists(Path.of(path)));
    }

    @Test
    void createsWithMode0600ByDefaultAndTheModeAsked() throws IOException {
        String a = newPath();
        String b = newPath();
        try (ShmMedium m = ShmMedium.create(a, SIZE); ShmMedium n = ShmMedium.create(b, SIZE, 0660)) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(Path.of(a))));
            assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(Path.of(b))));
            assertEquals(SIZE, m.size());
            assertEquals(SIZE, Files.size(Path.of(b)));
            assertEquals(Medium.Kind.SHM, n.kind());
            assertEquals(512, n.sectorSize());
        }
    }

    @Test
    void wordsRoundTripLittleEndian() throws IOException {
        try (ShmMedium m = ShmMedium.create(newPath(), SIZE)) {
            m.putIntRelease(64, 0x11223344);
            m.putLongRelease(128, 0x0102030405060708L);
            assertEquals(0x11223344, m.getIntAcquire(64));
            assertEquals(0x0102030405060708L, m.getLongAcquire(128));
            byte[] raw = new byte[4];
            m.readAcquire(64, raw, 0, 4);
            assertArrayEquals(new byte[] {0x44, 0x33, 0x22, 0x11}, raw);
            m.putLongRelease(SIZE - 8, -1L);
            assertEquals(-1L, m.getLongAcquire(SIZE - 8));
        }
    }

    @Test
    void bulkCopiesWithHeapDirectBuffersAndArrays() throws IOException {
        byte[] data = random(10_000, 1);
        try (ShmMedium m = ShmMedium.create(newPath(), SIZE)) {
            ByteBuffer heap = ByteBuffer.wrap(data);
            m.writeRelease(1000, heap);
            assertEquals(data.length, heap.position());
            ByteBuffer direct = ByteBuffer.allocateDirect(data.length + 10);
            direct.position(5).limit(5 + data.length);
            m.readAcquire(1000, direct);
            assertEquals(5 + data.length, direct.position());
            byte[] viaDirect = new byte[data.length];
            direct.get(5, viaDirect);
            assertArrayEquals(data, viaDirect);

            ByteBuffer src = ByteBuffer.allocateDirect(data.length).put(data).flip();
            m.writeRelease(50_000, src);
            byte[] out = new byte[data.length + 2];
            m.readAcquire(50_000, out, 1, data.length);
            assertArrayEquals(data, java.util.Arrays.copyOfRange(out, 1, 1 + data.length));

            m.writeRelease(90_000, data, 100, 200);
            ByteBuffer heapOut = ByteBuffer.allocate(200);
            m.readAcquire(90_000, heapOut);
            assertArrayEquals(java.util.Arrays.copyOfRange(data, 100, 300), heapOut.array());
        }
    }

    @Test
    void outOfRangeAndUnalignedAccessesThrow() throws IOException {
        try (ShmMedium m = ShmMedium.create(newPath(), SIZE)) {
            assertThrows(IndexOutOfBoundsException.class, () -> m.getIntAcquire(SIZE));
            assertThrows(IndexOutOfBoundsException.class, () -> m.getLongAcquire(-8));
            assertThrows(IndexOutOfBoundsException.class, () -> m.putLongRelease(SIZE - 4, 1));
            assertThrows(IndexOutOfBoundsException.class, () -> m.readAcquire(SIZE - 2, new byte[4], 0, 4));
            assertThrows(IndexOutOfBoundsException.class, () -> m.writeRelease(SIZE - 2, ByteBuffer.allocate(3)));
            assertThrows(IndexOutOfBoundsException.class, () -> m.readAcquire(0, new byte[4], 2, 4));
            assertThrows(IllegalArgumentException.class, () -> m.getIntAcquire(2));
            assertThrows(IllegalArgumentException.class, () -> m.putLongRelease(12, 1));
            assertThrows(IllegalArgumentException.class, () -> m.awaitChange(6, 0, 1));
        }
    }

    @Test
    void aSleeperIsWokenByWakeAndATimeoutReturns() throws Exception {
        try (ShmMedium m = ShmMedium.create(newPath(), SIZE)) {
            assertTrue(m.supportsWakeups());
            assertSame(RingPolicy.SHARED_MEMORY, m.ringPolicy());
            long t0 = System.nanoTime();
            m.awaitChange(0, 0, TimeUnit.MILLISECONDS.toNanos(50));
            assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(40), "returned before the timeout");

            // the word stays 0: only the wake (or a rare spurious return) can end this sleep
            CompletableFuture<Long> slept = CompletableFuture.supplyAsync(() -> {
                long s = System.nanoTime();
                m.awaitChange(0, 0, TimeUnit.SECONDS.toNanos(20));
                return System.nanoTime() - s;
            });
            Thread.sleep(300);
            assertFalse(slept.isDone(), "the sleeper returned without a wake");
            m.wake(0);
            long nanos = slept.get(10, TimeUnit.SECONDS);
            assertTrue(nanos < TimeUnit.SECONDS.toNanos(10), "woken after " + nanos + " ns");

            m.putIntRelease(4, 7); // a changed value returns at once
            m.awaitChange(4, 0, TimeUnit.SECONDS.toNanos(20));
        }
    }

    @Test
    void segmentsAbove2GiBWorkAcrossWindowBoundaries() throws IOException {
        long size = 2 * GIB + (1 << 20);
        try (ShmMedium m = ShmMedium.create(newPath(), size)) {
            assertEquals(size, m.size());
            for (long at : new long[] {GIB - 8, GIB, 2 * GIB - 8, 2 * GIB, size - 8}) {
                m.putLongRelease(at, at * 31);
            }
            for (long at : new long[] {GIB - 8, GIB, 2 * GIB - 8, 2 * GIB, size - 8}) {
                assertEquals(at * 31, m.getLongAcquire(at), "word at " + at);
            }
            byte[] data = random(16_384, 2);
            for (long boundary : new long[] {GIB, 2 * GIB}) {
                long at = boundary - 5000;
                m.writeRelease(at, ByteBuffer.wrap(data));
                byte[] back = new byte[data.length];
                m.readAcquire(at, back, 0, back.length);
                assertArrayEquals(data, back, "copy across " + boundary);
                ByteBuffer direct = ByteBuffer.allocateDirect(data.length);
                m.readAcquire(at, direct);
                assertEquals(ByteBuffer.wrap(data), direct.flip());
            }
            assertEquals(0, m.getLongAcquire(GIB + 4096 * 4), "untouched pages read as zero");
        }
    }

    @Test
    void createOnAnExistingPathAndOpenOfAMissingOneFail() throws IOException {
        String path = newPath();
        try (ShmMedium ignored = ShmMedium.create(path, SIZE)) {
            assertThrows(FileAlreadyExistsException.class, () -> ShmMedium.create(path, SIZE));
        }
        assertThrows(NoSuchFileException.class, () -> ShmMedium.open(newPath()));
        assertThrows(NoSuchFileException.class, () -> Media.open(newPath()));
    }

    @Test
    void mediaOpensATmpfsFileAsShm() throws IOException {
        String path = newPath();
        try (ShmMedium m = ShmMedium.create(path, SIZE); Medium same = Media.open(path)) {
            assertInstanceOf(ShmMedium.class, same);
            assertEquals(m.identity(), same.identity());
            m.putIntRelease(8, 99);
            assertEquals(99, same.getIntAcquire(8));
        }
    }

    /**
     * Another process maps the segment, sleeps on a futex word, and reports what it saw when
     * woken. Its sleep is bounded by {@link #FUTEX_SLEEP}, far beyond {@link #WAKE_BOUND}, so
     * a lost wake cannot pass slowly: the answer must come within the bound, timed from the
     * wake. The wake is sent only once the child's thread is seen inside the shared-futex wait.
     */
    @Test
    void aChildProcessIsWokenAndSeesTheWrite() throws Exception {
        String path = newPath();
        try (ShmMedium m = ShmMedium.create(path, SIZE);
             ChildJvm child = ChildJvm.start(ShmFutexChild.class, path, Long.toString(FUTEX_SLEEP.toMillis()))) {
            String hello = child.readLine(CHILD_TIMEOUT);
            assertTrue(hello != null && hello.startsWith("waiting "), hello + " " + child.describe());
            long tid = Long.parseLong(hello.substring("waiting ".length()));
            awaitSharedFutexWait(child.pid(), tid, CHILD_TIMEOUT);

            long woken = System.nanoTime();
            m.putLongRelease(ShmFutexChild.PAYLOAD_OFFSET, 0x5eed_cafe_f00dL);
            m.putIntRelease(ShmFutexChild.FLAG_OFFSET, 42);
            m.wake(ShmFutexChild.FLAG_OFFSET);
            String answer = child.readLine(WAKE_BOUND);
            long millis = (System.nanoTime() - woken) / 1_000_000;
            assertEquals("saw 42 " + 0x5eed_cafe_f00dL, answer, "no answer " + millis + " ms after the wake (the child sleeps "
                    + FUTEX_SLEEP + " unless woken): " + child.describe());
            assertTrue(millis < WAKE_BOUND.toMillis(), "woken after " + millis + " ms");
            assertEquals(0, child.waitFor(CHILD_TIMEOUT), child.describe());
        }
    }

    /**
     * Waits until thread {@code tid} of {@code pid} sits in a futex wait on a shared word:
     * /proc's syscall file names the futex call with a FUTEX_WAIT op (0), not
     * the FUTEX_PRIVATE_FLAG waits of the JVM's own locks and parking.
     */
    private static void awaitSharedFutexWait(long pid, long tid, Duration timeout) throws Exception {
        Path syscall = Path.of("/proc", Long.toString(pid), "task", Long.toString(tid), "syscall");
        String[] seen = {""};
        Await.until(timeout, () -> {
            seen[0] = Files.readString(syscall).trim();
            String[] f = seen[0].split(" ");
            return f.length > 2 && f[0].equals(SYS_FUTEX) && f[2].equals("0x0");
        }, () -> "the child's thread " + tid + " in a shared futex wait; /proc says: " + seen[0]);
    }

    private static byte[] random(int length, long seed) {
        byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        return b;
    }
}
