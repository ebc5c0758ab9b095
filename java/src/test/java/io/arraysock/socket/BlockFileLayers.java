package io.arraysock.socket;

import io.arraysock.format.Geometry;
import io.arraysock.medium.BlockMedium;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Two socket layers (nodes 0 and 1) of one process on one block medium over a regular
 * file with O_DIRECT (in /var/tmp: tmpfs has no O_DIRECT): the block data path without a
 * device pair. Closing closes both layers and the medium and deletes the file.
 */
final class BlockFileLayers implements AutoCloseable {
    static final int SECTOR = 512;

    final Path file;
    final BlockMedium medium;
    final SocketLayer a;
    final SocketLayer b;

    BlockFileLayers(String prefix) throws Exception {
        Geometry g = new Geometry(SECTOR, 4, 64, 8 << 20);
        file = Files.createTempFile(Path.of("/var/tmp"), prefix, ".img");
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(g.requiredSize());
        }
        medium = BlockMedium.open(file.toString());
        Map<Integer, Long> live = BareNode.registry();
        a = new SocketLayer(new BareNode(medium, g, 0, live));
        b = new SocketLayer(new BareNode(medium, g, 1, live));
    }

    @Override
    public void close() throws Exception {
        a.close();
        b.close();
        medium.close();
        Files.deleteIfExists(file);
    }
}
