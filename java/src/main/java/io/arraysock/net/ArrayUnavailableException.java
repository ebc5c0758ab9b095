package io.arraysock.net;

import java.net.SocketException;

/**
 * The array a connection was routed to cannot be attached: missing, not an array, or no
 * free node slot. A {@code prefer-array} rule falls back to TCP on it.
 */
public final class ArrayUnavailableException extends SocketException {
    private static final long serialVersionUID = 1L;

    public ArrayUnavailableException(String path, Throwable cause) {
        super("array " + path + " is unavailable: " + cause);
        initCause(cause);
    }
}
