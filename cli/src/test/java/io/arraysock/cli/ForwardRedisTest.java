package io.arraysock.cli;

import io.arraysock.testkit.LoopDevices;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Redis through {@code arraysock forward}, with its own server and clients: redis-server in
 * the server namespace on its loopback, the forward pair, and redis-cli / redis-benchmark
 * in the client namespace, so only the array joins them. On shm and on the loop pair.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ForwardRedisTest {
    static final int REDIS_PORT = 6379;
    static final int ARRAY_PORT = 6379;
    /** The client's forwarder listens here (plus the medium's ordinal), in the client namespace. */
    static final int LOCAL_PORT = 6380;

    private static int localPort(ForwardRig.Medium m) {
        return LOCAL_PORT + m.ordinal();
    }
    private static final int VALUE_BYTES = 10 << 20;

    private ForwardRig rig;
    private final Map<ForwardRig.Medium, Boolean> started = new EnumMap<>(ForwardRig.Medium.class);

    @BeforeAll
    void startRedis() throws Exception {
        ForwardRig.require(LoopDevices.isRoot(), "network namespaces need root");
        ForwardRig.require(ForwardRig.installed("redis-server") && ForwardRig.installed("redis-benchmark"),
                "redis-server and redis-tools are not installed (.ci/run installs them)");
        rig = new ForwardRig();
        Path data = Files.createDirectory(rig.dir.resolve("redis"));
        rig.procs.start(rig.server.command("redis-server", "--port", Integer.toString(REDIS_PORT), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", data.toString(), "--protected-mode", "no"), null);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!redisCli(rig.server, REDIS_PORT, "PING").out().contains("PONG")) {
            assertTrue(System.nanoTime() < deadline, "redis-server did not start");
            Thread.sleep(100);
        }
    }

    @AfterAll
    void stop() throws Exception {
        if (rig != null) {
            rig.close();
        }
    }

    /** The forward pair for {@code m}: server side in the server namespace, client side in the client's. */
    private void forwarders(ForwardRig.Medium m) throws Exception {
        if (started.containsKey(m)) {
            return;
        }
        ForwardRig.Array a = rig.array(m);
        rig.forward(rig.server, m, a.server(ARRAY_PORT), "tcp://127.0.0.1:" + REDIS_PORT);
        rig.forward(rig.client, m, "tcp://127.0.0.1:" + localPort(m), a.client(ARRAY_PORT), "--verbose");
        started.put(m, true);
    }

    private Procs.Result redisCli(Netns ns, int port, String... args) throws IOException, InterruptedException {
        return redisCli(ns, port, null, args);
    }

    private Procs.Result redisCli(Netns ns, int port, Path in, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", Integer.toString(port)));
        cmd.addAll(List.of(args));
        return rig.procs.run(Duration.ofSeconds(60), in, ns.command(cmd));
    }

    @ParameterizedTest
    @EnumSource(ForwardRig.Medium.class)
    void setAndGetTenMebibytesCheckedByDigest(ForwardRig.Medium m) throws Exception {
        forwarders(m);
        byte[] value = new byte[VALUE_BYTES];
        new Random(m.ordinal()).nextBytes(value);
        Path in = Files.write(rig.dir.resolve("value-" + m), value);
        String key = "big-" + m;
        Procs.Result set = redisCli(rig.client, localPort(m), in, "-x", "SET", key);
        assertEquals(0, set.code(), set::toString);
        assertTrue(set.out().contains("OK"), set::toString);
        Procs.Result len = redisCli(rig.client, localPort(m), "STRLEN", key);
        assertEquals(Integer.toString(VALUE_BYTES), len.out().trim(), len::toString);
        Process get = rig.procs.start(rig.client.command("redis-cli", "-h", "127.0.0.1", "-p", Integer.toString(localPort(m)),
                "--raw", "GET", key), null);
        assertTrue(get.waitFor(60, TimeUnit.SECONDS), "redis-cli GET did not end");
        assertEquals(0, get.exitValue(), () -> Procs.text(rig.procs.errOf(get)));
        byte[] got = Files.readAllBytes(rig.procs.outOf(get));
        // --raw prints the value, then a newline
        assertEquals(VALUE_BYTES + 1, got.length, "bytes from GET");
        assertEquals(sha256(value, VALUE_BYTES), sha256(got, VALUE_BYTES), "digest of the value read back");
    }

    @ParameterizedTest
    @EnumSource(ForwardRig.Medium.class)
    void redisBenchmarkPipelinedSetAndGet(ForwardRig.Medium m) throws Exception {
        forwarders(m);
        Procs.Result r = rig.procs.run(Duration.ofSeconds(90), rig.client.command("redis-benchmark", "-h", "127.0.0.1",
                "-p", Integer.toString(localPort(m)), "-q", "-n", "100000", "-P", "16", "-t", "set,get"));
        assertEquals(0, r.code(), () -> r + rig.forwarderLogs());
        for (String test : List.of("SET", "GET")) {
            Matcher rate = Pattern.compile(test + ": ([0-9.]+) requests per second").matcher(r.out());
            assertTrue(rate.find(), () -> "no " + test + " rate in:\n" + r);
            assertTrue(Double.parseDouble(rate.group(1)) > 0, r::toString);
        }
    }

    @ParameterizedTest
    @EnumSource(ForwardRig.Medium.class)
    void subscribeAndPublish(ForwardRig.Medium m) throws Exception {
        forwarders(m);
        String channel = "news-" + m;
        Process sub = rig.procs.start(rig.client.command("redis-cli", "-h", "127.0.0.1", "-p", Integer.toString(localPort(m)),
                "SUBSCRIBE", channel), null);
        Path subOut = rig.procs.outOf(sub);
        // the subscription is confirmed with its count: "subscribe", the channel, 1
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!Procs.text(subOut).contains(channel + "\n1")) {
            assertTrue(System.nanoTime() < deadline && sub.isAlive(), () -> "not subscribed: " + Procs.text(subOut));
            Thread.sleep(50);
        }
        Procs.Result pub = redisCli(rig.client, localPort(m), "PUBLISH", channel, "hello through the array");
        assertEquals("1", pub.out().trim(), () -> "receivers of the message: " + pub);
        while (!Procs.text(subOut).contains("message\n" + channel + "\nhello through the array")) {
            assertTrue(System.nanoTime() < deadline && sub.isAlive(), () -> "message not received: " + Procs.text(subOut));
            Thread.sleep(50);
        }
        sub.destroy();
        assertTrue(sub.waitFor(10, TimeUnit.SECONDS));
    }

    static String sha256(byte[] b, int length) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        d.update(b, 0, length);
        return HexFormat.of().formatHex(d.digest());
    }
}
