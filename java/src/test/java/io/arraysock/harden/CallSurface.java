package io.arraysock.harden;

import io.arraysock.ArraySocket;
import io.arraysock.SendClaim;
import io.arraysock.api.ReceiveHandler;
import io.arraysock.api.IdleStrategy;
import io.arraysock.net.ArraySocketChannel;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Calls every public instance method of a connected stream {@link ArraySocket} or
 * {@link ArraySocketChannel} with harmless arguments, and records what each did, so a test
 * can compare one on a faulty medium with a healthy one: under a medium fault every call
 * must either behave as on the healthy one or throw one of the documented
 * {@link java.io.IOException}s, never anything else. Shutdowns, abort and close come last; the
 * socket's receive timeout is short, so no call blocks for long.
 */
final class CallSurface {
    /** Calls that end the socket's use: made after all the others, in this order. */
    private static final List<String> LAST = List.of("shutdownOutput", "shutdownInput", "abort", "close");
    /** What a call that returned is recorded as. */
    static final String RETURNED = "-";

    private CallSurface() {
    }

    /** Every call of {@code socket}, by signature ({@code send(ByteBuffer)}), mapped to {@link #outcome}. */
    static Map<String, String> callAll(ArraySocket socket) {
        socket.setReceiveTimeout(Duration.ofMillis(100));
        return callAll(socket, ArraySocket.class);
    }

    /** Every call of {@code channel} (blocking; its socket's receive timeout short), as for a socket. */
    static Map<String, String> callAll(ArraySocketChannel channel) {
        channel.arraySocket().setReceiveTimeout(Duration.ofMillis(100));
        return callAll(channel, ArraySocketChannel.class);
    }

    private static Map<String, String> callAll(Object target, Class<?> api) {
        Map<String, String> outcomes = new LinkedHashMap<>();
        for (Method m : methods(api)) {
            Throwable thrown = null;
            Object[] args = arguments(m);
            try {
                m.invoke(target, args);
                commitClaims(args);
            } catch (IOException e) {
                thrown = e;
            } catch (InvocationTargetException e) {
                thrown = e.getCause();
            } catch (IllegalAccessException e) {
                throw new AssertionError(e);
            }
            outcomes.put(signature(m), outcome(thrown));
        }
        return outcomes;
    }

    /** A claim call's claim, if it claimed, is committed as part of the call: the socket sends again after it. */
    private static void commitClaims(Object[] args) throws IOException {
        for (Object a : args) {
            if (a instanceof SendClaim claim && claim.isOpen()) {
                claim.commit();
            }
        }
    }

    /**
     * What a call did, in one word: {@link #RETURNED}, or the class of what it threw, then
     * {@code <-} and each cause's class ({@code java.net.SocketException<-io.arraysock.api.StoragePathFailedException}).
     */
    static String outcome(Throwable thrown) {
        if (thrown == null) {
            return RETURNED;
        }
        StringBuilder b = new StringBuilder(thrown.getClass().getName());
        for (Throwable c = thrown.getCause(); c != null && c != thrown; c = c.getCause()) {
            b.append("<-").append(c.getClass().getName());
        }
        return b.toString();
    }

    static String signature(Method m) {
        return m.getName() + Arrays.stream(m.getParameterTypes()).map(Class::getSimpleName)
                .collect(Collectors.joining(",", "(", ")"));
    }

    /** The public API of {@code api}, inherited methods included (a channel's close and isOpen), Object's not. */
    private static List<Method> methods(Class<?> api) {
        return Arrays.stream(api.getMethods())
                .filter(m -> m.getDeclaringClass() != Object.class && !Modifier.isStatic(m.getModifiers()))
                .sorted(Comparator.comparingInt((Method m) -> LAST.indexOf(m.getName())).thenComparing(CallSurface::signature))
                .toList();
    }

    /** Arguments a healthy connected stream socket or channel accepts without blocking for long. */
    private static Object[] arguments(Method m) {
        Class<?>[] types = m.getParameterTypes();
        Object[] args = new Object[types.length];
        for (int i = 0; i < types.length; i++) {
            Class<?> t = types[i];
            if (t == ByteBuffer.class) {
                args[i] = buffer();
            } else if (t == ByteBuffer[].class) {
                args[i] = new ByteBuffer[] {buffer(), buffer()};
            } else if (t == byte[].class) {
                args[i] = new byte[m.getName().equals("setAuthenticationKey") ? 16 : 4096];
            } else if (t == int.class && types[0] == ByteBuffer[].class) {
                args[i] = i == 1 ? 0 : 2; // (ByteBuffer[], offset, length): the whole array made above
            } else if (t == int.class) {
                args[i] = intArgument(m.getName(), i);
            } else if (t == Duration.class) {
                args[i] = Duration.ofMillis(100);
            } else if (t == boolean.class) {
                args[i] = true;
            } else if (t == SendClaim.class) {
                args[i] = new SendClaim();
            } else if (t == ReceiveHandler.class) {
                args[i] = (ReceiveHandler) data -> { };
            } else if (t == IdleStrategy.class) {
                args[i] = IdleStrategy.busySpin();
            } else if (t == SocketAddress.class) {
                args[i] = null; // bind(null): any port
            } else if (t == SocketOption.class) {
                args[i] = StandardSocketOptions.SO_RCVBUF;
            } else if (t == Object.class && m.getName().equals("setOption")) {
                args[i] = 64 * 1024;
            } else if (t == Selector.class || t == Object.class && m.getName().equals("register")) {
                args[i] = null; // register(null, ...), keyFor(null): the channel's own checks
            } else {
                throw new AssertionError("CallSurface has no argument for a " + t.getName() + " of " + signature(m)
                        + ": add one");
            }
        }
        return args;
    }

    /** 16 KiB, direct: 4 KiB and more take the native copy path too. */
    private static ByteBuffer buffer() {
        return ByteBuffer.allocateDirect(16 * 1024);
    }

    private static int intArgument(String method, int position) {
        return switch (method) {
            case "bind" -> 0;
            case "connect", "connectNow" -> 7000;
            case "listen" -> 1;
            case "setSendBufferSize", "setReceiveBufferSize" -> 64 * 1024;
            case "send", "receive" -> position == 1 ? 0 : 4096; // (byte[], offset, length)
            case "claim", "tryClaim" -> 4096; // (length, claim)
            case "poll" -> 1 << 20; // (handler, limit)
            case "register" -> SelectionKey.OP_READ;
            default -> throw new AssertionError("CallSurface has no int argument for " + method + ": add one");
        };
    }
}
