package io.arraysock.testkit;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A call made on a thread of its own, so a test can see it block before acting on it (close,
 * interrupt) and so know which came first, instead of sleeping and hoping the call got there.
 */
public final class BlockedCall<T> {
    private final Thread thread;
    private final CompletableFuture<T> result = new CompletableFuture<>();

    private BlockedCall(String name, Callable<T> call) {
        thread = new Thread(() -> {
            try {
                result.complete(call.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        }, name);
        thread.setDaemon(true);
    }

    /** Starts {@code call} on a new thread named {@code name}. */
    public static <T> BlockedCall<T> start(String name, Callable<T> call) {
        BlockedCall<T> c = new BlockedCall<>(name, call);
        c.thread.start();
        return c;
    }

    public Thread thread() {
        return thread;
    }

    /** The call's outcome: its value, or what it threw (not wrapped). */
    public CompletableFuture<T> result() {
        return result;
    }

    /**
     * Returns once the thread is blocked inside method {@code method} of {@code target} (or of
     * a class it inherits from): that frame is on its stack and the thread waits (parked,
     * sleeping, on a monitor) or sits in native code (a poll, a futex). Fails when the call
     * ends first, or does not block within {@code timeout}.
     */
    public BlockedCall<T> awaitBlockedIn(Object target, String method, Duration timeout) throws Exception {
        Set<String> classes = new HashSet<>();
        for (Class<?> c = target.getClass(); c != null; c = c.getSuperclass()) {
            classes.add(c.getName());
        }
        String[] last = {""};
        Await.until(timeout, () -> {
            assertFalse(result.isDone(), () -> "the call ended before it blocked: " + describe(result));
            Thread.State state = thread.getState();
            StackTraceElement[] stack = thread.getStackTrace();
            last[0] = state + " " + Arrays.toString(Arrays.copyOf(stack, Math.min(stack.length, 8)));
            boolean inside = Arrays.stream(stack)
                    .anyMatch(f -> f.getMethodName().equals(method) && classes.contains(f.getClassName()));
            boolean waiting = state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING
                    || state == Thread.State.BLOCKED || (stack.length > 0 && stack[0].isNativeMethod());
            return inside && waiting;
        }, () -> thread.getName() + " blocked in " + target.getClass().getName() + "." + method + "; last seen " + last[0]);
        return this;
    }

    private static String describe(CompletableFuture<?> f) {
        try {
            return "returned " + f.getNow(null);
        } catch (RuntimeException e) {
            return "threw " + e.getCause();
        }
    }
}
