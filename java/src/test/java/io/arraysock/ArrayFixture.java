package io.arraysock;

import io.arraysock.medium.ShmMedium;
import io.arraysock.testkit.ChildJvm;
import io.arraysock.testkit.LoopDevices;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A freshly formatted array on one of the two real media, and the way a second JVM reaches
 * it: on shm the same segment; on the loop pair the other device node over the same
 * storage, from a network namespace of its own (so only the storage joins the two).
 */
final class ArrayFixture implements AutoCloseable {
    /** The media cross-process tests run on. */
    enum Kind { SHM, LOOP_PAIR }

    final Kind kind;
    final String parentPath;
    final String childPath;
    private final boolean childNetns;

    private ArrayFixture(Kind kind, String parentPath, String childPath, boolean childNetns) {
        this.kind = kind;
        this.parentPath = parentPath;
        this.childPath = childPath;
        this.childNetns = childNetns;
    }

    static ArrayFixture create(Kind kind, FormatOptions options) throws IOException {
        ArrayFixture f = switch (kind) {
            case SHM -> {
                String p = "/dev/shm/arraysock-test-" + UUID.randomUUID();
                yield new ArrayFixture(kind, p, p, false);
            }
            case LOOP_PAIR -> {
                LoopDevices.Pair pair = LoopDevices.pair();
                if (!LoopDevices.isRoot()) {
                    throw new AssertionError("the loop pair needs root for unshare --net");
                }
                yield new ArrayFixture(kind, pair.first(), pair.second(), true);
            }
        };
        StorageArray.format(f.parentPath, options.withForce(kind == Kind.LOOP_PAIR));
        return f;
    }

    /** Test arrays: 4 nodes, 128 sockets each, 16 MiB arenas (about 65 MiB in all). */
    static FormatOptions small() {
        return FormatOptions.defaults().withNodeSlots(4).withSocketsPerNode(128).withArenaSize(16 << 20);
    }

    /** A child JVM running {@code scenario} (see {@link Peer}) on this array. */
    ChildJvm peer(Peer.Scenario scenario) throws IOException {
        List<String> args = new ArrayList<>();
        args.add(childPath);
        args.addAll(Peer.arguments(scenario));
        return ChildJvm.start(childNetns, Peer.class, args.toArray(String[]::new));
    }

    /** A child JVM running {@code main} with {@code args}, in its own network namespace on the loop pair. */
    ChildJvm child(Class<?> main, String... args) throws IOException {
        return ChildJvm.start(childNetns, main, args);
    }

    StorageArray attach() throws IOException {
        return StorageArray.attach(parentPath);
    }

    @Override
    public void close() throws IOException {
        if (kind == Kind.SHM && Files.exists(Path.of(parentPath))) {
            ShmMedium.unlink(parentPath);
        }
    }
}
