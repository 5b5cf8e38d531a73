/*
 * iovec_waits: a readv or writev that blocks uses the iovec array as it was when the call began. The
 * kernel copies the array at the start, so when another thread repoints an entry while the call waits
 * (for room in a full pipe, or for data in an empty one), the bytes still go from or to the buffers first
 * named; the program's array keeps the other thread's change. Prints which buffers the bytes used.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

static int fds[2];
static struct iovec iov[2];
static char first[64], second[64], decoy[64];

static void nap(void) {
    struct timespec t = {0, 30 * 1000 * 1000};
    nanosleep(&t, NULL); // long enough for the other thread to block in its call
}

static void *drain_after_change(void *arg) {
    long capacity = (long)arg;
    nap();
    iov[0].iov_base = decoy; // the blocked writev must not see this
    char *all = malloc(capacity + sizeof first + sizeof second);
    size_t want = capacity + sizeof first + sizeof second, got = 0;
    while (got < want) {
        ssize_t n = read(fds[0], all + got, want - got);
        if (n <= 0) break;
        got += n;
    }
    printf("drained %zu bytes; after the fill: %.4s... then %.4s...\n", got, all + capacity,
           all + capacity + sizeof first);
    free(all);
    return NULL;
}

static void *feed_after_change(void *arg) {
    (void)arg;
    nap();
    iov[0].iov_base = decoy; // the blocked readv must not fill this
    char data[sizeof first + sizeof second];
    memset(data, 'R', sizeof data);
    if (write(fds[1], data, sizeof data) != (ssize_t)sizeof data) perror("feed");
    return NULL;
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    pthread_t t;

    if (pipe(fds) != 0) return 1;
    long capacity = fcntl(fds[1], F_GETPIPE_SZ);
    char *fill = malloc(capacity);
    memset(fill, '.', capacity);
    if (write(fds[1], fill, capacity) != capacity) return 1;
    free(fill);
    memset(first, 'A', sizeof first);
    memset(second, 'B', sizeof second);
    memset(decoy, 'X', sizeof decoy);
    iov[0] = (struct iovec){first, sizeof first};
    iov[1] = (struct iovec){second, sizeof second};
    pthread_create(&t, NULL, drain_after_change, (void *)capacity);
    ssize_t w = writev(fds[1], iov, 2); // the pipe is full: waits for the drain
    pthread_join(t, NULL);
    printf("writev %zd; iov[0] now %s\n", w, iov[0].iov_base == decoy ? "the decoy" : "first");
    close(fds[0]);
    close(fds[1]);

    if (pipe(fds) != 0) return 1;
    memset(first, 0, sizeof first);
    memset(second, 0, sizeof second);
    memset(decoy, 0, sizeof decoy);
    iov[0] = (struct iovec){first, sizeof first};
    iov[1] = (struct iovec){second, sizeof second};
    pthread_create(&t, NULL, feed_after_change, NULL);
    ssize_t r = readv(fds[0], iov, 2); // the pipe is empty: waits for the feed
    pthread_join(t, NULL);
    printf("readv %zd; first %.4s second %.4s decoy %s\n", r, first, second, decoy[0] ? "filled" : "empty");
    return 0;
}
