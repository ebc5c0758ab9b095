package io.arraysock.cli;

import io.arraysock.ArraySocket;
import io.arraysock.api.SocketType;
import io.arraysock.StorageArray;
import org.apache.commons.io.FileUtils;
import org.apache.commons.io.file.PathUtils;
import org.apache.commons.io.filefilter.TrueFileFilter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
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
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * {@code arraysock backup-server}: the server of the LAN-free backup. Clients reach it on a
 * well-known control address (TCP, or a Unix socket file standing in for the LAN); for each
 * session it binds an array socket to a dynamically allocated port, reads the port back
 * (getsockname) and sends it over the control connection; the client then opens the data
 * and error connections through the array, and no file byte crosses the LAN.
 *
 * <p>Control conversation, one line each way: the client sends {@code BACKUP name} or
 * {@code RESTORE name}; the server answers {@code PORT p} or {@code ERR reason}.
 *
 * <p>The store holds {@code NAME/} (the tree), {@code NAME.sha256} (sha256sum format) and
 * {@code NAME.errors} (what the client reported on the error channel). A backup is written
 * beside the old one and swapped in at the end, so a failed session leaves the last good one.
 */
@Command(name = "backup-server", mixinStandardHelpOptions = true,
        description = {"Serves LAN-free backups: control over TCP (or a Unix socket), data through the array."})
final class BackupServerCommand implements Callable<Integer> {
    /** How long a client has to open its array connections after being told the port. */
    static final Duration SESSION_SETUP = Duration.ofSeconds(30);

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PATH", description = "the array: a segment (/dev/shm/NAME) or a block device")
    String path;

    @Option(names = "--store", required = true, paramLabel = "DIR", description = "where backups are kept")
    Path store;

    @Option(names = "--control", paramLabel = "ADDR", description = "HOST:PORT (TCP) or unix:/path (default ${DEFAULT-VALUE}); port 0 picks one")
    String control = ControlAddress.DEFAULT;

    @Option(names = "--sessions", paramLabel = "N", description = "exit after N sessions (default: serve until killed)")
    int sessions;

    @Option(names = "--ready-file", paramLabel = "FILE", description = "write the control address here once listening (for scripts)")
    Path readyFile;

    @Override
    public Integer call() throws Exception {
        Sha256Warmup.start(); // while the array attaches and the session is set up
        Files.createDirectories(store);
        ControlAddress address = ControlAddress.parse(control);
        AtomicInteger failures = new AtomicInteger();
        PrintWriter log = spec.commandLine().getOut();
        try (StorageArray array = ExitCleanup.closeAtExit(StorageArray.attach(path));
             ServerSocketChannel server = address.listen()) {
            String shown = ControlAddress.show(server.getLocalAddress());
            log.printf("backup-server: node %d of %s, control on %s, store %s%n", array.nodeSlot(), path, shown, store);
            log.flush();
            if (readyFile != null) {
                Path tmp = readyFile.resolveSibling(readyFile.getFileName() + ".tmp");
                Files.writeString(tmp, shown + "\n");
                Files.move(tmp, readyFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            ExecutorService pool = Executors.newCachedThreadPool();
            try {
                for (int n = 0; sessions == 0 || n < sessions; n++) {
                    SocketChannel client = server.accept();
                    int id = n + 1;
                    pool.submit(() -> {
                        try (client) {
                            serve(array, client, id, log);
                        } catch (Exception | InternalError e) {
                            // a submitted task's throwable would sit unseen in its future
                            failures.incrementAndGet();
                            log.println("session " + id + ": failed: " + ExitCode.describe(MediumFaults.typed(e)));
                        }
                    });
                }
                pool.shutdown();
                pool.awaitTermination(1, TimeUnit.DAYS);
            } finally {
                pool.shutdownNow();
                address.cleanUp();
            }
        }
        return failures.get() == 0 ? ExitCode.OK : ExitCode.PARTIAL;
    }

    private void serve(StorageArray array, SocketChannel client, int id, PrintWriter log) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(client), StandardCharsets.UTF_8));
        PrintWriter out = new PrintWriter(Channels.newOutputStream(client), true, StandardCharsets.UTF_8);
        String request = in.readLine();
        String[] words = request == null ? new String[0] : request.trim().split(" ", 2);
        if (words.length != 2 || !(words[0].equals("BACKUP") || words[0].equals("RESTORE"))
                || !BackupWire.NAME.matcher(words[1]).matches()) {
            out.println("ERR expected 'BACKUP name' or 'RESTORE name' (name: letters, digits, . _ -)");
            throw new CliException(ExitCode.PROTOCOL, "bad request: " + request);
        }
        boolean backup = words[0].equals("BACKUP");
        String name = words[1];
        if (!backup && !Files.isDirectory(store.resolve(name))) {
            out.println("ERR no backup named " + name);
            throw new CliException(ExitCode.PROTOCOL, "restore of unknown backup " + name);
        }
        try (ArraySocket listener = array.openSocket(SocketType.STREAM)) {
            listener.setSendBufferSize(BackupSession.RING_BYTES);
            listener.bind(0);
            listener.listen(2);
            int port = listener.localPort();
            out.println("PORT " + port);
            log.printf("session %d: %s %s: array port %d sent over the control connection%n", id, words[0], name, port);
            try (BackupSession session = BackupSession.accept(listener, SESSION_SETUP,
                    line -> log.printf("session %d: client reports: %s%n", id, line))) {
                listener.close();
                log.printf("session %d: data and error connections up (token checked)%n", id);
                if (backup) {
                    receiveBackup(session, name, id, log);
                } else {
                    sendRestore(session, name, id, log);
                }
            }
        }
    }

    private void receiveBackup(BackupSession session, String name, int id, PrintWriter log) throws Exception {
        Path incoming = ExitCleanup.deleteAtExit(Files.createTempDirectory(store, "." + name + ".incoming-"));
        boolean done = false;
        try {
            Map<String, String> manifest = new TreeMap<>();
            long files = 0;
            long bytes = 0;
            int failed = 0;
            long start = System.nanoTime();
            BufferPipe pipe = new BufferPipe(BackupWire.PIPE_BUFFERS, BackupWire.PIPE_BUFFER);
            // the receiver fills the pipe; this thread checks and writes the files meanwhile
            SocketPump.Stage<Long> receiver = new SocketPump.Stage<>("backup-receiver-" + id, pipe,
                    () -> SocketPump.receiveAll(session.data, pipe));
            PipeInputStream in = new PipeInputStream(pipe);
            DataInputStream records = new DataInputStream(in);
            try {
                for (int kind; (kind = records.readUnsignedByte()) != BackupWire.END; ) {
                    if (kind == BackupWire.DIR) {
                        Files.createDirectories(incoming.resolve(BackupWire.readPath(records)));
                    } else if (kind == BackupWire.FILE) {
                        String rel = BackupWire.readPath(records);
                        Path target = incoming.resolve(rel);
                        Files.createDirectories(target.getParent());
                        BackupWire.Received r;
                        try (FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE,
                                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                            r = BackupWire.readFileBody(in, out);
                        }
                        if (r.changed()) {
                            Files.delete(target); // the client reports why on the error channel
                        } else if (!r.checksumOk()) {
                            Files.delete(target);
                            failed++;
                            session.errors.report("FAIL " + rel + ": SHA-256 mismatch on the server, not stored");
                        } else {
                            manifest.put(rel, HexFormat.of().formatHex(r.sha()));
                            files++;
                            bytes += r.size();
                        }
                    } else {
                        throw new CliException(ExitCode.PROTOCOL, "unknown record type " + kind);
                    }
                }
                BackupWire.expectEndOfStream(in);
                receiver.join();
            } catch (IOException | RuntimeException | Error e) {
                pipe.fail(e);
                receiver.joinQuietly(1);
                throw SocketPump.rethrow(e);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            List<String> clientErrors = session.errors.awaitPeer(BackupServerCommand.SESSION_SETUP.toSeconds());
            // store first, then confirm: a client told "stored" may restore at once
            // swap in: the old backup stays until the new one is complete
            List<String> lines = new ArrayList<>();
            manifest.forEach((rel, sha) -> lines.add(sha + "  " + rel));
            Files.write(store.resolve(name + ".sha256"), lines);
            Files.write(store.resolve(name + ".errors"), clientErrors);
            Path target = store.resolve(name);
            if (Files.exists(target)) {
                FileUtils.deleteDirectory(target.toFile());
            }
            Files.move(incoming, target, StandardCopyOption.ATOMIC_MOVE);
            ExitCleanup.kept(incoming);
            done = true;
            DataOutputStream out = new DataOutputStream(ArrayStreams.out(session.data));
            out.writeByte(BackupWire.SUMMARY);
            out.writeLong(files);
            out.writeLong(bytes);
            out.writeInt(clientErrors.size());
            out.writeInt(failed);
            out.flush();
            session.errors.finishSending();
            session.data.shutdownOutput();
            log.printf("session %d: stored %d files, %s in %.2f s (%.1f MiB/s); %d reported by the client, %d failed here%n", id,
                    files, SizeConverter.human(bytes), seconds, bytes / Math.max(seconds, 1e-9) / (1 << 20), clientErrors.size(), failed);
        } finally {
            if (!done) {
                FileUtils.deleteQuietly(incoming.toFile());
            }
        }
    }

    private void sendRestore(BackupSession session, String name, int id, PrintWriter log) throws Exception {
        Path root = store.resolve(name);
        Map<String, String> manifest = readManifest(store.resolve(name + ".sha256"));
        long start = System.nanoTime();
        BufferPipe pipe = new BufferPipe(BackupWire.PIPE_BUFFERS, BackupWire.PIPE_BUFFER);
        // this thread sends; the reader opens, reads and hashes the stored files meanwhile
        SocketPump.Stage<long[]> reader = new SocketPump.Stage<>("restore-reader-" + id, pipe,
                () -> readStore(session, root, manifest, pipe));
        long[] counts;
        try {
            SocketPump.sendAll(pipe, session.data);
            counts = reader.join();
        } catch (IOException | RuntimeException | Error e) {
            reader.joinQuietly(5);
            throw SocketPump.rethrow(e);
        }
        long files = counts[0];
        long bytes = counts[1];
        double seconds = (System.nanoTime() - start) / 1e9;
        session.errors.finishSending();
        session.data.shutdownOutput();
        List<String> clientErrors = session.errors.awaitPeer(SESSION_SETUP.toSeconds());
        log.printf("session %d: restored %d files, %s in %.2f s (%.1f MiB/s); the client reported %d problems%n", id, files,
                SizeConverter.human(bytes), seconds, bytes / Math.max(seconds, 1e-9) / (1 << 20), clientErrors.size());
    }

    /** The reader's part of a restore: the stored tree's records into the pipe; returns {files, bytes} that matched the manifest. */
    private static long[] readStore(BackupSession session, Path root, Map<String, String> manifest, BufferPipe pipe)
            throws IOException {
        PipeOutputStream out = new PipeOutputStream(pipe);
        DataOutputStream dirs = new DataOutputStream(out);
        long files = 0;
        long bytes = 0;
        try (Stream<Path> walk = PathUtils.walk(root, TrueFileFilter.INSTANCE, Integer.MAX_VALUE, false)) {
            for (Path p : (Iterable<Path>) walk.sorted()::iterator) {
                if (p.equals(root)) {
                    continue;
                }
                String rel = BackupWire.relative(root, p);
                if (Files.isDirectory(p)) {
                    BackupWire.writePath(dirs, BackupWire.DIR, rel);
                    continue;
                }
                long size = Files.size(p);
                BackupWire.Sent sent;
                try (FileChannel in = FileChannel.open(p, StandardOpenOption.READ)) {
                    sent = BackupWire.writeFile(out, rel, size, in);
                }
                String expected = manifest.get(rel);
                if (!sent.complete() || expected == null || !expected.equals(HexFormat.of().formatHex(sent.sha()))) {
                    session.errors.report("FAIL " + rel + ": the stored copy does not match the backup's checksum");
                } else {
                    files++;
                    bytes += size;
                }
            }
        }
        out.write(BackupWire.END);
        out.close();
        return new long[] {files, bytes};
    }

    private static Map<String, String> readManifest(Path file) throws IOException {
        Map<String, String> m = new TreeMap<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file)) {
                int sep = line.indexOf("  ");
                if (sep > 0) {
                    m.put(line.substring(sep + 2), line.substring(0, sep));
                }
            }
        }
        return m;
    }
}
