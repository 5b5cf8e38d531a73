/*
 * file_writes: every way a program writes data into a file must move the file's modification time, including
 * the ways detsim does not stop (pwrite64 and friends: it learns of them from an inotify watch at the
 * program's next stop). For each way, one line:
 *
 *     <way> mtime-advanced=yes|no ctime-is-mtime=yes|no
 *
 * comparing fstat before and after the write (a pread is the control: "no"). The writes come from this
 * thread, from a second thread and from a forked child, into files opened by path, created, or made
 * with O_TMPFILE, and into stdout when it is a regular file the run inherited. (Not memfd_create files: the
 * kernel sends no inotify events for them, and under detsim their times stay the run's start.)
 *
 *   file_writes DIR    works in DIR/fw (made at the start, removed at the end)
 *   file_writes DIR alternate N
 *                      writes to two files in turn N times each without another syscall, then once to a
 *                      third, and reports the third: more distinct writes than the kernel's inotify queue holds
 *                      (fs.inotify.max_queued_events, 16384 by default) make it drop the last events
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void die(const char *what) {
    perror(what);
    exit(99);
}

static struct stat before;
static int shared_fd = -1;

static void start(int fd) {
    if (fstat(fd, &before) != 0) die("fstat before");
}

static int later(const struct timespec *a, const struct timespec *b) {
    return a->tv_sec > b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec > b->tv_nsec);
}

static void report(const char *way, int fd) {
    struct stat after;
    if (fstat(fd, &after) != 0) die("fstat after");
    int same = after.st_mtim.tv_sec == after.st_ctim.tv_sec && after.st_mtim.tv_nsec == after.st_ctim.tv_nsec;
    printf("%s mtime-advanced=%s ctime-is-mtime=%s\n", way, later(&after.st_mtim, &before.st_mtim) ? "yes" : "no",
           same ? "yes" : "no");
    fflush(stdout);
}

static void *thread_writes(void *arg) {
    (void) arg;
    if (pwrite(shared_fd, "t", 1, 0) != 1) die("pwrite in a thread");
    return NULL;
}

/* Many writes between two stops: the third file's write comes after the inotify queue is full. */
static int alternate(long n) {
    int a = open("a", O_CREAT | O_RDWR | O_TRUNC, 0644), b = open("b", O_CREAT | O_RDWR | O_TRUNC, 0644);
    int c = open("c", O_CREAT | O_RDWR | O_TRUNC, 0644);
    if (a < 0 || b < 0 || c < 0) die("open a, b, c");
    start(c); /* a stop: from here on all three files are watched */
    for (long i = 0; i < n; i++) {
        if (pwrite(a, "a", 1, 0) != 1 || pwrite(b, "b", 1, 0) != 1) die("pwrite a, b");
    }
    if (pwrite(c, "c", 1, 0) != 1) die("pwrite c");
    report("after-alternating", c);
    close(a);
    close(b);
    close(c);
    if (unlink("a") != 0 || unlink("b") != 0 || unlink("c") != 0 || chdir("..") != 0 || rmdir("fw") != 0) {
        die("clean up");
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 2 && !(argc == 4 && strcmp(argv[2], "alternate") == 0)) {
        fprintf(stderr, "usage: file_writes DIR [alternate N]\n");
        return 2;
    }
    if (chdir(argv[1]) != 0 || mkdir("fw", 0700) != 0 || chdir("fw") != 0) die("fw");
    if (argc == 4) return alternate(atol(argv[3]));
    int fd = open("data", O_CREAT | O_RDWR | O_TRUNC, 0644);
    if (fd < 0) die("open data");
    char byte;

    struct timespec clock_before, clock_after;
    if (clock_gettime(CLOCK_REALTIME, &clock_before) != 0) die("clock_gettime");
    start(fd);
    if (pwrite(fd, "abcdefgh", 8, 0) != 8) die("pwrite");
    report("pwrite64", fd);
    struct stat written;
    if (fstat(fd, &written) != 0 || clock_gettime(CLOCK_REALTIME, &clock_after) != 0) die("clock order");
    /* The clock read before the write is no later than the new mtime, the one after it no earlier. */
    printf("clock-order %s\n", !later(&clock_before, &written.st_mtim) && !later(&written.st_mtim, &clock_after)
           ? "before<=mtime<=after" : "out of order");

    start(fd);
    struct iovec iov[2] = {{"ij", 2}, {"kl", 2}};
    if (pwritev(fd, iov, 2, 8) != 4) die("pwritev");
    report("pwritev", fd);

    start(fd);
    if (pwritev2(fd, iov, 1, 0, 0) != 2) die("pwritev2");
    report("pwritev2", fd);

    start(fd);
    if (write(fd, "mn", 2) != 2) die("write");
    report("write", fd);

    start(fd);
    if (ftruncate(fd, 6) != 0) die("ftruncate");
    report("ftruncate", fd);

    start(fd);
    if (fallocate(fd, 0, 0, 4096) != 0) die("fallocate");
    report("fallocate", fd);

    int source = open("source", O_CREAT | O_RDWR | O_TRUNC, 0644);
    if (source < 0 || pwrite(source, "0123456789", 10, 0) != 10) die("source");

    start(fd);
    loff_t in = 0, out = 0;
    if (copy_file_range(source, &in, fd, &out, 4, 0) != 4) die("copy_file_range");
    report("copy_file_range", fd);

    start(fd);
    off_t offset = 0;
    if (lseek(fd, 0, SEEK_SET) != 0 || sendfile(fd, source, &offset, 3) != 3) die("sendfile");
    report("sendfile", fd);

    start(fd);
    int p[2];
    if (pipe(p) != 0 || write(p[1], "zz", 2) != 2) die("pipe");
    if (splice(p[0], NULL, fd, NULL, 2, 0) != 2) die("splice");
    report("splice", fd);
    close(p[0]);
    close(p[1]);

    start(fd);
    if (pread(fd, &byte, 1, 0) != 1) die("pread");
    report("pread", fd);

    shared_fd = fd;
    start(fd);
    pthread_t t;
    if (pthread_create(&t, NULL, thread_writes, NULL) != 0 || pthread_join(t, NULL) != 0) die("thread");
    report("thread-pwrite64", fd);

    start(fd);
    pid_t child = fork();
    if (child < 0) die("fork");
    if (child == 0) _exit(pwrite(fd, "c", 1, 1) == 1 ? 0 : 1);
    int status;
    if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0) die("child");
    report("child-pwrite64", fd);

    int again = open("data", O_WRONLY); /* an existing file opened for writing (no O_CREAT, no O_TRUNC) */
    if (again < 0) die("reopen");
    start(again);
    if (pwrite(again, "r", 1, 2) != 1) die("pwrite reopened");
    report("reopened-pwrite64", again);
    close(again);

    int anonymous = open(".", O_TMPFILE | O_RDWR, 0600);
    if (anonymous < 0) die("O_TMPFILE");
    start(anonymous);
    if (pwrite(anonymous, "tmp", 3, 0) != 3) die("pwrite O_TMPFILE");
    report("tmpfile-pwrite64", anonymous);
    close(anonymous);

    struct stat out_st;
    if (fstat(1, &out_st) == 0 && S_ISREG(out_st.st_mode)) {
        start(1);
        printf("to stdout\n");
        fflush(stdout);
        report("stdout-write", 1);
    } else {
        printf("stdout-write not a regular file\n");
    }

    close(source);
    close(fd);
    if (unlink("data") != 0 || unlink("source") != 0 || chdir("..") != 0 || rmdir("fw") != 0) die("clean up");
    return 0;
}
