package io.arraysock.net;

import java.io.Serial;
import java.net.SocketAddress;
import java.util.Objects;

/**
 * The address of a socket on an array: the array's path and a port on it, written
 * {@code array:PATH?port=N} (for example {@code array:/dev/shm/backup?port=7000}). Ports
 * belong to the array, not to any host: port 7000 on an array and TCP port 7000 are
 * unrelated. Port 0 means "any free port" when binding.
 */
public final class ArraySocketAddress extends SocketAddress {
    @Serial
    private static final long serialVersionUID = 1L;
    /** The URI scheme of array addresses. */
    public static final String SCHEME = "array:";
    /** Array ports: 0 (any, for binding) up to the array's last port. */
    static final int MAX_PORT = 65535;

    private final String arrayPath;
    private final int port;

    public ArraySocketAddress(String arrayPath, int port) {
        this.arrayPath = Objects.requireNonNull(arrayPath, "arrayPath");
        if (arrayPath.isEmpty()) {
            throw new IllegalArgumentException("empty array path");
        }
        if (port < 0 || port > MAX_PORT) {
            throw new IllegalArgumentException("port out of range 0.." + MAX_PORT + ": " + port);
        }
        this.port = port;
    }

    /**
     * Parses {@code array:PATH?port=N}; {@code ?port=N} may be left out only where a port is
     * supplied from elsewhere ({@code defaultPort} &ge; 0, e.g. the port a routing rule matched).
     *
     * @throws IllegalArgumentException when it is not such an address
     */
    public static ArraySocketAddress parse(String uri, int defaultPort) {
        if (!uri.startsWith(SCHEME)) {
            throw new IllegalArgumentException("not an array address (array:PATH?port=N): " + uri);
        }
        String rest = uri.substring(SCHEME.length());
        int q = rest.indexOf('?');
        String path = q < 0 ? rest : rest.substring(0, q);
        int port = defaultPort;
        if (q >= 0) {
            for (String param : rest.substring(q + 1).split("&")) {
                if (param.startsWith("port=")) {
                    try {
                        port = Integer.parseInt(param.substring("port=".length()));
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("bad port in " + uri, e);
                    }
                } else if (!param.isEmpty()) {
                    throw new IllegalArgumentException("unknown parameter '" + param + "' in " + uri);
                }
            }
        }
        if (port < 0) {
            throw new IllegalArgumentException("no port in " + uri + " (array:PATH?port=N)");
        }
        return new ArraySocketAddress(path, port);
    }

    /** Parses {@code array:PATH?port=N}. */
    public static ArraySocketAddress parse(String uri) {
        return parse(uri, -1);
    }

    public String arrayPath() {
        return arrayPath;
    }

    public int port() {
        return port;
    }

    public ArraySocketAddress withPort(int newPort) {
        return new ArraySocketAddress(arrayPath, newPort);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ArraySocketAddress a && a.port == port && a.arrayPath.equals(arrayPath);
    }

    @Override
    public int hashCode() {
        return arrayPath.hashCode() * 31 + port;
    }

    @Override
    public String toString() {
        return SCHEME + arrayPath + "?port=" + port;
    }
}
