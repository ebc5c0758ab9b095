package io.arraysock.medium;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;

/**
 * Child process of {@link LoopPairCacheTest}: opens the device named by args[0] as a block
 * medium and obeys lines on stdin: {@code read OFFSET LENGTH} prints {@code saw HEX};
 * {@code write OFFSET HEX} owns those sectors, writes, prints {@code wrote}; {@code quit}.
 * It first prints its network interfaces, to show it runs in a namespace of its own.
 */
public final class LoopPairChild {
    private LoopPairChild() {
    }

    public static void main(String[] args) throws Exception {
        // /proc/self/net/dev lists this network namespace's interfaces (two header lines first)
        List<String> names = Files.readAllLines(Path.of("/proc/self/net/dev")).stream().skip(2)
                .map(l -> l.substring(0, l.indexOf(':')).trim()).sorted().toList();
        System.out.println("interfaces " + names);
        HexFormat hex = HexFormat.of();
        try (BlockMedium m = BlockMedium.open(args[0]);
             BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                String[] w = line.split(" ");
                switch (w[0]) {
                    case "read" -> {
                        byte[] b = new byte[Integer.parseInt(w[2])];
                        m.readAcquire(Long.parseLong(w[1]), b, 0, b.length);
                        System.out.println("saw " + hex.formatHex(b));
                    }
                    case "write" -> {
                        long at = Long.parseLong(w[1]);
                        byte[] b = hex.parseHex(w[2]);
                        m.own(at, b.length);
                        m.writeRelease(at, b, 0, b.length);
                        System.out.println("wrote");
                    }
                    case "quit" -> {
                        return;
                    }
                    default -> throw new IllegalArgumentException("unknown command: " + line);
                }
            }
        }
    }
}
