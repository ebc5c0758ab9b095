/*
 * arraysock C layer: only what Java cannot do well. Every call returns -1 and
 * leaves errno set on failure (JNA turns that into LastErrorException).
 */
#ifndef ARRAYSOCK_H
#define ARRAYSOCK_H

#include <stdint.h>

#define AS_EXPORT __attribute__((visibility("default")))

/* Open flags of as_open / as_shm_open (our own, so Java never hard-codes Linux's). */
#define AS_OPEN_CREATE  0x1
#define AS_OPEN_EXCL    0x2
#define AS_OPEN_DIRECT  0x4
#define AS_OPEN_RDONLY  0x8

/* What as_fstat reports. Layout checked by the Java side (NativeLayoutTest). */
struct as_file_info {
    uint64_t dev;       /* st_dev */
    uint64_t ino;       /* st_ino */
    uint64_t rdev;      /* st_rdev */
    int64_t  size;      /* st_size, or the device size for block devices */
    uint32_t mode;      /* st_mode */
    uint32_t is_block;  /* 1 for a block device */
    uint32_t logical_block_size;   /* BLKSSZGET, or 512 for regular files */
    uint32_t physical_block_size;  /* BLKPBSZGET, or 4096 for regular files */
};

/* Identifiers for as_constant(): sizes, offsets and values the Java side mirrors. */
enum as_constant_id {
    AS_C_FILE_INFO_SIZE = 1,
    AS_C_FILE_INFO_DEV_OFFSET,
    AS_C_FILE_INFO_INO_OFFSET,
    AS_C_FILE_INFO_RDEV_OFFSET,
    AS_C_FILE_INFO_SIZE_OFFSET,
    AS_C_FILE_INFO_MODE_OFFSET,
    AS_C_FILE_INFO_IS_BLOCK_OFFSET,
    AS_C_FILE_INFO_LBS_OFFSET,
    AS_C_FILE_INFO_PBS_OFFSET,
    AS_C_OPEN_CREATE,
    AS_C_OPEN_EXCL,
    AS_C_OPEN_DIRECT,
    AS_C_OPEN_RDONLY,
    AS_C_LOCK_FREE,
    AS_C_LOCK_HELD,
    AS_C_WAIT_WOKEN,
    AS_C_WAIT_TIMED_OUT,
    AS_C_WAIT_VALUE_CHANGED,
    AS_C_TMPFS_MAGIC,
    AS_C_LAST
};

#define AS_LOCK_FREE 0
#define AS_LOCK_HELD 1

#define AS_WAIT_WOKEN 0
#define AS_WAIT_TIMED_OUT 1
#define AS_WAIT_VALUE_CHANGED 2

AS_EXPORT int64_t as_constant(int id);

AS_EXPORT int as_open(const char *path, int flags, int mode);
AS_EXPORT int as_shm_open(const char *name, int flags, int mode);
AS_EXPORT int as_shm_unlink(const char *name);
AS_EXPORT int as_close(int fd);
AS_EXPORT int as_ftruncate(int fd, int64_t size);
AS_EXPORT int as_fchmod(int fd, int mode);
/* fallocate(fd, 0, offset, length): backs the range with real pages or blocks now (ENOSPC if it cannot). */
AS_EXPORT int as_fallocate(int fd, int64_t offset, int64_t length);
AS_EXPORT int as_fstat(int fd, struct as_file_info *info);
/* statfs(path).f_type: the file system's magic number (TMPFS_MAGIC for /dev/shm). */
AS_EXPORT int64_t as_statfs_type(const char *path);

AS_EXPORT int64_t as_mmap(int fd, int64_t length, int64_t offset);
/* As as_mmap, PROT_READ only: for an observer that opened the file read-only. */
AS_EXPORT int64_t as_mmap_readonly(int fd, int64_t length, int64_t offset);
AS_EXPORT int as_munmap(int64_t address, int64_t length);
/* Replaces a shared mapping with private anonymous memory at the same address: late
 * accesses by threads that missed the close hit harmless memory instead of faulting. */
AS_EXPORT int as_retire_mapping(int64_t address, int64_t length);

AS_EXPORT int64_t as_anon_map(int64_t length);
AS_EXPORT int64_t as_aligned_alloc(int64_t alignment, int64_t size);
AS_EXPORT void as_free(int64_t address);

AS_EXPORT int64_t as_pread(int fd, int64_t buffer, int64_t length, int64_t offset);
AS_EXPORT int64_t as_pwrite(int fd, int64_t buffer, int64_t length, int64_t offset);
/* as_pwrite for a regular file that must not grow: fails with ENXIO, writing nothing, when
 * [offset, offset + length) does not lie within the file's current size (it shrank). */
AS_EXPORT int64_t as_pwrite_within(int fd, int64_t buffer, int64_t length, int64_t offset);
AS_EXPORT int as_fdatasync(int fd);

AS_EXPORT int as_futex_wait(int64_t address, int expected, int64_t timeout_nanos);
AS_EXPORT int as_futex_wake(int64_t address, int count);
AS_EXPORT int as_futex_waitv(const int64_t *addresses, const int32_t *expected, int count, int64_t timeout_nanos);

AS_EXPORT int as_ofd_lock(int fd, int64_t offset, int64_t length, int exclusive);
AS_EXPORT int as_ofd_unlock(int fd, int64_t offset, int64_t length);
AS_EXPORT int as_ofd_probe(int fd, int64_t offset, int64_t length);

/* Installs the SIGBUS handler as_copy needs (once per process; chains to the previous one). */
AS_EXPORT int as_copy_init(void);
/* memcpy that returns -1 instead of crashing when a page of the source or destination
 * vanished (SIGBUS: a truncated shared-memory segment). Only after as_copy_init. */
AS_EXPORT int as_copy(int64_t destination, int64_t source, int64_t length);
/* Address of the count of SIGBUS signals our handler passed on to the previous one (the
 * JVM's): a change means some access faulted, maybe one into a shrunk shared segment. */
AS_EXPORT int64_t as_fault_counter(void);

AS_EXPORT int as_strerror(int errnum, char *buffer, int length);

#endif
