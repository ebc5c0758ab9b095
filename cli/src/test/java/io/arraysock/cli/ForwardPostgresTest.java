package io.arraysock.cli;

import io.arraysock.testkit.LoopDevices;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PostgreSQL through {@code arraysock forward}: the server in the server namespace on a Unix
 * socket, the server-side forwarder targeting that socket, the client-side forwarder and
 * psql / pgbench in the client namespace. A COPY of a 200 MB table out and back in,
 * checked against the server's own view; pgbench; and the server-side forwarder killed
 * mid-COPY. On shm and on the loop pair.
 *
 * <p>pgbench runs {@code -T 5} here ({@code -Darraysock.test.pgbenchSeconds} changes it;
 * the issue's {@code -T 20} belongs to {@code scripts/bench-forward}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ForwardPostgresTest {
    static final int ARRAY_PORT = 5432;
    /** The client's forwarder listens here (plus the medium's ordinal), in the client namespace. */
    static final int LOCAL_PORT = 6543;

    private static int localPort(ForwardRig.Medium m) {
        return LOCAL_PORT + m.ordinal();
    }
    /** Rows of about 200 bytes each in COPY's text form: a table of 200 MB and more. */
    static final int ROWS = 1_050_000;
    static final long TABLE_BYTES = 200_000_000L;
    private static final int PGBENCH_SECONDS = Integer.getInteger("arraysock.test.pgbenchSeconds", 5);
    /** The array's liveness timeout (format's default): how long a dead remote node may look alive. */
    private static final long LIVENESS_MS = 2000;
    /** What a psql whose connection broke says. */
    private static final Pattern LOST = Pattern.compile("server closed the connection unexpectedly|connection to server was lost"
            + "|Connection reset by peer|could not receive data from server");

    private ForwardRig rig;
    private Postgres pg;
    private String tableDigest;
    private String copyDigest;
    private long copyBytes;
    private final Map<ForwardRig.Medium, Process> serverSide = new EnumMap<>(ForwardRig.Medium.class);
    private final Map<ForwardRig.Medium, Process> clientSide = new EnumMap<>(ForwardRig.Medium.class);

    @BeforeAll
    void startPostgres() throws Exception {
        ForwardRig.require(LoopDevices.isRoot(), "network namespaces (and initdb as the postgres user) need root");
        Path bin = Postgres.binDir();
        ForwardRig.require(bin != null && ForwardRig.installed("psql") && ForwardRig.installed("pgbench"),
                "postgresql is not installed (.ci/run installs it)");
        rig = new ForwardRig();
        pg = Postgres.start(rig, rig.server, bin);
        Procs.Result made = pg.psqlHere("CREATE TABLE t (id int, payload text); "
                + "INSERT INTO t SELECT g, repeat(md5(g::text), 6) FROM generate_series(1, " + ROWS + ") g;");
        assertEquals(0, made.code(), made::toString);
        tableDigest = digestOf("t");
        // COPY's bytes as the server's own host reads them: what the forwarded COPY must match
        Copied direct = copyOut(rig.server.command(Postgres.psql(pg.socketDir(), Postgres.PORT,
                "-c", "COPY t TO STDOUT")), null, Long.MAX_VALUE, null);
        assertEquals(0, direct.code, direct.err);
        assertTrue(direct.bytes >= TABLE_BYTES, "the table's COPY is " + direct.bytes + " bytes");
        copyDigest = direct.digest;
        copyBytes = direct.bytes;
    }

    @AfterAll
    void stop() throws Exception {
        if (pg != null) {
            pg.close();
        }
        if (rig != null) {
            rig.close();
        }
    }

    /** Starts the medium's forward pair, and the server side again after a test killed it. */
    private void forwarders(ForwardRig.Medium m) throws Exception {
        ForwardRig.Array a = rig.array(m);
        Process s = serverSide.get(m);
        if (s == null || !s.isAlive()) {
            serverSide.put(m, rig.forward(rig.server, m, a.server(ARRAY_PORT), "unix:" + pg.socket()));
        }
        if (clientSide.get(m) == null) {
            clientSide.put(m, rig.forward(rig.client, m, "tcp://127.0.0.1:" + localPort(m), a.client(ARRAY_PORT), "--verbose"));
        }
    }

    private List<String> psqlThroughForward(ForwardRig.Medium m, String... args) {
        return rig.client.command(Postgres.psql("127.0.0.1", localPort(m), args));
    }

    /** The table's contents as a digest computed by the server: count and an md5 over the rows in order. */
    private String digestOf(String table) throws Exception {
        Procs.Result r = pg.psqlHere("SELECT count(*) || ' ' || md5(string_agg(md5(id::text || ':' || payload), '' ORDER BY id)) FROM " + table);
        assertEquals(0, r.code(), r::toString);
        return r.out().trim();
    }

    @ParameterizedTest
    @EnumSource(ForwardRig.Medium.class)
    void copyOfTwoHundredMegabytesOutAndBackIn(ForwardRig.Medium m) throws Exception {
        forwarders(m);
        Path file = rig.dir.resolve("t-" + m + ".copy");
        Copied out = copyOut(psqlThroughForward(m, "-c", "COPY t TO STDOUT"), file, Long.MAX_VALUE, null);
        assertEquals(0, out.code, out.err);
        assertEquals(copyDigest, out.digest, "COPY out through the forward: " + out.bytes + " bytes");
        String copy = "t_" + m.name().toLowerCase();
        Procs.Result create = pg.psqlHere("DROP TABLE IF EXISTS " + copy + "; CREATE TABLE " + copy + " (id int, payload text)");
        assertEquals(0, create.code(), create::toString);
        Procs.Result in = rig.procs.run(Duration.ofSeconds(120), file, psqlThroughForward(m, "-c", "COPY " + copy + " FROM STDIN"));
        assertEquals(0, in.code(), in::toString);
        assertEquals(tableDigest, digestOf(copy), "the table copied back in");
        Files.delete(file);
        pg.psqlHere("DROP TABLE " + copy);
    }

    @ParameterizedTest
    @EnumSource(ForwardRig.Medium.class)
    void pgbenchInitThenEightClients(ForwardRig.Medium m) throws Exception {
        forwarders(m);
        List<String> conn = List.of("-h", "127.0.0.1", "-p", Integer.toString(localPort(m)), "-U", Postgres.USER);
        List<String> init = new ArrayList<>(List.of("pgbench", "-i", "-q"));
        init.addAll(conn);
        init.add("postgres");
        Procs.Result i = rig.procs.run(Duration.ofSeconds(120), rig.client.command(init));
        assertEquals(0, i.code(), i::toString);
        List<String> run = new ArrayList<>(List.of("pgbench", "-c", "8", "-j", "2", "-T", Integer.toString(PGBENCH_SECONDS)));
        run.addAll(conn);
        run.add("postgres");
        Procs.Result r = rig.procs.run(Duration.ofSeconds(PGBENCH_SECONDS + 120L), rig.client.command(run));
        assertEquals(0, r.code(), r::toString);
        Matcher tps = Pattern.compile("tps = ([0-9.]+)").matcher(r.out());
        assertTrue(tps.find() && Double.parseDouble(tps.group(1)) > 0, r::toString);
        Matcher failed = Pattern.compile("number of failed transactions: (\\d+)").matcher(r.out());
        assertTrue(!failed.find() || failed.group(1).equals("0"), r::toString);
    }

    @ParameterizedTest
    @EnumSource(ForwardRig.Medium.class)
    void killedServerSideForwarderMidCopyIsALostConnection(ForwardRig.Medium m) throws Exception {
        forwarders(m);
        Process server = serverSide.get(m);
        long[] killedAt = new long[1];
        Copied cut = copyOut(psqlThroughForward(m, "-c", "COPY t TO STDOUT"), null, 20_000_000L, () -> {
            server.destroyForcibly(); // SIGKILL: no hook runs, the node is left for others to judge dead
            killedAt[0] = System.nanoTime();
        });
        long tookMs = (cut.endedAt - killedAt[0]) / 1_000_000;
        assertTrue(killedAt[0] != 0, "the COPY ended before the kill: " + cut.bytes + " bytes");
        assertNotEquals(0, cut.code, "psql took a cut COPY for a whole one: " + cut.err);
        assertTrue(cut.bytes < copyBytes, "psql read " + cut.bytes + " of " + copyBytes + " bytes");
        assertTrue(LOST.matcher(cut.err).find(), "psql's message: " + cut.err);
        assertTrue(tookMs < LIVENESS_MS + 3000, "psql noticed " + tookMs + " ms after the kill (liveness timeout "
                + LIVENESS_MS + " ms)");
        Path log = rig.procs.errOf(clientSide.get(m));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!Procs.text(log).contains("reset by the target")) {
            assertTrue(System.nanoTime() < deadline, () -> "the client side's verbose line: " + Procs.text(log));
            Thread.sleep(20);
        }
    }

    /** A COPY out's result: psql's exit, its stderr, the bytes and their digest, when it ended. */
    private record Copied(int code, String err, long bytes, String digest, long endedAt) {
    }

    /**
     * Runs a psql COPY out, streaming its stdout into a digest (and {@code file}, if given);
     * after {@code trigger} bytes, runs {@code atTrigger} once.
     */
    private Copied copyOut(List<String> cmd, Path file, long trigger, Runnable atTrigger) throws Exception {
        Path err = Files.createTempFile(rig.dir, "psql-", ".err");
        Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        AtomicLong total = new AtomicLong();
        CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
            byte[] buf = new byte[256 * 1024];
            boolean fired = false;
            try (InputStream in = p.getInputStream(); OutputStream f = file == null ? OutputStream.nullOutputStream() : Files.newOutputStream(file)) {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    d.update(buf, 0, n);
                    f.write(buf, 0, n);
                    if (total.addAndGet(n) >= trigger && !fired && atTrigger != null) {
                        fired = true;
                        atTrigger.run();
                    }
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        // no destroy once psql has ended: it would close the pipe under the reader still draining it
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("psql did not end: " + Procs.text(err));
        }
        long ended = System.nanoTime();
        reader.get(30, TimeUnit.SECONDS);
        return new Copied(p.exitValue(), Procs.text(err), total.get(), HexFormat.of().formatHex(d.digest()), ended);
    }
}
