package io.arraysock.testkit;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Faults of one host's path to the array, injected into the NBD pair's servers (see
 * {@code scripts/nbdpair.sh}): a lost path (every request of that host fails with EIO while
 * its fail file exists: nbdkit's error filter), and a latency spike (its requests wait while
 * paused: nbdkit's pause filter). Host A is the pair's first node, host B its second.
 * Tests undo what they inject with {@link #heal()} in a {@code finally}.
 */
public final class SanFaults {
    /** The two hosts of a pair. */
    public enum Host { A, B }

    private final Path[] failFiles;
    private final Path[] pauseSockets;

    SanFaults(Path failA, Path pauseA, Path failB, Path pauseB) {
        this.failFiles = new Path[] {failA, failB};
        this.pauseSockets = new Path[] {pauseA, pauseB};
    }

    /** From now on every I/O of {@code host} fails with EIO, as when its path to the array is lost. */
    public void losePath(Host host) throws IOException {
        Path f = failFiles[host.ordinal()];
        if (!Files.exists(f)) {
            Files.createFile(f);
        }
    }

    /** The path of {@code host} works again. */
    public void restorePath(Host host) throws IOException {
        Files.deleteIfExists(failFiles[host.ordinal()]);
    }

    /**
     * Holds every I/O of {@code host} for {@code length}, then lets it go: a latency spike.
     * Returns once the spike is over; the pause takes effect once requests already in flight
     * have completed.
     */
    public void spike(Host host, Duration length) throws IOException, InterruptedException {
        try (SocketChannel control = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            control.connect(UnixDomainSocketAddress.of(pauseSockets[host.ordinal()]));
            command(control, 'p');
            try {
                Thread.sleep(length.toMillis());
            } finally {
                command(control, 'r');
            }
        }
    }

    /** Restores both paths (a spike always ends by itself). */
    public void heal() throws IOException {
        for (Host h : Host.values()) {
            restorePath(h);
        }
    }

    /** Sends one command to nbdkit's pause filter and waits for its upper-case echo. */
    private static void command(SocketChannel control, char c) throws IOException {
        control.write(ByteBuffer.wrap(new byte[] {(byte) c}));
        ByteBuffer echo = ByteBuffer.allocate(1);
        while (echo.hasRemaining()) {
            if (control.read(echo) < 0) {
                throw new IOException("the pause control socket closed before echoing '" + c + "'");
            }
        }
        char got = (char) echo.get(0);
        if (got != Character.toUpperCase(c)) {
            throw new IOException("the pause control socket answered '" + got + "' to '" + c + "'");
        }
    }
}
