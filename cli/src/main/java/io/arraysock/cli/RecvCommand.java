package io.arraysock.cli;

import io.arraysock.ArraySocket;
import io.arraysock.api.SocketType;
import io.arraysock.StorageArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.OutputStream;
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
                        + "appears under that name). PORT 0 picks a free port and prints it on stderr."})
final class RecvCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "PATH")
    String path;

    @Parameters(index = "1", paramLabel = "PORT")
    int port;

    @Parameters(index = "2", paramLabel = "DIR")
    Path dir;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "give up when nobody connects in time (default: wait forever)")
    long timeoutSeconds;

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

    private void receive(ArraySocket s) throws Exception {
        DataInputStream in = new DataInputStream(new BufferedInputStream(ArrayStreams.in(s), SendCommand.CHUNK));
        FileHeader h = FileHeader.read(in);
        Path target = dir.resolve(h.name());
        if (Files.exists(target) && !force) {
            throw new CliException(ExitCode.IO_ERROR, target + " exists (add --force to replace it)");
        }
        Path part = ExitCleanup.deleteAtExit(Files.createTempFile(dir, "." + h.name() + ".", ".part"));
        boolean ok = false;
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            Progress progress = new Progress("recv", h.size());
            try (progress; OutputStream out = Files.newOutputStream(part)) {
                byte[] buf = new byte[SendCommand.CHUNK];
                long left = h.size();
                while (left > 0) {
                    int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                    if (n < 0) {
                        throw new EOFException("the sender stopped after " + (h.size() - left) + " of " + h.size() + " bytes");
                    }
                    sha.update(buf, 0, n);
                    out.write(buf, 0, n);
                    left -= n;
                    progress.add(n);
                }
            }
            byte[] theirs = in.readNBytes(32);
            boolean match = Arrays.equals(theirs, sha.digest());
            s.send(new byte[] {(byte) (match ? FileHeader.ACK_OK : FileHeader.ACK_BAD)}, 0, 1);
            s.shutdownOutput();
            if (!match) {
                throw new CliException(ExitCode.VERIFY_FAILED, h.name() + ": SHA-256 mismatch; nothing stored");
            }
            Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            ExitCleanup.kept(part);
            ok = true;
            progress.report(System.err, "received " + h.name() + ":");
        } finally {
            if (!ok) {
                Files.deleteIfExists(part);
            }
        }
    }
}
