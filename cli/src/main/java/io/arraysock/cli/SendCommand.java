package io.arraysock.cli;

import io.arraysock.ArraySocket;
import io.arraysock.api.SocketType;
import io.arraysock.StorageArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.InputStream;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code arraysock send}: one file to a {@code recv} through the array. */
@Command(name = "send", mixinStandardHelpOptions = true,
        description = {"Sends FILE to an 'arraysock recv' listening on PORT.",
                "Name, size, bytes and SHA-256 go out; the receiver's verdict comes back. A progress bar on stderr "
                        + "when it is a terminal; the throughput at the end."})
final class SendCommand implements Callable<Integer> {
    static final int CHUNK = 1 << 20;
    /** Rings this large keep both processes busy at once; the default is tuned for messages. */
    static final int RING_BYTES = 4 << 20;

    @Parameters(index = "0", paramLabel = "PATH", description = "the array: a segment (/dev/shm/NAME) or a block device")
    String path;

    @Parameters(index = "1", paramLabel = "PORT", description = "the array port a listener waits on (not a TCP port)")
    int port;

    @Parameters(index = "2", paramLabel = "FILE", description = "the regular file to send (its name goes along)")
    Path file;

    @Option(names = "--timeout", paramLabel = "SECONDS", converter = SecondsConverter.class, description = "how long to wait for the connection, and then "
            + "for the receiver's answer to the file header (default ${DEFAULT-VALUE})")
    long timeoutSeconds = 10;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(file)) {
            throw Files.exists(file) ? new IllegalArgumentException(file + ": not a regular file")
                    : new NoSuchFileException(file.toString());
        }
        long size = Files.size(file);
        try (StorageArray array = ExitCleanup.closeAtExit(StorageArray.attach(path));
             ArraySocket s = array.openSocket(SocketType.STREAM);
             InputStream in = Files.newInputStream(file)) {
            s.setSendBufferSize(RING_BYTES);
            s.connect(port, Duration.ofSeconds(timeoutSeconds));
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(ArrayStreams.out(s), CHUNK));
            DataInputStream answers = new DataInputStream(ArrayStreams.in(s));
            new FileHeader(file.getFileName().toString(), size).write(out);
            out.flush();
            awaitReady(s, answers);
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            Progress progress = new Progress("send", size);
            try (progress) {
                byte[] buf = new byte[CHUNK];
                long left = size;
                while (left > 0) {
                    if (s.available() > 0) {
                        throw early(answers); // the receiver gave up (its disk filled up, say): it says why
                    }
                    int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                    if (n < 0) {
                        throw new CliException(ExitCode.VERIFY_FAILED, file + " shrank while it was sent");
                    }
                    sha.update(buf, 0, n);
                    out.write(buf, 0, n);
                    left -= n;
                    progress.add(n);
                }
                out.write(sha.digest());
                out.flush();
                s.shutdownOutput();
                int verdict = answers.read();
                if (verdict == FileHeader.REFUSED) {
                    throw FileHeader.readRefusal(answers);
                }
                if (verdict != FileHeader.ACK_OK) {
                    throw new CliException(ExitCode.VERIFY_FAILED, verdict < 0 ? "the receiver closed without a verdict"
                            : "the receiver found a checksum mismatch");
                }
            }
            progress.report(System.err, "sent " + file.getFileName() + ":");
        }
        return ExitCode.OK;
    }

    /**
     * The receiver's answer to the header, within the timeout: a peer that is no 'arraysock
     * recv' (a netcat listen) never answers, and must not keep us waiting forever.
     */
    private void awaitReady(ArraySocket s, DataInputStream answers) throws IOException {
        s.setReceiveTimeout(Duration.ofSeconds(timeoutSeconds));
        int a;
        try {
            a = answers.read();
        } catch (SocketTimeoutException e) {
            throw new CliException(ExitCode.TIMEOUT, "no answer to the file header in " + timeoutSeconds
                    + " s: is it 'arraysock recv' that listens on port " + port + "?");
        }
        s.setReceiveTimeout(Duration.ZERO);
        if (a == FileHeader.REFUSED) {
            throw FileHeader.readRefusal(answers);
        }
        if (a != FileHeader.READY) {
            throw new CliException(ExitCode.PROTOCOL, a < 0 ? "the receiver closed without answering the file header"
                    : "the peer on port " + port + " is not 'arraysock recv' (it answered byte " + a + ")");
        }
    }

    /** What the receiver said before the file was through: a refusal, or nonsense. */
    private static CliException early(DataInputStream answers) throws IOException {
        int a = answers.read();
        return a == FileHeader.REFUSED ? FileHeader.readRefusal(answers)
                : new CliException(ExitCode.PROTOCOL, "the receiver sent byte " + a + " before the file was through");
    }
}
