package io.arraysock;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * The child JVM of the cross-process tests, running one scenario: a record whose components
 * are the scenario's typed parameters and whose {@link Scenario#run} is what the child does
 * ({@link DuplexPeer}, {@link ListenOnlyPeer}...). The parent starts one with
 * {@link ArrayFixture#peer}; the record crosses the process boundary as its class name and
 * its components as strings ({@link #arguments}), and is rebuilt here, so neither side
 * parses scenario strings by hand.
 *
 * <p>The child prints {@code READY slot} once attached, results as {@code KEY value} lines,
 * {@code DONE} at the end, or {@code ERROR class message} on failure (exit 1); the parent
 * steers it with lines on stdin ({@code GO}, {@code CLOSE}, {@code EXIT}) where the scenario
 * waits for them.
 */
public final class Peer {
    private static final HexFormat HEX = HexFormat.of();

    private final StorageArray array;
    private final BufferedReader stdin;

    private Peer(StorageArray array, BufferedReader stdin) {
        this.array = array;
        this.stdin = stdin;
    }

    /** One scenario: a record of its parameters (int, long, boolean, String or byte[] components). */
    interface Scenario {
        void run(Peer peer) throws Exception;
    }

    /** {@code args}: the array path, the scenario's class name, its components (see {@link #arguments}). */
    public static void main(String[] args) {
        try {
            Scenario scenario = scenario(args[1], Arrays.copyOfRange(args, 2, args.length));
            try (StorageArray array = StorageArray.attach(args[0])) {
                say("READY " + array.nodeSlot());
                scenario.run(new Peer(array, new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))));
                say("DONE");
            }
        } catch (Throwable t) {
            say("ERROR " + t.getClass().getName() + " " + t.getMessage());
            t.printStackTrace();
            System.exit(1);
        }
    }

    /** How {@code scenario} crosses to the child: its class name, then each component as a string (byte[] in hex). */
    static List<String> arguments(Scenario scenario) {
        if (!(scenario instanceof Record r)) {
            throw new IllegalArgumentException("a scenario is a record of its parameters: " + scenario.getClass());
        }
        List<String> out = new ArrayList<>();
        out.add(r.getClass().getName());
        for (RecordComponent c : r.getClass().getRecordComponents()) {
            Object v;
            try {
                v = c.getAccessor().invoke(r);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
            out.add(v instanceof byte[] b ? HEX.formatHex(b) : String.valueOf(v));
        }
        return out;
    }

    /** The scenario {@link #arguments} described. */
    private static Scenario scenario(String className, String[] values) throws ReflectiveOperationException {
        Class<?> type = Class.forName(className);
        RecordComponent[] components = type.getRecordComponents();
        if (components == null || !Scenario.class.isAssignableFrom(type) || components.length != values.length) {
            throw new IllegalArgumentException(className + " with " + values.length + " arguments is not a scenario");
        }
        Class<?>[] types = new Class<?>[components.length];
        Object[] parsed = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
            parsed[i] = parse(types[i], values[i]);
        }
        return (Scenario) type.getDeclaredConstructor(types).newInstance(parsed);
    }

    private static Object parse(Class<?> type, String value) {
        if (type == int.class) {
            return Integer.parseInt(value);
        } else if (type == long.class) {
            return Long.parseLong(value);
        } else if (type == boolean.class) {
            return Boolean.parseBoolean(value);
        } else if (type == String.class) {
            return value;
        } else if (type == byte[].class) {
            return HEX.parseHex(value);
        }
        throw new IllegalArgumentException("a scenario parameter cannot be a " + type);
    }

    StorageArray array() {
        return array;
    }

    /** " [caused by A, B]": the simple names of what {@code e} was caused by, for tests that check the types. */
    static String causes(Throwable e) {
        List<String> names = new ArrayList<>();
        for (Throwable c = e.getCause(); c != null && names.size() < 8; c = c.getCause()) {
            names.add(c.getClass().getSimpleName());
        }
        return names.isEmpty() ? "" : " [caused by " + String.join(", ", names) + "]";
    }

    /** Prints one line to the parent, whole even when several threads report. */
    static void say(String line) {
        synchronized (System.out) {
            System.out.println(line);
            System.out.flush();
        }
    }

    /** Waits for the parent's {@code line} on stdin; anything else is a broken test. */
    void await(String line) throws Exception {
        String got = stdin.readLine();
        if (!line.equals(got)) {
            throw new IllegalStateException("expected " + line + ", got " + got);
        }
    }
}
