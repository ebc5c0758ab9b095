package io.arraysock;

import io.arraysock.api.NodeInfo;
import io.arraysock.api.NodeState;
import io.arraysock.testkit.ChildJvm;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Four processes connect to each other at random, every byte checked end to end, while a
 * chaos loop kills one with SIGKILL (or stops and resumes it) every few hundred
 * milliseconds and starts a new one. Afterwards: no byte was ever delivered wrong, and,
 * once every slot has been claimed again, the tables hold no leaked control block.
 * {@code -Darraysock.soak.seconds=N} runs longer (default 12 per medium).
 */
class SoakTest {
    private static final int WORKERS = 4;
    private static final Duration START = Duration.ofSeconds(60);
    private static final long SECONDS = Long.getLong("arraysock.soak.seconds", 12);

    @ParameterizedTest
    @EnumSource(ArrayFixture.Kind.class)
    void chaosNeverCorruptsAndLeaksNothing(ArrayFixture.Kind kind) throws Exception {
        FormatOptions options = ArrayFixture.small().withNodeSlots(8).withHeartbeatIntervalMs(100).withLivenessTimeoutMs(800);
        Random random = new Random(kind.ordinal());
        List<String> corrupt = new ArrayList<>();
        int kills = 0;
        int stops = 0;
        ChildJvm[] workers = new ChildJvm[WORKERS];
        try (ArrayFixture f = ArrayFixture.create(kind, options)) {
            for (int i = 0; i < WORKERS; i++) {
                workers[i] = start(f, i);
            }
            long end = System.nanoTime() + SECONDS * 1_000_000_000L;
            while (System.nanoTime() < end) {
                Thread.sleep(200 + random.nextInt(300));
                int victim = random.nextInt(WORKERS);
                collect(workers[victim], corrupt);
                if (random.nextInt(4) == 0) {
                    signal("STOP", workers[victim].pid());
                    Thread.sleep(100 + random.nextInt(1200)); // sometimes past the liveness timeout
                    signal("CONT", workers[victim].pid());
                    stops++;
                } else {
                    workers[victim].kill();
                    kills++;
                }
                for (int i = 0; i < WORKERS; i++) {
                    // killed, or fenced itself after a stop longer than the liveness timeout
                    if (!workers[i].process().isAlive()) {
                        collect(workers[i], corrupt);
                        workers[i].close();
                        workers[i] = start(f, i);
                    }
                }
            }
            long surfaced = 0;
            for (ChildJvm w : workers) {
                w.send("EXIT");
                for (String line; ; ) {
                    try {
                        line = w.readLine(START);
                    } catch (AssertionError ended) {
                        break; // it fenced itself meanwhile: nothing more to read
                    }
                    if (line.startsWith("CORRUPT")) {
                        corrupt.add(line);
                    } else if (line.startsWith("STATS")) {
                        surfaced += Long.parseLong(line.split(" ")[6]);
                        break;
                    }
                }
                w.close();
            }
            assertEquals(List.of(), corrupt, "bytes delivered wrong");
            assertTrue(kills + stops > 0);
            System.out.printf("soak on %s: %d kills, %d stops, %d failures surfaced as exceptions%n", kind, kills, stops, surfaced);

            // a cleanly detached node leaves no block behind (dead ones' blocks go when their slot is claimed)
            try (StorageArray checker = StorageArray.attach(f.parentPath)) {
                java.util.Set<Integer> free = new java.util.HashSet<>();
                for (NodeInfo n : checker.nodes()) {
                    if (n.state() == io.arraysock.api.NodeState.FREE) {
                        free.add(n.slot());
                    }
                }
                assertEquals(List.of(), checker.sockets(true).stream().filter(i -> free.contains(i.node())).toList(),
                        "blocks leaked by cleanly detached nodes (free slots " + free + ")");
            }
            // claim every slot (reclaiming the dead ones frees their blocks): nothing may be left
            List<StorageArray> all = new ArrayList<>();
            try {
                for (int i = 0; i < options.nodeSlots(); i++) {
                    all.add(StorageArray.attach(f.parentPath));
                }
                assertEquals(List.of(), all.get(0).sockets(), "leaked control blocks");
            } finally {
                for (StorageArray a : all) {
                    a.close();
                }
            }
        } finally {
            // a failed soak must not leave workers heartbeating on the device for the next test
            for (ChildJvm w : workers) {
                if (w != null) {
                    w.close();
                }
            }
        }
    }

    /** Starts worker {@code id}, retrying while its port is still held by a predecessor not yet judged dead. */
    private static ChildJvm start(ArrayFixture f, int id) throws Exception {
        for (int attempt = 0; ; attempt++) {
            ChildJvm w = f.child(SoakWorker.class, f.childPath, Integer.toString(id), Integer.toString(WORKERS));
            String first = w.readLine(START);
            if (first.startsWith("READY")) {
                return w;
            }
            w.close();
            assertTrue((first.startsWith("BIND-LATER") || first.startsWith("FENCED-AT-START")) && attempt < 50, first);
            Thread.sleep(100);
        }
    }

    /** Moves any CORRUPT lines the worker printed so far into {@code corrupt}. */
    private static void collect(ChildJvm w, List<String> corrupt) {
        for (String line; (line = w.pollLine()) != null; ) {
            if (line.startsWith("CORRUPT")) {
                corrupt.add(line);
            }
        }
    }

    private static void signal(String name, long pid) throws Exception {
        new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start().waitFor();
    }
}
