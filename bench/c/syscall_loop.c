// syscall_loop NAME COUNT
//
// Issues the raw system call NAME (getppid, getuid, getpid, gettid) COUNT
// times, then exits 0.  Used by bench/run to measure the per-call cost of a
// system call natively, under the C reference tracer and under detsim.
//
// We go through syscall(2) with the syscall number instead of the named libc
// functions so that every iteration really enters the kernel: glibc has cached
// getpid() in the past and a vDSO or wrapper could short-cut other calls.
// The program deliberately does no timing of its own: under detsim the guest
// sees virtual time, so bench/run measures wall time from outside.
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static long syscall_nr(const char *name) {
    if (strcmp(name, "getppid") == 0) return SYS_getppid;
    if (strcmp(name, "getuid") == 0) return SYS_getuid;
    if (strcmp(name, "getpid") == 0) return SYS_getpid;
    if (strcmp(name, "gettid") == 0) return SYS_gettid;
    return -1;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s {getppid|getuid|getpid|gettid} COUNT\n", argv[0]);
        return 2;
    }
    long nr = syscall_nr(argv[1]);
    if (nr < 0) {
        fprintf(stderr, "syscall_loop: unsupported syscall '%s'\n", argv[1]);
        return 2;
    }
    char *end;
    errno = 0;
    unsigned long long count = strtoull(argv[2], &end, 10);
    if (errno != 0 || *end != '\0' || end == argv[2] || argv[2][0] == '-') {
        fprintf(stderr, "syscall_loop: bad COUNT '%s'\n", argv[2]);
        return 2;
    }
    // syscall() is an external libc function, so the compiler cannot hoist or
    // drop the calls; the result is ignored on purpose.
    for (unsigned long long i = 0; i < count; i++)
        syscall(nr);
    return 0;
}
