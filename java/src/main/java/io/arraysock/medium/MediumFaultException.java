package io.arraysock.medium;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The unchecked carrier of an I/O error out of a {@link Medium} access (whose methods are
 * unchecked: they sit on the hot path). Never meant to reach an application: the layers
 * above catch it where they catch a vanished page, through {@link Medium#faultOf}, and
 * throw its {@linkplain #getCause() cause} instead, typically a
 * {@link io.arraysock.api.StoragePathFailedException}.
 */
public final class MediumFaultException extends UncheckedIOException {
    private static final long serialVersionUID = 1L;

    public MediumFaultException(IOException cause) {
        super(cause.getMessage(), cause);
    }

    /** What to throw instead of {@code e}: the carried I/O error for this carrier, else {@code e} itself. */
    public static Exception unwrap(Exception e) {
        return e instanceof MediumFaultException carrier ? carrier.getCause() : e;
    }
}
