package io.arraysock.medium.internal;

/**
 * The Java side's copy of {@code native/arraysock.h}: flag values, result codes and the
 * layout of {@code struct as_file_info}. {@code NativeLayoutTest} checks each one against
 * the C layer's {@code as_constant()}, so the two cannot drift apart.
 */
public final class NativeConstants {
    /** Identifiers understood by {@code as_constant()} (enum as_constant_id). */
    public static final int C_FILE_INFO_SIZE = 1;
    public static final int C_FILE_INFO_DEV_OFFSET = 2;
    public static final int C_FILE_INFO_INO_OFFSET = 3;
    public static final int C_FILE_INFO_RDEV_OFFSET = 4;
    public static final int C_FILE_INFO_SIZE_OFFSET = 5;
    public static final int C_FILE_INFO_MODE_OFFSET = 6;
    public static final int C_FILE_INFO_IS_BLOCK_OFFSET = 7;
    public static final int C_FILE_INFO_LBS_OFFSET = 8;
    public static final int C_FILE_INFO_PBS_OFFSET = 9;
    public static final int C_OPEN_CREATE = 10;
    public static final int C_OPEN_EXCL = 11;
    public static final int C_OPEN_DIRECT = 12;
    public static final int C_OPEN_RDONLY = 13;
    public static final int C_LOCK_FREE = 14;
    public static final int C_LOCK_HELD = 15;
    public static final int C_WAIT_WOKEN = 16;
    public static final int C_WAIT_TIMED_OUT = 17;
    public static final int C_WAIT_VALUE_CHANGED = 18;
    public static final int C_TMPFS_MAGIC = 19;

    public static final int OPEN_CREATE = 0x1;
    public static final int OPEN_EXCL = 0x2;
    public static final int OPEN_DIRECT = 0x4;
    public static final int OPEN_RDONLY = 0x8;

    public static final int LOCK_FREE = 0;
    public static final int LOCK_HELD = 1;

    public static final int WAIT_WOKEN = 0;
    public static final int WAIT_TIMED_OUT = 1;
    public static final int WAIT_VALUE_CHANGED = 2;

    /** statfs f_type of tmpfs (linux/magic.h): what {@code /dev/shm} is, so it is mapped, not read with O_DIRECT. */
    public static final long TMPFS_MAGIC = 0x01021994L;

    /**
     * struct as_file_info, as the C compiler lays it out:
     * <pre>
     *  0      8      16     24     32    36       40     44     48
     *  +------+------+------+------+-----+--------+------+------+
     *  | dev  | ino  | rdev | size | mode|is_block| lbs  | pbs  |
     *  +------+------+------+------+-----+--------+------+------+
     * </pre>
     */
    public static final int FILE_INFO_DEV_OFFSET = 0;
    public static final int FILE_INFO_INO_OFFSET = 8;
    public static final int FILE_INFO_RDEV_OFFSET = 16;
    public static final int FILE_INFO_SIZE_OFFSET = 24;
    public static final int FILE_INFO_MODE_OFFSET = 32;
    public static final int FILE_INFO_IS_BLOCK_OFFSET = 36;
    public static final int FILE_INFO_LBS_OFFSET = 40;
    public static final int FILE_INFO_PBS_OFFSET = 44;
    public static final int FILE_INFO_SIZE = 48;

    private NativeConstants() {
    }
}
