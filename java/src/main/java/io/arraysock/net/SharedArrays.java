package io.arraysock.net;

import io.arraysock.StorageArray;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The arrays this JVM has attached, one per path, shared by every socket, channel, factory
 * and connector in it. Attaching claims a node slot, and an array has few of them (a
 * handful per host): so a thousand sockets on one array must share one attachment, and it
 * is given back when the last of them lets go (reference counted).
 */
public final class SharedArrays {
    private static final Logger LOG = System.getLogger(SharedArrays.class.getName());
    private static final Map<String, Entry> BY_PATH = new HashMap<>();

    private SharedArrays() {
    }

    private static final class Entry {
        final StorageArray array;
        int references;

        Entry(StorageArray array) {
            this.array = array;
        }
    }

    /** One hold on a shared array; {@link #close} lets go of it (once; later calls do nothing). */
    public static final class Lease implements AutoCloseable {
        private final String key;
        private final Entry entry;
        private boolean released;

        private Lease(String key, Entry entry) {
            this.key = key;
            this.entry = entry;
        }

        public StorageArray array() {
            return entry.array;
        }

        /** The path the array was attached by in this JVM (absolute). */
        public String path() {
            return key;
        }

        @Override
        public void close() {
            synchronized (SharedArrays.class) {
                if (released) {
                    return;
                }
                released = true;
                release(key);
            }
        }
    }

    /**
     * Holds the array on {@code path}, attaching it if this JVM has not yet.
     *
     * @throws IOException when it cannot be attached (missing, not an array, no free node slot)
     */
    public static synchronized Lease acquire(String path) throws IOException {
        String key = key(path);
        Entry e = BY_PATH.get(key);
        if (e == null) {
            e = new Entry(StorageArray.attach(path));
            BY_PATH.put(key, e);
            LOG.log(Level.DEBUG, "{0}: attached for sharing as node slot {1}", path, e.array.nodeSlot());
        }
        e.references++;
        return new Lease(key, e);
    }

    /**
     * Holds the array with {@code uuid} if this JVM has it attached under any path, else
     * null. A socket factory sent to another host carries its array's identity, and the
     * receiver may reach the same storage through another device name (two hosts, one SAN
     * LUN; /dev/sdb here is /dev/sdc there).
     */
    public static synchronized Lease acquireAttached(UUID uuid) {
        for (Map.Entry<String, Entry> e : BY_PATH.entrySet()) {
            if (e.getValue().array.uuid().equals(uuid)) {
                e.getValue().references++;
                return new Lease(e.getKey(), e.getValue());
            }
        }
        return null;
    }

    /** How many holds the array on {@code path} has (0: not attached by this class). */
    public static synchronized int references(String path) {
        Entry e = BY_PATH.get(key(path));
        return e == null ? 0 : e.references;
    }

    private static void release(String key) {
        Entry e = BY_PATH.get(key);
        if (e == null || --e.references > 0) {
            return;
        }
        BY_PATH.remove(key);
        try {
            e.array.close();
            LOG.log(Level.DEBUG, "{0}: last holder gone, detached", key);
        } catch (IOException ex) {
            // the slot is given up either way; the heartbeat stops and liveness reclaims it
            LOG.log(Level.WARNING, key + ": detach failed", ex);
        }
    }

    /** Whether two paths name the same array file in this JVM's view (as the sharing does). */
    static boolean samePath(String a, String b) {
        return key(a).equals(key(b));
    }

    private static String key(String path) {
        return Path.of(path).toAbsolutePath().normalize().toString();
    }
}
