package io.arraysock.medium;

import java.io.IOException;

/**
 * The medium shrank under this process (a segment truncated, a device resized): the part
 * past its new end is gone, and the array is unusable. On shm the JVM reports the touch of
 * a vanished page as an {@link InternalError}; {@link Medium#faultOf} turns it into this.
 */
public final class MediumTruncatedException extends IOException {
    private static final long serialVersionUID = 1L;

    public MediumTruncatedException(String path, long nowBytes, long expectedBytes) {
        super(path + " shrank to " + nowBytes + " bytes under this process (it had " + expectedBytes
                + "): the array is unusable");
    }
}
