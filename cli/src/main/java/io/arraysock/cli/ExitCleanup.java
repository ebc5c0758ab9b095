package io.arraysock.cli;

import org.apache.commons.io.FileUtils;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a command must undo when it is interrupted (SIGINT, SIGTERM, or an exit anywhere):
 * partial files it is writing are removed, and arrays it attached are closed, which closes
 * their sockets (peers see the connection end) and detaches their nodes (the slot is FREE
 * again, not a dead node left for others to judge). One JVM shutdown hook does it; a
 * command that ends normally has closed everything already, and closing twice is harmless.
 * (SIGKILL runs no hook: then the node is left, and others judge it dead by its free lock.)
 */
final class ExitCleanup {
    private static final Set<Path> PARTIAL = new LinkedHashSet<>();
    private static final Deque<AutoCloseable> OPEN = new ArrayDeque<>();
    private static boolean hooked;

    private ExitCleanup() {
    }

    /** Closes {@code resource} at exit (again, if the command closed it: closing must be idempotent); returns it. */
    static synchronized <T extends AutoCloseable> T closeAtExit(T resource) {
        hook();
        OPEN.push(resource);
        return resource;
    }

    /** Deletes {@code file} (or directory tree) at exit unless {@link #kept} says it is complete; returns it. */
    static synchronized Path deleteAtExit(Path file) {
        hook();
        PARTIAL.add(file);
        return file;
    }

    static synchronized void kept(Path file) {
        PARTIAL.remove(file);
    }

    private static void hook() {
        if (!hooked) {
            Runtime.getRuntime().addShutdownHook(new Thread(ExitCleanup::run, "arraysock-exit-cleanup"));
            hooked = true;
        }
    }

    /** Files first (the quickest and what users trip over), then resources, newest first. */
    private static void run() {
        List<Path> files;
        List<AutoCloseable> open;
        synchronized (ExitCleanup.class) {
            files = new ArrayList<>(PARTIAL);
            open = new ArrayList<>(OPEN);
            PARTIAL.clear();
            OPEN.clear();
        }
        for (Path f : files) {
            FileUtils.deleteQuietly(f.toFile());
        }
        for (AutoCloseable c : open) {
            try {
                c.close();
            } catch (Exception | InternalError e) {
                // exiting: nothing to tell anyone; the node, if left, is judged dead by its free lock
            }
        }
    }
}
