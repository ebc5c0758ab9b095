/*
 * The practical limit for arraysock's shm rings: a minimal single-producer/single-consumer
 * byte ring between two processes over a /dev/shm segment. Copy in, release store of the
 * tail; acquire load of the tail, copy out, release store of the head; busy-spin. Same ring
 * size as arraysock's default (256 KiB). Not part of the library.
 *
 * usage: cring stream SIZE ITERATIONS MILLIS | cring pingpong SIZE ITERATIONS MILLIS
 * Prints rows "cring <metric> <size> <iteration> <value>" (tab-separated); iteration 0 is warm-up.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CAPACITY (256u * 1024u)
#define LINE 64

struct ring {
    _Alignas(LINE) uint64_t tail;     /* written by the producer only */
    _Alignas(LINE) uint64_t head;     /* written by the consumer only */
    _Alignas(LINE) uint64_t end;      /* producer: tail at the end of a burst, +1; 0 = none */
    _Alignas(LINE) uint64_t ack;      /* consumer: bursts consumed */
    _Alignas(LINE) uint64_t quit;
    _Alignas(LINE) unsigned char data[CAPACITY];
};

struct segment {
    struct ring forth; /* parent -> child */
    struct ring back;  /* child -> parent */
};

static uint64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t) t.tv_sec * 1000000000u + (uint64_t) t.tv_nsec;
}

static inline void cpu_relax(void) { __builtin_ia32_pause(); }

/* Producer side, with its cached view of the consumer's head. */
struct tx { struct ring *r; uint64_t tail, head_cache; };
struct rx { struct ring *r; uint64_t head, tail_cache; };

static void send_all(struct tx *t, const unsigned char *src, size_t n) {
    while (n > 0) {
        uint64_t free_bytes = CAPACITY - (t->tail - t->head_cache);
        while (free_bytes == 0) {
            t->head_cache = __atomic_load_n(&t->r->head, __ATOMIC_ACQUIRE);
            free_bytes = CAPACITY - (t->tail - t->head_cache);
            if (free_bytes == 0) cpu_relax();
        }
        size_t index = t->tail & (CAPACITY - 1);
        size_t chunk = n < free_bytes ? n : free_bytes;
        if (chunk > CAPACITY - index) chunk = CAPACITY - index;
        memcpy(t->r->data + index, src, chunk);
        t->tail += chunk;
        __atomic_store_n(&t->r->tail, t->tail, __ATOMIC_RELEASE);
        src += chunk;
        n -= chunk;
    }
}

/* Receives up to n bytes (at least 1); returns the count, 0 if quit/ended with nothing. */
static size_t recv_some(struct rx *x, unsigned char *dst, size_t n, const uint64_t *stop) {
    uint64_t avail = x->tail_cache - x->head;
    while (avail == 0) {
        x->tail_cache = __atomic_load_n(&x->r->tail, __ATOMIC_ACQUIRE);
        avail = x->tail_cache - x->head;
        if (avail == 0) {
            if (stop && __atomic_load_n(stop, __ATOMIC_ACQUIRE)) {
                x->tail_cache = __atomic_load_n(&x->r->tail, __ATOMIC_ACQUIRE);
                avail = x->tail_cache - x->head;
                if (avail == 0) return 0;
                break;
            }
            cpu_relax();
        }
    }
    size_t index = x->head & (CAPACITY - 1);
    size_t chunk = n < avail ? n : avail;
    if (chunk > CAPACITY - index) chunk = CAPACITY - index;
    memcpy(dst, x->r->data + index, chunk);
    x->head += chunk;
    __atomic_store_n(&x->r->head, x->head, __ATOMIC_RELEASE);
    return chunk;
}

static int recv_all(struct rx *x, unsigned char *dst, size_t n, const uint64_t *stop) {
    while (n > 0) {
        size_t got = recv_some(x, dst, n, stop);
        if (got == 0) return -1;
        dst += got;
        n -= got;
    }
    return 0;
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *) a, y = *(const uint64_t *) b;
    return x < y ? -1 : x > y;
}

static void row(const char *metric, size_t size, int it, double v) {
    printf("cring\t%s\t%zu\t%d\t%.3f\n", metric, size, it, v);
    fflush(stdout);
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: %s stream|pingpong SIZE ITERATIONS MILLIS\n", argv[0]);
        return 2;
    }
    int pingpong = strcmp(argv[1], "pingpong") == 0;
    size_t size = strtoul(argv[2], NULL, 10);
    int iterations = atoi(argv[3]);
    uint64_t span = strtoull(argv[4], NULL, 10) * 1000000u;
    char name[64];
    snprintf(name, sizeof name, "/cring-%d", (int) getpid());
    int fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600);
    if (fd < 0 || ftruncate(fd, sizeof(struct segment)) != 0) { perror("shm"); return 1; }
    struct segment *seg = mmap(NULL, sizeof(struct segment), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (seg == MAP_FAILED) { perror("mmap"); return 1; }
    shm_unlink(name);
    memset(seg, 0, sizeof *seg);
    unsigned char *buf = malloc(size);
    memset(buf, 7, size);
    pid_t child = fork();
    if (child < 0) { perror("fork"); return 1; }
    if (child == 0) {
        struct tx t = { &seg->forth, 0, 0 };
        struct rx x = { &seg->back, 0, 0 };
        if (pingpong) { /* child echoes forth -> back */
            struct rx in = { &seg->forth, 0, 0 };
            struct tx out = { &seg->back, 0, 0 };
            while (recv_all(&in, buf, size, &seg->forth.quit) == 0) send_all(&out, buf, size);
            _exit(0);
        }
        (void) x;
        for (int it = 0; it <= iterations; it++) { /* child streams forth in bursts */
            uint64_t end = now_ns() + span;
            int n = 0;
            do {
                send_all(&t, buf, size);
            } while ((++n & 15) != 0 || now_ns() < end);
            __atomic_store_n(&seg->forth.end, t.tail + 1, __ATOMIC_RELEASE);
            while (__atomic_load_n(&seg->forth.ack, __ATOMIC_ACQUIRE) != (uint64_t) it + 1) cpu_relax();
            __atomic_store_n(&seg->forth.end, 0, __ATOMIC_RELEASE);
            __atomic_store_n(&seg->forth.ack, 0, __ATOMIC_RELEASE);
            while (__atomic_load_n(&seg->forth.quit, __ATOMIC_ACQUIRE) != (uint64_t) it + 1) cpu_relax();
        }
        _exit(0);
    }
    if (pingpong) {
        struct tx out = { &seg->forth, 0, 0 };
        struct rx in = { &seg->back, 0, 0 };
        size_t cap = 50u * 1000u * 1000u;
        uint64_t *lat = malloc(cap * sizeof *lat);
        for (int it = 0; it <= iterations; it++) {
            size_t count = 0;
            uint64_t end = now_ns() + span, t1;
            do {
                uint64_t t0 = now_ns();
                send_all(&out, buf, size);
                recv_all(&in, buf, size, NULL);
                t1 = now_ns();
                if (count < cap) lat[count++] = t1 - t0;
            } while (t1 < end);
            if (it > 0) {
                qsort(lat, count, sizeof *lat, cmp_u64);
                row("rtt_p50_us", size, it, lat[(size_t) (count * 0.50)] / 1e3);
                row("rtt_p99_us", size, it, lat[(size_t) (count * 0.99)] / 1e3);
                row("rtt_p999_us", size, it, lat[(size_t) (count * 0.999)] / 1e3);
                row("rtt_count", size, it, (double) count);
            }
        }
        __atomic_store_n(&seg->forth.quit, 1, __ATOMIC_RELEASE);
    } else {
        struct rx in = { &seg->forth, 0, 0 };
        for (int it = 0; it <= iterations; it++) {
            uint64_t bytes = 0, first = 0;
            for (;;) {
                uint64_t e = __atomic_load_n(&seg->forth.end, __ATOMIC_ACQUIRE);
                if (e && in.head == e - 1) break;
                size_t got = recv_some(&in, buf, size, e ? NULL : &seg->forth.end);
                if (got == 0) continue; /* the end just appeared: look again with it */
                if (bytes == 0) first = now_ns();
                bytes += got;
            }
            uint64_t elapsed = now_ns() - first;
            if (it > 0) row("stream_MBps", size, it, bytes / (elapsed / 1e9) / 1e6);
            __atomic_store_n(&seg->forth.ack, (uint64_t) it + 1, __ATOMIC_RELEASE);
            while (__atomic_load_n(&seg->forth.ack, __ATOMIC_ACQUIRE) != 0) cpu_relax();
            __atomic_store_n(&seg->forth.quit, (uint64_t) it + 1, __ATOMIC_RELEASE);
        }
    }
    int status;
    waitpid(child, &status, 0);
    return 0;
}
