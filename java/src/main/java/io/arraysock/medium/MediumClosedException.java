package io.arraysock.medium;

import java.io.IOException;

/**
 * An access to a medium that this process already closed: a call that raced with the
 * array's close. Carried as a {@link MediumFaultException} like any fault of an access; a
 * socket call reports it as "Socket is closed", since the close closed its socket first.
 */
public final class MediumClosedException extends IOException {
    private static final long serialVersionUID = 1L;

    public MediumClosedException(String path) {
        super("medium " + path + " is closed");
    }
}
