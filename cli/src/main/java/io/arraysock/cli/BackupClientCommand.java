package io.arraysock.cli;

import io.arraysock.StorageArray;
import org.apache.commons.io.file.PathUtils;
import org.apache.commons.io.filefilter.TrueFileFilter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code arraysock backup-client}: backs a directory tree up to a {@code backup-server}, or
 * restores one, with the file bytes going through the array. Only regular files and
 * directories are backed up; anything else (FIFOs, sockets, devices, symbolic links) and
 * files that vanish or change while read are reported on the error channel, and the run
 * ends with exit code 16 (partial).
 */
@Command(name = "backup-client", mixinStandardHelpOptions = true,
        description = {"Backs a directory tree up to a backup-server, or restores one, through the array.",
                "backup DIR: sends the tree under DIR to the server, which verifies every file's SHA-256.",
                "restore DIR: fetches backup --name into DIR (new or empty), verifying every file's SHA-256."})
final class BackupClientCommand implements Callable<Integer> {
    enum Action { backup, restore }

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PATH", description = "the array: a segment (/dev/shm/NAME) or a block device")
    String path;

    @Parameters(index = "1", paramLabel = "ACTION", description = "backup or restore")
    Action action;

    @Parameters(index = "2", paramLabel = "DIR", description = "the directory to back up, or to restore into")
    Path dir;

    @Option(names = "--name", paramLabel = "NAME", description = "the backup's name on the server (default: DIR's name)")
    String name;

    @Option(names = "--server", paramLabel = "ADDR", description = "the server's control address: HOST:PORT or unix:/path (default ${DEFAULT-VALUE})")
    String server = ControlAddress.DEFAULT;

    @Override
    public Integer call() throws Exception {
        Sha256Warmup.start(); // while the array attaches and the session is set up
        PrintWriter out = spec.commandLine().getOut();
        String backupName = name != null ? name : dir.toAbsolutePath().normalize().getFileName().toString();
        if (!BackupWire.NAME.matcher(backupName).matches()) {
            throw new IllegalArgumentException("--name must be letters, digits, '.', '_' or '-': " + backupName);
        }
        if (action == Action.backup && !Files.isDirectory(dir)) {
            throw Files.exists(dir) ? new IllegalArgumentException(dir + ": not a directory") : new NoSuchFileException(dir.toString());
        }
        if (action == Action.restore && Files.exists(dir) && !PathUtils.isEmptyDirectory(dir)) {
            throw new IllegalArgumentException(dir + ": restore needs a new or empty directory");
        }
        ControlAddress address = ControlAddress.parse(server);
        try (StorageArray array = ExitCleanup.closeAtExit(StorageArray.attach(path));
             SocketChannel control = connectControl(address)) {
            PrintWriter ctlOut = new PrintWriter(Channels.newOutputStream(control), true, StandardCharsets.UTF_8);
            BufferedReader ctlIn = new BufferedReader(new InputStreamReader(Channels.newInputStream(control), StandardCharsets.UTF_8));
            ctlOut.println((action == Action.backup ? "BACKUP " : "RESTORE ") + backupName);
            String answer = ctlIn.readLine();
            if (answer == null || !answer.startsWith("PORT ")) {
                throw new CliException(ExitCode.PROTOCOL, "the server refused: " + (answer == null ? "it hung up" : answer));
            }
            int port = Integer.parseInt(answer.substring("PORT ".length()).trim());
            out.printf("control %s: the server listens on array port %d; connecting data and error channels%n",
                    ControlAddress.show(address.address()), port);
            out.flush();
            try (BackupSession session = BackupSession.connect(array, port, BackupServerCommand.SESSION_SETUP, line -> {
                synchronized (out) {
                    out.println("server reports: " + line);
                    out.flush();
                }
            })) {
                return action == Action.backup ? backup(session, out) : restore(session, out);
            }
        }
    }

    private static SocketChannel connectControl(ControlAddress address) throws IOException {
        try {
            return address.connect();
        } catch (java.net.SocketException | NoSuchFileException e) {
            // TCP: connection refused; Unix socket: refused, or no socket file at that path
            throw new CliException(ExitCode.REFUSED, "no backup server at " + ControlAddress.show(address.address())
                    + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"));
        }
    }

    private int backup(BackupSession session, PrintWriter out) throws Exception {
        Progress progress = new Progress("backup", treeBytes(dir));
        BufferPipe pipe = new BufferPipe(BackupWire.PIPE_BUFFERS, BackupWire.PIPE_BUFFER);
        // this thread sends; the reader opens, reads and hashes the files meanwhile
        SocketPump.Stage<Integer> reader = new SocketPump.Stage<>("backup-reader", pipe, () -> readTree(session, pipe, progress));
        int skipped;
        try (progress) {
            SocketPump.sendAll(pipe, session.data);
            skipped = reader.join();
            session.data.shutdownOutput();
        } catch (IOException | RuntimeException | Error e) {
            reader.joinQuietly(5);
            throw SocketPump.rethrow(e);
        }
        DataInputStream in = new DataInputStream(ArrayStreams.in(session.data));
        if (in.readUnsignedByte() != BackupWire.SUMMARY) {
            throw new CliException(ExitCode.PROTOCOL, "the server did not send its summary");
        }
        long files = in.readLong();
        long bytes = in.readLong();
        int reported = in.readInt();
        int failed = in.readInt();
        List<String> serverErrors = session.errors.awaitPeer(BackupServerCommand.SESSION_SETUP.toSeconds());
        out.printf(Locale.ROOT, "backup: the server verified and stored %d files, %s; %s through the array; %d skipped here "
                        + "(reports the server received: %d), %d failed on the server%n", files, SizeConverter.human(bytes),
                progress.summary(), skipped, reported, failed);
        out.flush();
        if (failed > 0 || serverErrors.stream().anyMatch(l -> l.startsWith("FAIL"))) {
            return ExitCode.VERIFY_FAILED;
        }
        return skipped > 0 ? ExitCode.PARTIAL : ExitCode.OK;
    }

    /** The reader's part of a backup: the tree's records into the pipe, refusals to the error channel; returns the refusals. */
    private int readTree(BackupSession session, BufferPipe pipe, Progress progress) throws IOException {
        int skipped = 0;
        PipeOutputStream data = new PipeOutputStream(pipe);
        try (Stream<Path> walk = PathUtils.walk(dir, TrueFileFilter.INSTANCE, Integer.MAX_VALUE, false)) {
            for (Path p : (Iterable<Path>) walk.sorted()::iterator) {
                if (p.equals(dir)) {
                    continue;
                }
                String rel = BackupWire.relative(dir, p);
                String refusal = send(data, p, rel, progress);
                if (refusal != null) {
                    skipped++;
                    session.errors.report("SKIP " + rel + ": " + refusal);
                }
            }
        }
        session.errors.finishSending();
        data.write(BackupWire.END);
        data.close();
        return skipped;
    }

    /** Puts one tree entry into the record stream; returns why it was refused, or null when it went out. */
    static String send(PipeOutputStream data, Path p, String rel, Progress progress) throws IOException {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return "vanished before it was read";
        }
        if (a.isDirectory()) {
            BackupWire.writePath(new DataOutputStream(data), BackupWire.DIR, rel);
            return null;
        }
        if (a.isSymbolicLink()) {
            return "symbolic link, not followed";
        }
        if (!a.isRegularFile()) {
            return "special file (" + kind(p) + "), not backed up";
        }
        FileChannel in;
        try {
            in = FileChannel.open(p, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return "vanished before it was read";
        } catch (IOException e) {
            return "cannot open: " + ExitCode.describe(e);
        }
        try (in) {
            boolean complete = BackupWire.writeFile(data, rel, a.size(), in).complete();
            progress.add(a.size());
            return complete ? null : "changed while it was read (size was " + a.size() + "), discarded";
        }
    }

    private static String kind(Path p) {
        try {
            Object mode = Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            int type = (Integer) mode & 0170000;
            return switch (type) {
                case 0010000 -> "fifo";
                case 0140000 -> "socket";
                case 0020000 -> "character device";
                case 0060000 -> "block device";
                default -> "type " + Integer.toOctalString(type);
            };
        } catch (IOException | UnsupportedOperationException e) {
            return "not a regular file";
        }
    }

    private static long treeBytes(Path root) throws IOException {
        try (Stream<Path> walk = PathUtils.walk(root, TrueFileFilter.INSTANCE, Integer.MAX_VALUE, false)) {
            return walk.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        }
    }

    private int restore(BackupSession session, PrintWriter out) throws Exception {
        Files.createDirectories(dir);
        long files = 0;
        int failed = 0;
        Progress progress = new Progress("restore", 0);
        BufferPipe pipe = new BufferPipe(BackupWire.PIPE_BUFFERS, BackupWire.PIPE_BUFFER);
        // the receiver fills the pipe; this thread checks and writes the files meanwhile
        SocketPump.Stage<Long> receiver = new SocketPump.Stage<>("restore-receiver", pipe,
                () -> SocketPump.receiveAll(session.data, pipe));
        PipeInputStream in = new PipeInputStream(pipe);
        DataInputStream records = new DataInputStream(in);
        try (progress) {
            for (int kind; (kind = records.readUnsignedByte()) != BackupWire.END; ) {
                String rel = BackupWire.readPath(records);
                Path target = dir.resolve(rel);
                if (kind == BackupWire.DIR) {
                    Files.createDirectories(target);
                    continue;
                }
                if (kind != BackupWire.FILE) {
                    throw new CliException(ExitCode.PROTOCOL, "unknown record type " + kind);
                }
                Files.createDirectories(target.getParent());
                BackupWire.Received r;
                try (FileChannel o = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                        StandardOpenOption.WRITE)) {
                    r = BackupWire.readFileBody(in, o);
                }
                progress.add(r.size());
                if (r.changed() || !r.checksumOk()) {
                    Files.delete(target);
                    failed++;
                    session.errors.report("FAIL " + rel + ": " + (r.changed() ? "the server could not read it whole"
                            : "SHA-256 mismatch on the client") + ", not restored");
                } else {
                    files++;
                }
            }
            BackupWire.expectEndOfStream(in);
            receiver.join();
        } catch (IOException | RuntimeException | Error e) {
            pipe.fail(e);
            receiver.joinQuietly(1);
            throw SocketPump.rethrow(e);
        }
        session.errors.finishSending();
        List<String> serverErrors = session.errors.awaitPeer(BackupServerCommand.SESSION_SETUP.toSeconds());
        out.printf(Locale.ROOT, "restore: %d files verified and written to %s; %s through the array; %d failed here, "
                + "%d reported by the server%n", files, dir, progress.summary(), failed, serverErrors.size());
        out.flush();
        return failed > 0 || !serverErrors.isEmpty() ? ExitCode.VERIFY_FAILED : ExitCode.OK;
    }
}
