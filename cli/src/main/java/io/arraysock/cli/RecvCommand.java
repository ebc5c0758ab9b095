package io.arraysock.cli;

import io.arraysock.ArraySocket;
import io.arraysock.api.SocketType;
import io.arraysock.StorageArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Callable;

/** {@code arraysock recv}: takes one file from a {@code send}. */
@Command(name = "recv", mixinStandardHelpOptions = true,
        description = {"Receives one file from 'arraysock send' on PORT into DIR.",
                "The file is stored under its name after its size and SHA-256 are checked (a partial file never "
                        + "appears under that name), with mode 0666 minus the umask. PORT 0 picks a free port and prints "
                        + "it on stderr. A refusal (the file exists, too little space) is told to the sender."})
final class RecvCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "PATH", description = "the array: a segment (/dev/shm/NAME) or a block device")
    String path;

    @Parameters(index = "1", paramLabel = "PORT", description = "the array port to listen on (not a TCP port); 0 picks one")
    int port;

    @Parameters(index = "2", paramLabel = "DIR", description = "the directory the file is stored in")
    Path dir;

    @Option(names = "--timeout", paramLabel = "SECONDS", converter = SecondsConverter.class, description = "give up when nobody "
            + "connects in time (default: wait forever), or when the sender's file header does not come in time (default "
            + "10 s)")
    long timeoutSeconds;

    /** How long the file header may take when no --timeout is given: a peer that sends none must not hold us forever. */
    static final long HEADER_TIMEOUT_SECONDS = 10;

    @Option(names = "--force", description = "replace a file of the same name in DIR")
    boolean force;

    @Override
    public Integer call() throws Exception {
        if (!Files.isDirectory(dir)) {
            throw Files.exists(dir) ? new IllegalArgumentException(dir + ": not a directory") : new NoSuchFileException(dir.toString());
        }
        try (StorageArray array = ExitCleanup.closeAtExit(StorageArray.attach(path));
             ArraySocket listener = array.openSocket(SocketType.STREAM)) {
            listener.setReceiveBufferSize(SendCommand.RING_BYTES);
            listener.bind(port);
            listener.listen(1);
            if (port == 0) {
                System.err.println("listening on port " + listener.localPort());
            }
            try (ArraySocket s = timeoutSeconds > 0 ? listener.accept(Duration.ofSeconds(timeoutSeconds)) : listener.accept()) {
                listener.close();
                receive(s);
            }
        }
        return ExitCode.OK;
    }

    /** How long a refusing receiver reads on, so that the sender, which looks between chunks, hears why. */
    private static final Duration DRAIN = Duration.ofSeconds(10);

    /** A failure to store the file here (not of the connection): the sender is told why. */
    private static final class StoreFailure extends IOException {
        private static final long serialVersionUID = 1L;

        StoreFailure(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    private void receive(ArraySocket s) throws Exception {
        DataInputStream in = new DataInputStream(new BufferedInputStream(ArrayStreams.in(s), SendCommand.CHUNK));
        DataOutputStream answer = new DataOutputStream(ArrayStreams.out(s));
        long headerSeconds = timeoutSeconds > 0 ? timeoutSeconds : HEADER_TIMEOUT_SECONDS;
        s.setReceiveTimeout(Duration.ofSeconds(headerSeconds));
        FileHeader h;
        try {
            h = FileHeader.read(in);
        } catch (SocketTimeoutException e) {
            throw new CliException(ExitCode.TIMEOUT, "no file header in " + headerSeconds + " s: is it 'arraysock send' "
                    + "that connected to port " + s.localPort() + "?");
        }
        s.setReceiveTimeout(Duration.ZERO);
        Path target = dir.resolve(h.name());
        if (Files.exists(target) && !force) {
            throw refuse(s, in, answer, ExitCode.IO_ERROR, target + " exists (recv --force replaces it)");
        }
        long free = Files.getFileStore(dir).getUsableSpace();
        if (h.size() > free) {
            throw refuse(s, in, answer, ExitCode.NO_SPACE, dir + " has " + SizeConverter.human(free) + " free, "
                    + h.name() + " needs " + SizeConverter.human(h.size()));
        }
        Path part = ExitCleanup.deleteAtExit(Files.createTempFile(dir, "." + h.name() + ".", ".part"));
        boolean ok = false;
        try {
            answer.writeByte(FileHeader.READY);
            answer.flush();
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            Progress progress = new Progress("recv", h.size());
            try (progress) {
                copy(in, part, h, sha, progress);
            } catch (StoreFailure e) {
                throw refuse(s, in, answer, noSpace(e) ? ExitCode.NO_SPACE : ExitCode.IO_ERROR,
                        "storing " + h.name() + " failed: " + e.getMessage());
            }
            byte[] theirs = in.readNBytes(32);
            if (!Arrays.equals(theirs, sha.digest())) {
                answer.writeByte(FileHeader.ACK_BAD);
                answer.flush();
                s.shutdownOutput();
                throw new CliException(ExitCode.VERIFY_FAILED, h.name() + ": SHA-256 mismatch; nothing stored");
            }
            try {
                Files.setPosixFilePermissions(part, Umask.newFilePermissions()); // not the temporary file's 0600
                Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw refuse(s, in, answer, ExitCode.of(e), "storing " + h.name() + " failed: " + ExitCode.describe(e));
            }
            ExitCleanup.kept(part);
            ok = true;
            answer.writeByte(FileHeader.ACK_OK);
            answer.flush();
            s.shutdownOutput();
            progress.report(System.err, "received " + h.name() + ":");
        } finally {
            if (!ok) {
                Files.deleteIfExists(part);
            }
        }
    }

    /** The file's bytes from the socket into {@code part}; a failure to write them is a {@link StoreFailure}. */
    private static void copy(DataInputStream in, Path part, FileHeader h, MessageDigest sha, Progress progress)
            throws IOException {
        OutputStream out;
        try {
            out = Files.newOutputStream(part);
        } catch (IOException e) {
            throw new StoreFailure(e);
        }
        try {
            byte[] buf = new byte[SendCommand.CHUNK];
            long left = h.size();
            while (left > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) {
                    throw new EOFException("the sender stopped after " + (h.size() - left) + " of " + h.size() + " bytes");
                }
                sha.update(buf, 0, n);
                try {
                    out.write(buf, 0, n);
                } catch (IOException e) {
                    throw new StoreFailure(e);
                }
                left -= n;
                progress.add(n);
            }
        } finally {
            try {
                out.close();
            } catch (IOException e) {
                throw new StoreFailure(e);
            }
        }
    }

    /** The JDK names no type for ENOSPC: its message is the C library's. */
    private boolean noSpace(IOException e) {
        String m = e.getMessage();
        try {
            return (m != null && m.contains("No space left")) || Files.getFileStore(dir).getUsableSpace() == 0;
        } catch (IOException unknown) {
            return false;
        }
    }

    /**
     * Tells the sender why we refuse, then reads on (discarding) until it closes or
     * {@link #DRAIN} passes, so that it hears the reason instead of a reset; returns our own failure.
     */
    private static CliException refuse(ArraySocket s, DataInputStream in, DataOutputStream answer, int code, String reason) {
        try {
            FileHeader.writeRefusal(answer, code, reason);
            s.shutdownOutput();
            s.setReceiveTimeout(DRAIN);
            byte[] sink = new byte[SendCommand.CHUNK];
            long deadline = System.nanoTime() + DRAIN.toNanos();
            while (in.read(sink) >= 0 && System.nanoTime() < deadline) {
                // the sender's bytes in flight: it stops at its next chunk
            }
        } catch (IOException gone) {
            // the sender went away first (or never looks): nothing more to tell it
        }
        return new CliException(code, "refused: " + reason);
    }
}
