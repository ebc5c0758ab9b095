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

    @Parameters(index = "0", paramLabel = "PATH")
    String path;

    @Parameters(index = "1", paramLabel = "PORT")
    int port;

    @Parameters(index = "2", paramLabel = "FILE")
    Path file;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "connect timeout (default ${DEFAULT-VALUE})")
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
            new FileHeader(file.getFileName().toString(), size).write(out);
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            Progress progress = new Progress("send", size);
            try (progress) {
                byte[] buf = new byte[CHUNK];
                long left = size;
                while (left > 0) {
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
                int verdict = new DataInputStream(ArrayStreams.in(s)).read();
                if (verdict != FileHeader.ACK_OK) {
                    throw new CliException(ExitCode.VERIFY_FAILED, verdict < 0 ? "the receiver closed without a verdict"
                            : "the receiver found a checksum mismatch");
                }
            }
            progress.report(System.err, "sent " + file.getFileName() + ":");
        }
        return ExitCode.OK;
    }
}
