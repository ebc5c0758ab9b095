package io.arraysock.net;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import java.rmi.server.UnicastRemoteObject;
import java.util.Arrays;
import java.util.Random;

/**
 * A JVM of the RMI test: {@code args = path role registryPort [size [exporterPath]]}. The server exports
 * an {@link Echo} and a registry with {@link RmiArraySocketFactory} and waits for STOP on
 * stdin; the client looks it up through the registry and makes calls with {@code size}-byte
 * arguments and results. Lines out: READY, results as KEY value, ERROR on failure (exit 1).
 * Both may run in network namespaces of their own: nothing here uses TCP.
 */
public final class RmiPeer {
    private RmiPeer() {
    }

    static final class EchoImpl implements Echo {
        private final int node;

        EchoImpl(int node) {
            this.node = node;
        }

        @Override
        public byte[] transform(byte[] data) {
            byte[] out = data.clone();
            for (int i = 0; i < out.length; i++) {
                out[i] ^= 0x5A;
            }
            return out;
        }

        @Override
        public byte[] make(int size, long seed) {
            byte[] b = new byte[size];
            new Random(seed).nextBytes(b);
            return b;
        }

        @Override
        public int serverNode() {
            return node;
        }
    }

    public static void main(String[] args) throws Exception {
        // the host RMI writes into stubs; never contacted, the factories route by port only
        System.setProperty("java.rmi.server.hostname", "127.0.0.1");
        try (SharedArrays.Lease lease = SharedArrays.acquire(args[0])) {
            RmiArraySocketFactory f = new RmiArraySocketFactory(args[0]);
            int registryPort = Integer.parseInt(args[2]);
            switch (args[1]) {
                case "server" -> server(lease, f, registryPort);
                case "client" -> client(lease, f, registryPort, Integer.parseInt(args[3]), args);
                default -> throw new IllegalArgumentException("unknown role " + args[1]);
            }
            say("DONE");
        } catch (Throwable t) {
            say("ERROR " + t);
            t.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }

    private static void server(SharedArrays.Lease lease, RmiArraySocketFactory f, int port) throws Exception {
        EchoImpl impl = new EchoImpl(lease.array().nodeSlot());
        Registry registry = LocateRegistry.createRegistry(port, f, f);
        Echo stub = (Echo) UnicastRemoteObject.exportObject(impl, 0, f, f);
        registry.rebind("echo", stub);
        say("READY " + lease.array().nodeSlot());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null && !line.equals("STOP"); ) {
            // wait
        }
        UnicastRemoteObject.unexportObject(impl, true);
        UnicastRemoteObject.unexportObject(registry, true);
    }

    private static void client(SharedArrays.Lease lease, RmiArraySocketFactory f, int port, int size, String[] args)
            throws Exception {
        say("READY " + lease.array().nodeSlot());
        Registry registry = LocateRegistry.getRegistry("127.0.0.1", port, f);
        Echo echo = (Echo) registry.lookup("echo");
        say("SERVER_NODE " + echo.serverNode());

        byte[] data = new byte[size];
        new Random(1).nextBytes(data);
        long t0 = System.nanoTime();
        byte[] back = echo.transform(data);
        long t1 = System.nanoTime();
        for (int i = 0; i < data.length; i++) {
            data[i] ^= 0x5A;
        }
        if (!Arrays.equals(data, back)) {
            throw new AssertionError("transform result differs");
        }
        byte[] made = echo.make(size, 42);
        long t2 = System.nanoTime();
        byte[] expected = new byte[size];
        new Random(42).nextBytes(expected);
        if (!Arrays.equals(expected, made)) {
            throw new AssertionError("make result differs");
        }
        if (args.length > 4) {
            // the stub's factory named the exporter's path; this JVM must have used its own
            say("EXPORTER_PATH_REFS " + SharedArrays.references(args[4]));
        }
        say("TRANSFORM_OK " + back.length + " " + (t1 - t0) / 1_000_000);
        say("MAKE_OK " + made.length + " " + (t2 - t1) / 1_000_000);
    }
}
