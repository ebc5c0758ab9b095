/*
 * as_copy: memcpy that survives a vanished page. A shared-memory segment truncated by
 * another process turns every access past its new end into SIGBUS; in Java code the JVM
 * turns that into an InternalError, but in native code it would kill the process. We copy
 * the ring's bytes natively anyway, because glibc's memcpy (rep movsb on current x86)
 * writes whole cache lines without first reading them from the consumer's core: a
 * cross-process ring streams several times faster than with the JVM's vector copy.
 *
 * So: while a copy runs, a thread-local jump buffer is set; our SIGBUS handler jumps
 * back to it and the copy reports failure. Any other SIGBUS goes to the handler we
 * replaced (the JVM's), with the same arguments, as if we were not there, after it was
 * counted: the JVM lets a faulting access in compiled Java code go on with garbage and
 * raises its InternalError only at a later safepoint, possibly after the library call
 * returned, so the Java side reads the count at the end of each call (as_fault_counter).
 */
#include "arraysock.h"

#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>

static struct sigaction previous;
static pthread_once_t installed = PTHREAD_ONCE_INIT;
static int install_error;
/* initial-exec: the handler must not allocate a TLS block (it may run on any thread) */
static __thread sigjmp_buf *volatile copy_jump __attribute__((tls_model("initial-exec")));
/* SIGBUS signals passed on to the previous handler; only ever incremented (an aligned
 * 64-bit store, read by Java with acquire order) */
static volatile int64_t passed_on;

static void on_sigbus(int sig, siginfo_t *info, void *context) {
    sigjmp_buf *jump = copy_jump;
    if (jump != NULL) {
        copy_jump = NULL;
        siglongjmp(*jump, 1);
    }
    __atomic_fetch_add(&passed_on, 1, __ATOMIC_RELEASE);
    if (previous.sa_flags & SA_SIGINFO) {
        previous.sa_sigaction(sig, info, context);
    } else if (previous.sa_handler == SIG_DFL) {
        /* back to the default and return: the faulting access repeats and ends the process */
        signal(sig, SIG_DFL);
    } else if (previous.sa_handler != SIG_IGN) {
        previous.sa_handler(sig);
    }
}

static void install(void) {
    struct sigaction ours;
    memset(&ours, 0, sizeof ours);
    ours.sa_sigaction = on_sigbus;
    ours.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
    sigemptyset(&ours.sa_mask);
    if (sigaction(SIGBUS, &ours, &previous) != 0) install_error = errno;
}

int as_copy_init(void) {
    pthread_once(&installed, install);
    if (install_error != 0) {
        errno = install_error;
        return -1;
    }
    errno = 0;
    return 0;
}

int64_t as_fault_counter(void) {
    return (int64_t) (intptr_t) &passed_on;
}

int as_copy(int64_t destination, int64_t source, int64_t length) {
    sigjmp_buf jump;
    /* no signal mask saved (a system call per copy); the fault path unblocks SIGBUS itself */
    if (sigsetjmp(jump, 0) != 0) {
        sigset_t bus;
        sigemptyset(&bus);
        sigaddset(&bus, SIGBUS);
        pthread_sigmask(SIG_UNBLOCK, &bus, NULL);
        return -1;
    }
    copy_jump = &jump;
    memcpy((void *) (intptr_t) destination, (const void *) (intptr_t) source, (size_t) length);
    copy_jump = NULL;
    return 0;
}
