package io.arraysock.cli;

import io.arraysock.api.AlreadyFormattedException;
import io.arraysock.FormatOptions;
import io.arraysock.format.SuperblockCodec;
import io.arraysock.StorageArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Callable;

/** {@code arraysock format}: lays an empty array onto a segment or a device. */
@Command(name = "format", mixinStandardHelpOptions = true,
        description = {"Formats PATH as an empty array.",
                "A missing PATH in /dev/shm (or on any tmpfs) is created as a segment; anything else "
                        + "(a block device, an existing file) is written in place."})
final class FormatCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PATH", description = "e.g. /dev/shm/backup or /dev/sdb")
    String path;

    @Option(names = "--size", paramLabel = "BYTES", converter = SizeConverter.class,
            description = "size of a new segment (e.g. 1G; default: just what the geometry needs), or of a new file "
                    + "off tmpfs, which format then creates")
    long size;

    @Option(names = "--nodes", paramLabel = "N", description = "node slots: processes that may attach at once (default ${DEFAULT-VALUE})")
    int nodes = FormatOptions.DEFAULT_NODE_SLOTS;

    @Option(names = "--sockets-per-node", paramLabel = "K", description = "sockets each node may have open (default ${DEFAULT-VALUE})")
    int socketsPerNode = FormatOptions.DEFAULT_SOCKETS_PER_NODE;

    @Option(names = "--arena-size", paramLabel = "BYTES", converter = SizeConverter.class,
            description = "ring memory per node (default 16M)")
    long arenaSize = FormatOptions.DEFAULT_ARENA_SIZE;

    @Option(names = "--force", description = {"overwrite an existing array, once no node is alive on it (nodes on "
            + "other hosts are watched for up to the array's liveness timeout, 2 s by default)"})
    boolean force;

    @Option(names = "--force-live", description = {"overwrite it even while nodes are alive on it: they lose their "
            + "sockets and are told the array was reformatted (implies --force)"})
    boolean forceLive;

    @Option(names = "--preallocate", description = {"allocate every page of a segment now (fallocate), so that the "
            + "array cannot fault later because its tmpfs filled up; a new segment is refused anyway when the tmpfs "
            + "has less free space than its size"})
    boolean preallocate;

    @Option(names = "--mode", paramLabel = "OCTAL", description = "permissions of a new segment or file (default 0600)")
    String mode = "0600";

    /**
     * The library checks the size before the magic, so re-formatting an array with a larger
     * geometry would say "too small"; the user's mistake is "already formatted", so say that.
     */
    private void refuseIfFormatted() throws IOException {
        Path p = Path.of(path);
        if (!Files.exists(p)) {
            return;
        }
        ByteBuffer first = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            while (first.hasRemaining() && ch.read(first) >= 0) {
                // a short read of a device: keep going
            }
        }
        if (!first.hasRemaining() && SuperblockCodec.hasMagic(first.flip())) {
            throw new AlreadyFormattedException(path, "already formatted as an array");
        }
    }

    /**
     * A missing path off tmpfs is no segment: with --size it becomes a regular file of that
     * size (sparse; the array then lives on the file's disk); without, say what must exist.
     */
    private void createFileIfAsked(int bits) throws IOException {
        Path p = Path.of(path);
        if (Files.exists(p) || onTmpfs(p)) {
            return;
        }
        if (size == 0) {
            throw new CliException(ExitCode.NO_SUCH_PATH, path + ": no such file or device. format creates segments "
                    + "only on a tmpfs (e.g. /dev/shm/NAME); elsewhere PATH must be an existing block device or file, "
                    + "or give --size to create a file of that size");
        }
        Files.createFile(p);
        Files.setPosixFilePermissions(p, Umask.permissions(bits)); // exactly --mode: the umask must not narrow it
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(size);
        }
    }

    private static boolean onTmpfs(Path p) {
        Path parent = p.toAbsolutePath().getParent();
        try {
            return p.toString().startsWith("/dev/shm/") || (parent != null && "tmpfs".equals(Files.getFileStore(parent).type()));
        } catch (IOException e) {
            return false; // the parent is missing too: createFile says so
        }
    }

    @Override
    public Integer call() throws Exception {
        int bits;
        try {
            bits = Integer.parseInt(mode, 8);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--mode must be octal permission bits like 0660: " + mode);
        }
        FormatOptions options = FormatOptions.defaults().withNodeSlots(nodes).withSocketsPerNode(socketsPerNode)
                .withArenaSize(arenaSize).withForce(force || forceLive).withForceLive(forceLive).withMode(bits).withSize(size).withPreallocate(preallocate);
        createFileIfAsked(bits);
        if (!force && !forceLive) {
            refuseIfFormatted();
        }
        StorageArray.format(path, options);
        spec.commandLine().getOut().printf("formatted %s: %d node slots x %d sockets, %s arena per node%n", path, nodes,
                socketsPerNode, SizeConverter.human(arenaSize));
        return ExitCode.OK;
    }
}
