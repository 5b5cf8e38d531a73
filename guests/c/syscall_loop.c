/*
 * syscall_loop: exercises the raw cost of one cheap syscall (benchmarks).
 *
 *   syscall_loop [NAME=getpid] [COUNT=100000]
 *
 * Calls the raw syscall NAME COUNT times via syscall(2) (never the glibc or
 * vDSO wrappers), then prints "NAME x COUNT".  NAME is one of getppid,
 * getpid, getuid, gettid, sched_yield, clock_gettime.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static void fail(const char *what)
{
    fprintf(stderr, "syscall_loop: %s: %s\n", what, strerror(errno));
    exit(99);
}

int main(int argc, char **argv)
{
    const char *name = argc > 1 ? argv[1] : "getpid";
    long count = 100000;
    if (argc > 3) {
        fprintf(stderr, "usage: syscall_loop [NAME] [COUNT]\n");
        return 99;
    }
    if (argc > 2) {
        char *end;
        errno = 0;
        count = strtol(argv[2], &end, 10);
        if (errno != 0 || *end != '\0' || end == argv[2] || count < 0) {
            fprintf(stderr, "syscall_loop: bad COUNT '%s'\n", argv[2]);
            return 99;
        }
    }

    long nr;
    if (strcmp(name, "getppid") == 0)
        nr = SYS_getppid;
    else if (strcmp(name, "getpid") == 0)
        nr = SYS_getpid;
    else if (strcmp(name, "getuid") == 0)
        nr = SYS_getuid;
    else if (strcmp(name, "gettid") == 0)
        nr = SYS_gettid;
    else if (strcmp(name, "sched_yield") == 0)
        nr = SYS_sched_yield;
    else if (strcmp(name, "clock_gettime") == 0)
        nr = SYS_clock_gettime;
    else {
        fprintf(stderr, "syscall_loop: unsupported syscall '%s' "
                "(getppid, getpid, getuid, gettid, sched_yield, clock_gettime)\n", name);
        return 99;
    }

    if (nr == SYS_clock_gettime) {
        struct timespec ts;
        for (long i = 0; i < count; i++)
            if (syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts) != 0)
                fail("clock_gettime");
    } else if (nr == SYS_sched_yield) {
        for (long i = 0; i < count; i++)
            if (syscall(SYS_sched_yield) != 0)
                fail("sched_yield");
    } else {
        /* getppid/getpid/getuid/gettid cannot fail. */
        for (long i = 0; i < count; i++)
            syscall(nr);
    }

    printf("%s x %ld\n", name, count);
    return 0;
}
