package io.arraysock.socket;

/**
 * A connected socket's counters for readers in this process (JMX): what its data paths
 * counted, read opaquely, as {tx bytes, tx messages, tx waits, tx wake-ups received, rx
 * bytes, rx messages, rx waits, rx wake-ups received}; zeros before a connection.
 */
public final class TrafficView {
    public static final int TX_BYTES = 0;
    public static final int TX_MESSAGES = 1;
    public static final int TX_WAITS = 2;
    public static final int TX_WAKES = 3;
    public static final int RX_BYTES = 4;
    public static final int RX_MESSAGES = 5;
    public static final int RX_WAITS = 6;
    public static final int RX_WAKES = 7;

    private TrafficView() {
    }

    /** Counter {@code which} of {@code s}. */
    public static long get(SocketCore s, int which) {
        DirectionCounters c = which < RX_BYTES ? s.sent() : s.received();
        if (c == null) {
            return 0;
        }
        return switch (which % RX_BYTES) {
            case TX_BYTES -> c.bytes();
            case TX_MESSAGES -> c.messages();
            case TX_WAITS -> c.waits();
            default -> c.wakes();
        };
    }

    /** The socket's index in its node's partition, and its block's generation: its JMX name. */
    public static int index(SocketCore s) {
        return s.index;
    }

    public static int generation(SocketCore s) {
        return s.generation();
    }

    /** How many sockets of {@code layer} are not yet released. */
    public static int openSockets(SocketLayer layer) {
        int n = 0;
        for (SocketCore ignored : layer.openSockets()) {
            n++;
        }
        return n;
    }
}
