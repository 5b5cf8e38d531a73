/*
 * file_locks: blocking file locks between processes and threads, each kind in turn: flock, POSIX record
 * locks (fcntl F_SETLKW) between two processes, and OFD locks (F_OFD_SETLKW) between two threads with
 * their own open files. The holder takes the lock, lets the waiter block on it, sleeps 100 ms, notes
 * "holder done" and unlocks; the waiter then notes "waiter got it". The notes go through one pipe to
 * main, which prints them in arrival order.
 *
 *   file_locks FILE            the three kinds, in order
 *   file_locks FILE deadlock   two processes each hold one flock and want the other's: hangs natively,
 *                              a deadlock report under detsim
 * Unexpected failures exit 99.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CHECK(cond)                                                                           \
    do {                                                                                      \
        if (!(cond)) {                                                                        \
            fprintf(stderr, "file_locks: %s:%d: %s (%s)\n", __FILE__, __LINE__, #cond, strerror(errno)); \
            exit(99);                                                                         \
        }                                                                                     \
    } while (0)

static const char *path;
static int notes[2];

static void note(const char *what) {
    char line[64];
    int n = snprintf(line, sizeof line, "%s\n", what);
    CHECK(write(notes[1], line, n) == n);
}

static void nap(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0) CHECK(errno == EINTR);
}

static void posix_lock(int fd, short type, int cmd) {
    struct flock fl = {.l_type = type, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0};
    CHECK(fcntl(fd, cmd, &fl) == 0);
}

static void flock_case(void) {
    int fd = open(path, O_RDWR | O_CREAT, 0644);
    CHECK(fd >= 0);
    CHECK(flock(fd, LOCK_EX) == 0);
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        int mine = open(path, O_RDWR); /* an open file of its own: flock locks belong to open files */
        CHECK(mine >= 0);
        CHECK(flock(mine, LOCK_EX | LOCK_NB) == -1 && errno == EWOULDBLOCK);
        CHECK(flock(mine, LOCK_EX) == 0);
        note("flock: waiter got it");
        _exit(0);
    }
    nap(100);
    note("flock: holder done");
    CHECK(flock(fd, LOCK_UN) == 0);
    int status;
    CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    close(fd);
}

static void posix_case(void) {
    int fd = open(path, O_RDWR);
    CHECK(fd >= 0);
    posix_lock(fd, F_WRLCK, F_SETLKW);
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        posix_lock(fd, F_WRLCK, F_SETLKW); /* record locks belong to processes: this one waits */
        note("posix: waiter got it");
        _exit(0);
    }
    nap(100);
    note("posix: holder done");
    posix_lock(fd, F_UNLCK, F_SETLK);
    int status;
    CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    close(fd);
}

static void *ofd_waiter(void *arg) {
    (void)arg;
    int fd = open(path, O_RDWR);
    CHECK(fd >= 0);
    posix_lock(fd, F_WRLCK, F_OFD_SETLKW);
    note("ofd: waiter got it");
    posix_lock(fd, F_UNLCK, F_OFD_SETLK);
    close(fd);
    return NULL;
}

static void ofd_case(void) {
    int fd = open(path, O_RDWR);
    CHECK(fd >= 0);
    posix_lock(fd, F_WRLCK, F_OFD_SETLKW);
    pthread_t t;
    CHECK(pthread_create(&t, NULL, ofd_waiter, NULL) == 0);
    nap(100);
    note("ofd: holder done");
    posix_lock(fd, F_UNLCK, F_OFD_SETLK);
    CHECK(pthread_join(t, NULL) == 0);
    close(fd);
}

static void deadlock_case(void) {
    char second[4096];
    snprintf(second, sizeof second, "%s.2", path);
    int a = open(path, O_RDWR | O_CREAT, 0644), b = open(second, O_RDWR | O_CREAT, 0644);
    CHECK(a >= 0 && b >= 0);
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        int mb = open(second, O_RDWR), ma = open(path, O_RDWR);
        CHECK(flock(mb, LOCK_EX) == 0);
        nap(50);
        CHECK(flock(ma, LOCK_EX) == 0);
        _exit(0);
    }
    CHECK(flock(a, LOCK_EX) == 0);
    nap(50);
    CHECK(flock(b, LOCK_EX) == 0);
    printf("no deadlock\n");
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: file_locks FILE [deadlock]\n");
        return 2;
    }
    path = argv[1];
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc > 2 && strcmp(argv[2], "deadlock") == 0) {
        printf("two processes, two flocks, opposite orders\n");
        deadlock_case();
        return 0;
    }
    CHECK(pipe(notes) == 0);
    flock_case();
    posix_case();
    ofd_case();
    close(notes[1]);
    char buf[512];
    ssize_t n;
    while ((n = read(notes[0], buf, sizeof buf)) > 0) CHECK(fwrite(buf, 1, n, stdout) == (size_t)n);
    return 0;
}
