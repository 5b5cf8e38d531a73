/*
 * slow_file_call: one write(2) of 256 MiB straight to the disk (O_DIRECT; where the file system refuses it, a
 * buffered write and an fsync) into a regular file in DIR, while another thread could run. The thread waits
 * in the kernel for the disk, for longer than detsim's watchdog period; the call needs no other thread's
 * help however long the disk takes, so the watchdog must let it finish rather than preempt it (where that
 * would land depends on the host's disk). Prints what the write returned.   usage: slow_file_call DIR
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SIZE (1L << 28)

static void *other(void *arg) {
    (void)arg;
    for (int i = 0; i < 3; i++) getppid();
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: slow_file_call DIR\n");
        return 2;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/slow_file_call.data", argv[1]);
    void *buf;
    if (posix_memalign(&buf, 4096, SIZE) != 0) return 1;
    memset(buf, 'x', SIZE);
    int direct = 1;
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_DIRECT, 0600);
    if (fd < 0 && errno == EINVAL) {
        direct = 0;
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    }
    if (fd < 0) return 1;
    pthread_t t;
    pthread_create(&t, NULL, other, NULL); /* could run while the write goes on: the watchdog is armed */
    ssize_t n = write(fd, buf, SIZE);
    if (!direct) fsync(fd);
    printf("write returned %zd\n", n);
    pthread_join(t, NULL);
    close(fd);
    unlink(path);
    free(buf);
    return n == SIZE ? 0 : 1;
}
