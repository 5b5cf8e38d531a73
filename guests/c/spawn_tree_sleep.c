/*
 * spawn_tree_sleep: a process tree that sleeps forever, for the test
 * "detsim killed with SIGKILL leaves no tracee behind".
 *
 *   spawn_tree_sleep PIDFILE
 *
 * Tree:  root
 *         +- child 0
 *         +- child 1 -- grandchild
 *         +- child 2 (+ a second thread)
 *
 * PIDFILE is truncated, then child 0, child 1, the grandchild and child 2
 * each append their pid, and child 2's second thread appends its tid
 * (gettid), one line per process/thread, each with a single O_APPEND
 * write().  The root process does not write its own pid.  Once the file
 * holds all 5 lines, the root prints "ready" on stdout; then every process
 * and thread sleeps forever.  If the 5 lines do not appear within 10 s the
 * root exits 99.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#define EXPECTED_LINES 5

static const char *pidfile;

static void fail(const char *what)
{
    fprintf(stderr, "spawn_tree_sleep[%d]: %s: %s\n", (int)getpid(), what, strerror(errno));
    exit(99);
}

static void sleep_forever(void)
{
    for (;;)
        pause();
}

/* Appends "<id>\n" to PIDFILE with a single write(). */
static void append_id(long id)
{
    char line[32];
    int len = snprintf(line, sizeof line, "%ld\n", id);
    int fd = open(pidfile, O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd < 0)
        fail("open(PIDFILE)");
    ssize_t w = write(fd, line, (size_t)len);
    if (w != len)
        fail("write(PIDFILE)");
    if (close(fd) != 0)
        fail("close(PIDFILE)");
}

static void *second_thread(void *arg)
{
    (void)arg;
    append_id((long)syscall(SYS_gettid));
    sleep_forever();
    return NULL;
}

static int count_lines(void)
{
    int fd = open(pidfile, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        fail("open(PIDFILE) for reading");
    char buf[4096];
    int lines = 0;
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            fail("read(PIDFILE)");
        }
        if (n == 0)
            break;
        for (ssize_t i = 0; i < n; i++)
            lines += buf[i] == '\n';
    }
    close(fd);
    return lines;
}

static void spawn(void (*body)(void))
{
    pid_t pid = fork();
    if (pid < 0)
        fail("fork");
    if (pid == 0) {
        body();
        sleep_forever();
    }
}

static void plain_child(void)
{
    append_id((long)getpid());
}

static void child_with_grandchild(void)
{
    append_id((long)getpid());
    spawn(plain_child);
}

static void child_with_thread(void)
{
    append_id((long)getpid());
    pthread_t t;
    int rc = pthread_create(&t, NULL, second_thread, NULL);
    if (rc != 0) {
        errno = rc;
        fail("pthread_create");
    }
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: spawn_tree_sleep PIDFILE\n");
        return 99;
    }
    pidfile = argv[1];

    int fd = open(pidfile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        fail("open(PIDFILE, O_TRUNC)");
    close(fd);

    spawn(plain_child);
    spawn(child_with_grandchild);
    spawn(child_with_thread);

    for (int i = 0; count_lines() < EXPECTED_LINES; i++) {
        if (i >= 1000) {
            fprintf(stderr, "spawn_tree_sleep: PIDFILE did not reach %d lines in 10 s\n",
                    EXPECTED_LINES);
            return 99;
        }
        struct timespec ts = { 0, 10 * 1000 * 1000 };
        nanosleep(&ts, NULL);
    }

    printf("ready\n");
    if (fflush(stdout) != 0)
        fail("fflush(stdout)");
    sleep_forever();
    return 0;
}
