package io.arraysock.medium.internal;

/**
 * Which file a medium was opened from, as the kernel names it: the filesystem's device
 * and the inode (for a block device, the inode of its device node). Two processes whose
 * identities are equal see each other's OFD locks.
 */
public record FileIdentity(long device, long inode) {
}
