package io.arraysock.testkit;

/**
 * The loop devices that single-device and loop-only block tests run on: the
 * {@linkplain BlockPair#LOOP loop pair}, two loop devices over one backing file, both with
 * {@code --direct-io=on} (two "hosts" with separate caches). Tests that cross hosts should
 * run on every {@link BlockPair} instead.
 */
public final class LoopDevices {
    private LoopDevices() {
    }

    /** Two device nodes onto the same storage. */
    public record Pair(String first, String second) {
    }

    public static Pair pair() {
        BlockPair.Nodes nodes = BlockPair.LOOP.nodes();
        return new Pair(nodes.first(), nodes.second());
    }

    /** One loop device (the pair's first). */
    public static String single() {
        return BlockPair.LOOP.nodes().first();
    }

    /** Whether this process may create network namespaces (root). */
    public static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
