/* arraysock C layer. See arraysock.h for the contract of each call. */
#include "arraysock.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <linux/futex.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int64_t as_constant(int id) {
    switch (id) {
    case AS_C_FILE_INFO_SIZE: return sizeof(struct as_file_info);
    case AS_C_FILE_INFO_DEV_OFFSET: return offsetof(struct as_file_info, dev);
    case AS_C_FILE_INFO_INO_OFFSET: return offsetof(struct as_file_info, ino);
    case AS_C_FILE_INFO_RDEV_OFFSET: return offsetof(struct as_file_info, rdev);
    case AS_C_FILE_INFO_SIZE_OFFSET: return offsetof(struct as_file_info, size);
    case AS_C_FILE_INFO_MODE_OFFSET: return offsetof(struct as_file_info, mode);
    case AS_C_FILE_INFO_IS_BLOCK_OFFSET: return offsetof(struct as_file_info, is_block);
    case AS_C_FILE_INFO_LBS_OFFSET: return offsetof(struct as_file_info, logical_block_size);
    case AS_C_FILE_INFO_PBS_OFFSET: return offsetof(struct as_file_info, physical_block_size);
    case AS_C_OPEN_CREATE: return AS_OPEN_CREATE;
    case AS_C_OPEN_EXCL: return AS_OPEN_EXCL;
    case AS_C_OPEN_DIRECT: return AS_OPEN_DIRECT;
    case AS_C_OPEN_RDONLY: return AS_OPEN_RDONLY;
    case AS_C_LOCK_FREE: return AS_LOCK_FREE;
    case AS_C_LOCK_HELD: return AS_LOCK_HELD;
    case AS_C_WAIT_WOKEN: return AS_WAIT_WOKEN;
    case AS_C_WAIT_TIMED_OUT: return AS_WAIT_TIMED_OUT;
    case AS_C_WAIT_VALUE_CHANGED: return AS_WAIT_VALUE_CHANGED;
    case AS_C_TMPFS_MAGIC: return TMPFS_MAGIC;
    default: errno = EINVAL; return -1;
    }
}

static int posix_flags(int flags) {
    int f = (flags & AS_OPEN_RDONLY) ? O_RDONLY : O_RDWR;
    if (flags & AS_OPEN_CREATE) f |= O_CREAT;
    if (flags & AS_OPEN_EXCL) f |= O_EXCL;
    if (flags & AS_OPEN_DIRECT) f |= O_DIRECT;
    return f | O_CLOEXEC;
}

int as_open(const char *path, int flags, int mode) {
    int fd;
    do {
        fd = open(path, posix_flags(flags), (mode_t) mode);
    } while (fd < 0 && errno == EINTR);
    if (fd >= 0) errno = 0; /* an EINTR retried is no error: JNA throws on any errno left set */
    return fd;
}

int as_shm_open(const char *name, int flags, int mode) {
    if (flags & AS_OPEN_DIRECT) { errno = EINVAL; return -1; }
    return shm_open(name, posix_flags(flags), (mode_t) mode);
}

int as_shm_unlink(const char *name) { return shm_unlink(name); }

int as_close(int fd) { return close(fd); }

int as_ftruncate(int fd, int64_t size) {
    int rc;
    do {
        rc = ftruncate(fd, (off_t) size);
    } while (rc < 0 && errno == EINTR);
    if (rc == 0) errno = 0;
    return rc;
}

int as_fchmod(int fd, int mode) { return fchmod(fd, (mode_t) mode); }

int as_fallocate(int fd, int64_t offset, int64_t length) {
    int rc;
    do {
        rc = fallocate(fd, 0, (off_t) offset, (off_t) length);
    } while (rc < 0 && errno == EINTR);
    if (rc == 0) errno = 0;
    return rc;
}

int as_fstat(int fd, struct as_file_info *info) {
    struct stat st;
    if (fstat(fd, &st) < 0) return -1;
    memset(info, 0, sizeof(*info));
    info->dev = st.st_dev;
    info->ino = st.st_ino;
    info->rdev = st.st_rdev;
    info->mode = st.st_mode;
    info->size = st.st_size;
    info->logical_block_size = 512;
    info->physical_block_size = 4096;
    if (S_ISBLK(st.st_mode)) {
        uint64_t bytes = 0;
        int lbs = 0;
        unsigned int pbs = 0;
        if (ioctl(fd, BLKGETSIZE64, &bytes) < 0) return -1;
        if (ioctl(fd, BLKSSZGET, &lbs) < 0) return -1;
        if (ioctl(fd, BLKPBSZGET, &pbs) < 0) return -1;
        info->is_block = 1;
        info->size = (int64_t) bytes;
        info->logical_block_size = (uint32_t) lbs;
        info->physical_block_size = pbs;
    }
    return 0;
}

int64_t as_statfs_type(const char *path) {
    struct statfs sf;
    int rc;
    do {
        rc = statfs(path, &sf);
    } while (rc < 0 && errno == EINTR);
    if (rc < 0) return -1;
    errno = 0;
    return (int64_t) (uint64_t) (unsigned long) sf.f_type;
}

int64_t as_mmap(int fd, int64_t length, int64_t offset) {
    void *p = mmap(NULL, (size_t) length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t) offset);
    if (p == MAP_FAILED) return -1;
    return (int64_t) (intptr_t) p;
}

int64_t as_mmap_readonly(int fd, int64_t length, int64_t offset) {
    void *p = mmap(NULL, (size_t) length, PROT_READ, MAP_SHARED, fd, (off_t) offset);
    if (p == MAP_FAILED) return -1;
    return (int64_t) (intptr_t) p;
}

int as_munmap(int64_t address, int64_t length) {
    return munmap((void *) (intptr_t) address, (size_t) length);
}

int as_retire_mapping(int64_t address, int64_t length) {
    void *p = mmap((void *) (intptr_t) address, (size_t) length, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0);
    return p == MAP_FAILED ? -1 : 0;
}

/* Private anonymous memory for I/O buffers: page-aligned, zero-filled by the kernel page by
 * page as it is first touched, so a large buffer costs nothing until used (malloc + memset
 * faults and clears every page up front). Freed with as_munmap. */
int64_t as_anon_map(int64_t length) {
    void *p = mmap(NULL, (size_t) length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return -1;
    return (int64_t) (intptr_t) p;
}

int64_t as_aligned_alloc(int64_t alignment, int64_t size) {
    void *p = NULL;
    int rc = posix_memalign(&p, (size_t) alignment, (size_t) size);
    if (rc != 0) { errno = rc; return -1; }
    memset(p, 0, (size_t) size);
    return (int64_t) (intptr_t) p;
}

void as_free(int64_t address) { free((void *) (intptr_t) address); }

/* Whole transfers: loops over short counts and EINTR; a short count at end of device is EIO-like (ENXIO). */
int64_t as_pread(int fd, int64_t buffer, int64_t length, int64_t offset) {
    char *p = (char *) (intptr_t) buffer;
    int64_t done = 0;
    while (done < length) {
        ssize_t n = pread(fd, p + done, (size_t) (length - done), (off_t) (offset + done));
        if (n < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        if (n == 0) { errno = ENXIO; return -1; }
        done += n;
    }
    errno = 0; /* EINTRs retried above are no error */
    return done;
}

int64_t as_pwrite(int fd, int64_t buffer, int64_t length, int64_t offset) {
    const char *p = (const char *) (intptr_t) buffer;
    int64_t done = 0;
    while (done < length) {
        ssize_t n = pwrite(fd, p + done, (size_t) (length - done), (off_t) (offset + done));
        if (n < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        if (n == 0) { errno = ENOSPC; return -1; }
        done += n;
    }
    errno = 0; /* EINTRs retried above are no error */
    return done;
}

int64_t as_pwrite_within(int fd, int64_t buffer, int64_t length, int64_t offset) {
    /* A pwrite past the end of a regular file extends it: a file truncated under us would
     * silently grow back. One fstat in the same call costs no second crossing from Java. */
    struct stat st;
    if (fstat(fd, &st) < 0) return -1;
    if ((int64_t) st.st_size < offset + length) { errno = ENXIO; return -1; }
    return as_pwrite(fd, buffer, length, offset);
}

int as_fdatasync(int fd) { return fdatasync(fd); }

/* Shared (not FUTEX_PRIVATE): the word lives in a mapping other processes share. */
int as_futex_wait(int64_t address, int expected, int64_t timeout_nanos) {
    struct timespec ts, *tsp = NULL;
    if (timeout_nanos >= 0) {
        ts.tv_sec = (time_t) (timeout_nanos / 1000000000LL);
        ts.tv_nsec = (long) (timeout_nanos % 1000000000LL);
        tsp = &ts;
    }
    long rc = syscall(SYS_futex, (uint32_t *) (intptr_t) address, FUTEX_WAIT, expected, tsp, NULL, 0);
    if (rc == 0) return AS_WAIT_WOKEN;
    int result;
    switch (errno) {
    case ETIMEDOUT: result = AS_WAIT_TIMED_OUT; break;
    case EAGAIN: result = AS_WAIT_VALUE_CHANGED; break;
    case EINTR: result = AS_WAIT_WOKEN; break; /* spurious: callers re-check their condition */
    default: return -1;
    }
    errno = 0; /* a result, not an error: JNA throws whenever errno is left non-zero */
    return result;
}

/* futex_waitv (Linux 5.16): sleeps on up to 128 shared 32-bit words at once, until one is
 * woken or no longer holds its expected value. Returns AS_WAIT_*, or -1 with errno (ENOSYS:
 * an older kernel; the caller falls back to one word). */
#ifndef SYS_futex_waitv
#define SYS_futex_waitv 449
#endif
#ifndef FUTEX_32
#define FUTEX_32 2
#endif
struct as_futex_waitv { uint64_t val; uint64_t uaddr; uint32_t flags; uint32_t reserved; };

int as_futex_waitv(const int64_t *addresses, const int32_t *expected, int count, int64_t timeout_nanos) {
    struct as_futex_waitv w[128];
    if (count <= 0 || count > 128) { errno = EINVAL; return -1; }
    for (int i = 0; i < count; i++) {
        w[i].val = (uint32_t) expected[i];
        w[i].uaddr = (uint64_t) addresses[i];
        w[i].flags = FUTEX_32; /* shared: no FUTEX_PRIVATE_FLAG */
        w[i].reserved = 0;
    }
    struct timespec ts, *tsp = NULL;
    if (timeout_nanos >= 0) { /* futex_waitv takes an absolute deadline */
        if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0) return -1;
        int64_t ns = (int64_t) ts.tv_nsec + timeout_nanos % 1000000000LL;
        ts.tv_sec += (time_t) (timeout_nanos / 1000000000LL + ns / 1000000000LL);
        ts.tv_nsec = (long) (ns % 1000000000LL);
        tsp = &ts;
    }
    long rc = syscall(SYS_futex_waitv, w, (unsigned) count, 0u, tsp, CLOCK_MONOTONIC);
    if (rc >= 0) return AS_WAIT_WOKEN;
    int result;
    switch (errno) {
    case ETIMEDOUT: result = AS_WAIT_TIMED_OUT; break;
    case EAGAIN: result = AS_WAIT_VALUE_CHANGED; break;
    case EINTR: result = AS_WAIT_WOKEN; break;
    default: return -1;
    }
    errno = 0;
    return result;
}

int as_futex_wake(int64_t address, int count) {
    return (int) syscall(SYS_futex, (uint32_t *) (intptr_t) address, FUTEX_WAKE, count, NULL, NULL, 0);
}

static void lock_range(struct flock *fl, short type, int64_t offset, int64_t length) {
    memset(fl, 0, sizeof(*fl));
    fl->l_type = type;
    fl->l_whence = SEEK_SET;
    fl->l_start = (off_t) offset;
    fl->l_len = (off_t) length;
    fl->l_pid = 0; /* required for OFD locks */
}

/* Returns AS_LOCK_HELD when we got the lock, AS_LOCK_FREE never; -1 with EAGAIN when another holds it. */
int as_ofd_lock(int fd, int64_t offset, int64_t length, int exclusive) {
    struct flock fl;
    lock_range(&fl, exclusive ? F_WRLCK : F_RDLCK, offset, length);
    if (fcntl(fd, F_OFD_SETLK, &fl) < 0) return -1;
    return AS_LOCK_HELD;
}

int as_ofd_unlock(int fd, int64_t offset, int64_t length) {
    struct flock fl;
    lock_range(&fl, F_UNLCK, offset, length);
    return fcntl(fd, F_OFD_SETLK, &fl);
}

/* Whether another open file description holds a lock conflicting with a write lock on the range. */
int as_ofd_probe(int fd, int64_t offset, int64_t length) {
    struct flock fl;
    lock_range(&fl, F_WRLCK, offset, length);
    if (fcntl(fd, F_OFD_GETLK, &fl) < 0) return -1;
    return fl.l_type == F_UNLCK ? AS_LOCK_FREE : AS_LOCK_HELD;
}

int as_strerror(int errnum, char *buffer, int length) {
    if (length <= 0) { errno = EINVAL; return -1; }
    const char *s = strerror_r(errnum, buffer, (size_t) length); /* GNU variant */
    if (s != buffer) {
        strncpy(buffer, s, (size_t) length - 1);
        buffer[length - 1] = '\0';
    }
    return 0;
}
