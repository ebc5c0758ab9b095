package io.arraysock;

import io.arraysock.api.SocketType;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One side of a bind race: binds the given ports in turn, and while holding one creates a
 * marker file with O_EXCL in /dev/shm (seen by every process of this machine, whatever the
 * medium), so two holders at once show up as "TWO-HOLDERS".
 */
final class BindRace {
    private BindRace() {
    }

    /** Returns "won lost" plus " TWO-HOLDERS port" for every overlap seen. */
    static String run(StorageArray array, String ports, int rounds, int holdMicros) throws Exception {
        int won = 0;
        int lost = 0;
        StringBuilder overlaps = new StringBuilder();
        String[] list = ports.split(",");
        String prefix = "/dev/shm/arraysock-held-" + array.uuid() + "-";
        for (int r = 0; r < rounds; r++) {
            int port = Integer.parseInt(list[r % list.length]);
            try (ArraySocket s = array.openSocket(SocketType.STREAM)) {
                try {
                    s.bind(port);
                } catch (java.net.BindException e) {
                    lost++;
                    continue;
                }
                Path marker = Path.of(prefix + port);
                try {
                    Files.createFile(marker);
                } catch (FileAlreadyExistsException e) {
                    overlaps.append(" TWO-HOLDERS ").append(port);
                    continue;
                }
                won++;
                long until = System.nanoTime() + holdMicros * 1000L;
                while (System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
                Files.delete(marker);
            }
        }
        return won + " " + lost + overlaps;
    }
}
