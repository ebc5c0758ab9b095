package io.arraysock.api;

import java.io.IOException;

/**
 * The file system under a medium cannot back it: a tmpfs with too little free space for a
 * segment, a failed preallocation (ENOSPC), or a page of a sparse segment that could not
 * be allocated when it was first touched (the JVM reports that as an {@link InternalError};
 * {@code Medium.faultOf} turns it into this).
 */
public final class NoSpaceException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String path;

    public NoSpaceException(String path, String message) {
        super(path + ": " + message);
        this.path = path;
    }

    /** The medium (or the file about to become one) that has no room. */
    public String path() {
        return path;
    }
}
