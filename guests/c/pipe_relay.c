/*
 * pipe_relay: a producer and a consumer over a pipe, as threads of one process and as two processes.
 * The producer writes MESSAGES records of varying size; the consumer reads with a small buffer, so how
 * the bytes are cut into reads depends on how the two interleave. Prints, for each mode, the number of
 * bytes, a checksum of the data (the same in any interleaving) and how many reads it took and the sizes
 * of the first reads (which show the interleaving).
 *
 *   pipe_relay [MESSAGES=200]
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int messages;

static void produce(int fd) {
    char buf[300];
    for (int i = 0; i < messages; i++) {
        int len = 1 + (i * 37) % 250;
        for (int k = 0; k < len; k++) buf[k] = (char)('a' + (i + k) % 26);
        for (int off = 0; off < len;) {
            ssize_t n = write(fd, buf + off, len - off);
            if (n <= 0) exit(99);
            off += n;
        }
    }
    close(fd);
}

static void consume(int fd, const char *mode) {
    char buf[97];
    uint64_t sum = 1469598103934665603ULL, bytes = 0;
    int reads = 0;
    char first[256] = "";
    size_t used = 0;
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) {
        for (ssize_t k = 0; k < n; k++) sum = (sum ^ (unsigned char)buf[k]) * 1099511628211ULL;
        bytes += n;
        if (reads < 12) used += snprintf(first + used, sizeof first - used, " %zd", n);
        reads++;
    }
    if (n < 0) exit(99);
    printf("%s: %llu bytes, fnv %016llx, %d reads, first:%s\n", mode, (unsigned long long)bytes,
           (unsigned long long)sum, reads, first);
    fflush(stdout);
}

static void *producer_thread(void *arg) {
    produce((int)(long)arg);
    return NULL;
}

int main(int argc, char **argv) {
    messages = argc > 1 ? atoi(argv[1]) : 200;
    int p[2];
    if (pipe(p) != 0) return 99;
    pthread_t t;
    if (pthread_create(&t, NULL, producer_thread, (void *)(long)p[1]) != 0) return 99;
    consume(p[0], "threads");
    pthread_join(t, NULL);
    close(p[0]);

    if (pipe(p) != 0) return 99;
    pid_t child = fork();
    if (child < 0) return 99;
    if (child == 0) {
        close(p[0]);
        produce(p[1]);
        _exit(0);
    }
    close(p[1]);
    consume(p[0], "processes");
    int status;
    if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0) return 99;
    return 0;
}
