package io.arraysock.harden;

import io.arraysock.ArraySocket;
import io.arraysock.api.IdleStrategy;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Calls every public instance method of {@link ArraySocket} on one connected stream socket
 * with harmless arguments, and records what each did, so a test can compare a socket on a
 * faulty medium with a healthy one: under a medium fault every call must either behave as
 * on the healthy socket or throw an {@link java.io.IOException}, never anything else.
 * Shutdowns and close come last; the socket's receive timeout is short, so no call blocks
 * for long.
 */
final class SocketSurface {
    /** Calls that end the socket's use: made after all the others, in this order. */
    private static final List<String> LAST = List.of("shutdownOutput", "shutdownInput", "close");

    private SocketSurface() {
    }

    /** Every call, by signature ({@code send(ByteBuffer)}), mapped to what it threw (empty: it returned). */
    static Map<String, Optional<Throwable>> callAll(ArraySocket socket) {
        socket.setReceiveTimeout(Duration.ofMillis(100));
        Map<String, Optional<Throwable>> outcomes = new LinkedHashMap<>();
        for (Method m : methods()) {
            Optional<Throwable> thrown;
            try {
                m.invoke(socket, arguments(m));
                thrown = Optional.empty();
            } catch (InvocationTargetException e) {
                thrown = Optional.of(e.getCause());
            } catch (IllegalAccessException e) {
                throw new AssertionError(e);
            }
            outcomes.put(signature(m), thrown);
        }
        return outcomes;
    }

    static String signature(Method m) {
        return m.getName() + Arrays.stream(m.getParameterTypes()).map(Class::getSimpleName)
                .collect(Collectors.joining(", ", "(", ")"));
    }

    private static List<Method> methods() {
        return Arrays.stream(ArraySocket.class.getMethods())
                .filter(m -> m.getDeclaringClass() == ArraySocket.class && !Modifier.isStatic(m.getModifiers()))
                .sorted(Comparator.comparingInt((Method m) -> LAST.indexOf(m.getName())).thenComparing(SocketSurface::signature))
                .toList();
    }

    /** Arguments a healthy connected stream socket accepts without blocking for long. */
    private static Object[] arguments(Method m) {
        Class<?>[] types = m.getParameterTypes();
        Object[] args = new Object[types.length];
        for (int i = 0; i < types.length; i++) {
            Class<?> t = types[i];
            if (t == ByteBuffer.class) {
                args[i] = ByteBuffer.allocateDirect(16 * 1024); // 4 KiB and more: the native copy path too
            } else if (t == byte[].class) {
                args[i] = new byte[m.getName().equals("setAuthenticationKey") ? 16 : 4096];
            } else if (t == int.class) {
                args[i] = intArgument(m.getName(), i);
            } else if (t == Duration.class) {
                args[i] = Duration.ofMillis(100);
            } else if (t == boolean.class) {
                args[i] = true;
            } else if (t == IdleStrategy.class) {
                args[i] = IdleStrategy.busySpin();
            } else {
                throw new AssertionError("SocketSurface has no argument for a " + t.getName() + " of " + signature(m)
                        + ": add one");
            }
        }
        return args;
    }

    private static int intArgument(String method, int position) {
        return switch (method) {
            case "bind" -> 0;
            case "connect" -> 7000;
            case "listen" -> 1;
            case "setSendBufferSize", "setReceiveBufferSize" -> 64 * 1024;
            case "send", "receive" -> position == 1 ? 0 : 4096; // (byte[], offset, length)
            default -> throw new AssertionError("SocketSurface has no int argument for " + method + ": add one");
        };
    }
}
