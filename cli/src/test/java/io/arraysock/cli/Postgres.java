package io.arraysock.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL server of a test's own: initdb into a directory of the test as the
 * {@code postgres} user (it refuses root), started in a namespace on a Unix socket in that
 * directory and on 127.0.0.1, tuned for throw-away data (no fsync).
 */
final class Postgres implements AutoCloseable {
    static final int PORT = 5432;
    static final String USER = "postgres";

    private final ForwardRig rig;
    private final Netns ns;
    private final Path data;
    private final Path sockets;
    private final Path bin;

    private Postgres(ForwardRig rig, Netns ns, Path dir, Path bin) {
        this.rig = rig;
        this.ns = ns;
        this.data = dir.resolve("data");
        this.sockets = dir.resolve("run");
        this.bin = bin;
    }

    /** The server's bin directory (initdb and postgres are not on Debian's PATH), or null when not installed. */
    static Path binDir() throws IOException {
        Path lib = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(lib)) {
            try (Stream<Path> versions = Files.list(lib)) {
                Path newest = versions.filter(v -> Files.isExecutable(v.resolve("bin/postgres")))
                        .max(Comparator.comparingInt(Postgres::version)).orElse(null);
                if (newest != null) {
                    return newest.resolve("bin");
                }
            }
        }
        return null;
    }

    private static int version(Path dir) {
        try {
            return Integer.parseInt(dir.getFileName().toString());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static Postgres start(ForwardRig rig, Netns ns, Path bin) throws IOException, InterruptedException {
        Path dir = Files.createDirectory(rig.dir.resolve("postgres"));
        Postgres pg = new Postgres(rig, ns, dir, bin);
        Files.createDirectory(pg.sockets);
        Procs.run0("chown", "-R", USER + ":", dir.toString());
        Procs.Result init = rig.procs.run(Duration.ofSeconds(120), pg.asPostgres(bin.resolve("initdb").toString(),
                "-D", pg.data.toString(), "-A", "trust", "-U", USER, "-E", "UTF8", "--no-sync"));
        if (init.code() != 0) {
            throw new IOException("initdb failed: " + init);
        }
        rig.procs.start(ns.command(pg.asPostgres(bin.resolve("postgres").toString(), "-D", pg.data.toString(),
                "-k", pg.sockets.toString(), "-p", Integer.toString(PORT), "-c", "listen_addresses=127.0.0.1",
                "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
                "-c", "shared_buffers=128MB", "-c", "max_connections=40",
                // a table scan always starts at the table's first page: COPY out twice gives the same bytes
                "-c", "synchronize_seqscans=off")), null);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (pg.psqlHere("SELECT 1").code() != 0) {
            if (System.nanoTime() > deadline) {
                throw new IOException("postgres did not start: " + pg.psqlHere("SELECT 1"));
            }
            Thread.sleep(100);
        }
        return pg;
    }

    /** {@code cmd} run as the postgres user (setpriv execs it: a kill reaches the server itself). */
    private List<String> asPostgres(String... cmd) {
        List<String> all = new ArrayList<>(List.of("setpriv", "--reuid=" + USER, "--regid=" + USER, "--init-groups"));
        all.addAll(List.of(cmd));
        return all;
    }

    /** The Unix socket a server-side forwarder targets. */
    String socket() {
        return sockets.resolve(".s.PGSQL." + PORT).toString();
    }

    /** The directory of the server's Unix socket (psql's -h for it). */
    String socketDir() {
        return sockets.toString();
    }

    /** psql on the server's own host (its Unix socket): the reference the forwarded results are held to. */
    Procs.Result psqlHere(String sql) throws IOException, InterruptedException {
        return rig.procs.run(Duration.ofSeconds(120), ns.command(psql(sockets.toString(), PORT, "-c", sql)));
    }

    /** The psql command line against {@code host:port} (a directory for a Unix socket). */
    static List<String> psql(String host, int port, String... args) {
        List<String> cmd = new ArrayList<>(List.of("psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                "-h", host, "-p", Integer.toString(port), "-U", USER, "-d", "postgres"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        rig.procs.run(Duration.ofSeconds(60), asPostgres(bin.resolve("pg_ctl").toString(), "stop", "-D", data.toString(),
                "-m", "immediate"));
    }
}
