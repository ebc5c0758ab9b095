package io.arraysock.api;

/** The medium does not start with the array magic: it was never formatted, or is something else. */
public final class NotAnArrayException extends ArrayException {
    private static final long serialVersionUID = 1L;

    public NotAnArrayException(String path, String message) {
        super(path, message);
    }
}
