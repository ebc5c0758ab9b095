package io.arraysock.api;

import java.io.IOException;

/**
 * Something about an array (a formatted medium) is wrong: its contents, its size, or this
 * process's claim on it. The message always names the path. Missing paths and refused
 * permissions are not array errors: they stay the JDK's {@link java.nio.file.NoSuchFileException}
 * and {@link java.nio.file.AccessDeniedException}.
 */
public class ArrayException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String path;

    public ArrayException(String path, String message) {
        super(path + ": " + message);
        this.path = path;
    }

    /** The path of the medium the error is about. */
    public String path() {
        return path;
    }
}
