package io.arraysock.medium.internal;


/**
 * What {@code as_fstat} reports of an open file. For a block device {@code size} is the
 * device's size and the block sizes come from BLKSSZGET / BLKPBSZGET.
 */
public record FileInfo(long device, long inode, long rdev, long size, int mode, boolean isBlockDevice,
                       int logicalBlockSize, int physicalBlockSize) {

    private static final int S_IFMT = 0170000;
    private static final int S_IFREG = 0100000;

    public boolean isRegularFile() {
        return (mode & S_IFMT) == S_IFREG;
    }

    /** The lock domain: OFD locks belong to the inode that was opened (for a device, its node). */
    public FileIdentity identity() {
        return new FileIdentity(device, inode);
    }
}
