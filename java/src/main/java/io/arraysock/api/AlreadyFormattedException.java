package io.arraysock.api;

/** Format was asked to overwrite a medium that already carries the array magic, without {@code force}. */
public final class AlreadyFormattedException extends ArrayException {
    private static final long serialVersionUID = 1L;

    public AlreadyFormattedException(String path, String message) {
        super(path, message);
    }
}
