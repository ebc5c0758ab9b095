package io.arraysock;

import io.arraysock.format.ErrorLogDescriptor;
import io.arraysock.socket.ErrorLog;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Why attaches of this process were fenced, per array, until the next attach to that array
 * logs them. A fenced node writes nothing more to the medium, not even its own error log
 * (its slot may be another's by now, or its storage path failed), so its fence reaches the
 * medium only when this process attaches to the array again: the new node's log then holds
 * "an earlier attach of this process was fenced: why", with the time it happened (this
 * host's clock), where every host can read it.
 */
final class FenceMemory {
    private record Fence(String message, long millis) {
    }

    private static final Map<UUID, List<Fence>> FENCES = new ConcurrentHashMap<>();

    private FenceMemory() {
    }

    /** Remembers that the attach to {@code array} as slot {@code slot} was fenced for {@code why}. */
    static void fenced(UUID array, int slot, Exception why) {
        String m = "an earlier attach of this process (slot " + slot + ") was fenced: " + why.getMessage()
                + (why.getCause() == null ? "" : " (" + why.getCause().getClass().getSimpleName() + ")");
        FENCES.computeIfAbsent(array, k -> new ArrayList<>()).add(new Fence(m, System.currentTimeMillis()));
    }

    /** Moves what was remembered for {@code array} into {@code log} (a new attach's). */
    static void logInto(UUID array, ErrorLog log) {
        List<Fence> fences = FENCES.remove(array);
        if (fences != null) {
            for (Fence f : fences) {
                log.add(ErrorLogDescriptor.KIND_FENCED, f.message(), 1, f.millis(), f.millis());
            }
        }
    }
}
