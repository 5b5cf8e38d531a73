/*
 * aio: kernel AIO (io_setup, io_submit, io_getevents), as dqlite's raft storage uses it, with raw syscalls
 * (no libaio). Usage: aio DIR [forever]. Prints one line per step; the same lines natively and under detsim.
 * With "forever" it only waits for an event nobody will submit (natively: forever; under detsim: a deadlock).
 *
 *   1. a reaper thread waits in io_getevents(min_nr 1, no timeout) before anything was submitted; the main
 *      thread sleeps 10 ms, then submits a write: the reaper gets its event. Under a scheduler that lets the
 *      reaper wait in the kernel, the main thread never runs again (until a watchdog preempts it).
 *   2. four writes submitted at once, then io_getevents(min_nr 4): all four, results in order of aio_data.
 *   3. io_getevents(min_nr 1, timeout 50 ms) with nothing submitted: 0 events, after 50 ms of CLOCK_MONOTONIC.
 *   4. a write with IOCB_FLAG_RESFD: its eventfd counts 1 once poll says it is readable.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/aio_abi.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static aio_context_t ctx;
static int fd;

static long io_setup(unsigned nr, aio_context_t *c) { return syscall(SYS_io_setup, nr, c); }
static long io_submit(aio_context_t c, long n, struct iocb **v) { return syscall(SYS_io_submit, c, n, v); }
static long io_getevents(aio_context_t c, long min, long max, struct io_event *e, struct timespec *t) {
    return syscall(SYS_io_getevents, c, min, max, e, t);
}

static void die(const char *what) {
    printf("%s: %s\n", what, strerror(errno));
    exit(1);
}

static void prepare_write(struct iocb *cb, const char *text, long long offset, uint64_t data) {
    memset(cb, 0, sizeof *cb);
    cb->aio_fildes = fd;
    cb->aio_lio_opcode = IOCB_CMD_PWRITE;
    cb->aio_buf = (uint64_t) (uintptr_t) text;
    cb->aio_nbytes = strlen(text);
    cb->aio_offset = offset;
    cb->aio_data = data;
}

static void *reaper(void *arg) {
    (void) arg;
    struct io_event ev;
    long n = io_getevents(ctx, 1, 1, &ev, NULL);
    if (n < 0) die("io_getevents (reaper)");
    printf("1. reaper got %ld event: data %llu, result %lld\n", n, (unsigned long long) ev.data, (long long) ev.res);
    return NULL;
}

static long long monotonic_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

int main(int argc, char **argv) {
    if (argc != 2 && !(argc == 3 && strcmp(argv[2], "forever") == 0)) {
        fprintf(stderr, "usage: aio DIR [forever]\n");
        return 2;
    }
    setvbuf(stdout, NULL, _IONBF, 0);
    char path[4096];
    snprintf(path, sizeof path, "%s/aio.data", argv[1]);
    fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) die("open");
    if (io_setup(16, &ctx) != 0) die("io_setup");
    if (argc == 3) {
        struct io_event ev;
        printf("waiting for an event nobody submits\n");
        io_getevents(ctx, 1, 1, &ev, NULL);
        return 1;
    }

    pthread_t t;
    pthread_create(&t, NULL, reaper, NULL);
    struct timespec ten_ms = {0, 10000000};
    nanosleep(&ten_ms, NULL);
    struct iocb one, *list[4];
    prepare_write(&one, "first", 0, 1);
    list[0] = &one;
    if (io_submit(ctx, 1, list) != 1) die("io_submit");
    pthread_join(t, NULL);

    struct iocb four[4];
    const char *words[4] = {"alpha", "beta", "gamma", "delta"};
    for (int i = 0; i < 4; i++) {
        prepare_write(&four[i], words[i], 100 * (i + 1), 10 + i);
        list[i] = &four[i];
    }
    if (io_submit(ctx, 4, list) != 4) die("io_submit 4");
    struct io_event evs[8];
    long n = io_getevents(ctx, 4, 8, evs, NULL);
    if (n < 0) die("io_getevents 4");
    long long sum = 0;
    for (long i = 0; i < n; i++) sum += (long long) evs[i].data * 100 + evs[i].res;
    printf("2. %ld events, checksum %lld\n", n, sum);

    struct timespec fifty_ms = {0, 50000000};
    long long before = monotonic_ns();
    n = io_getevents(ctx, 1, 1, evs, &fifty_ms);
    long long waited = monotonic_ns() - before;
    printf("3. nothing submitted: %ld events, waited at least 50 ms: %s\n", n, waited >= 50000000 ? "yes" : "no");

    int efd = eventfd(0, EFD_NONBLOCK);
    if (efd < 0) die("eventfd");
    prepare_write(&one, "notified", 1000, 99);
    one.aio_flags = IOCB_FLAG_RESFD;
    one.aio_resfd = efd;
    list[0] = &one;
    if (io_submit(ctx, 1, list) != 1) die("io_submit resfd");
    struct pollfd p = {.fd = efd, .events = POLLIN};
    if (poll(&p, 1, -1) != 1) die("poll");
    uint64_t count = 0;
    if (read(efd, &count, sizeof count) != sizeof count) die("read eventfd");
    n = io_getevents(ctx, 1, 1, evs, NULL);
    printf("4. eventfd counted %llu; then %ld event, data %llu, result %lld\n", (unsigned long long) count, n,
           (unsigned long long) evs[0].data, (long long) evs[0].res);
    syscall(SYS_io_destroy, ctx);
    return 0;
}
