package io.arraysock.api;

import java.io.IOException;

/**
 * An I/O to the block medium failed: the device refused a read or write of sectors that
 * exist (EIO, ENXIO, ...), as it does when this host's path to the storage is lost (a dead
 * HBA, cable, switch port or SAN client, a LUN taken away). Names the device, the call, the
 * offset and length, and the error.
 *
 * <p>What the node wrote last is then unknown, so the node stops writing at once: its
 * sockets fail here, and its peers see them reset within the liveness timeout. Attach again
 * once the path is back.
 */
public final class StoragePathFailedException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String path;
    private final long offset;
    private final long length;

    /**
     * @param call   the system call, e.g. "pread"
     * @param reason the error, e.g. "Input/output error (errno 5)"
     */
    public StoragePathFailedException(String path, String call, long offset, long length, String reason) {
        super(path + ": the storage path failed: " + call + " of " + length + " bytes at offset " + offset + ": " + reason);
        this.path = path;
        this.offset = offset;
        this.length = length;
    }

    /** The device (or file) the I/O went to. */
    public String path() {
        return path;
    }

    /** Byte offset of the failed I/O on the device. */
    public long offset() {
        return offset;
    }

    /** Bytes the failed I/O moved, or was to move. */
    public long length() {
        return length;
    }
}
