/*
 * pipe_big_write: one write(2) of 1 MiB into a pipe whose reader is a slow thread of the same process (it
 * reads 1000 bytes at a time and sleeps 1 ms between reads). Natively the write waits in the kernel until
 * the reader has drained all but the last pipe-full, then returns the whole count. Prints what write returned
 * and a checksum of what the reader got, the same natively and under detsim, where the write must neither
 * come back short nor leave the writer blocked in the kernel for the watchdog to preempt.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define TOTAL (1 << 20)

static int fds[2];

static void *reader(void *arg) {
    (void)arg;
    uint64_t sum = 0, got = 0;
    unsigned char buf[1000];
    struct timespec ms = {0, 1000000};
    for (;;) {
        ssize_t n = read(fds[0], buf, sizeof buf);
        if (n <= 0) break;
        for (ssize_t i = 0; i < n; i++) sum = sum * 31 + buf[i];
        got += (uint64_t)n;
        nanosleep(&ms, NULL);
    }
    printf("reader got %llu bytes, checksum %016llx\n", (unsigned long long)got, (unsigned long long)sum);
    return NULL;
}

int main(void) {
    if (pipe(fds) != 0) return 1;
    unsigned char *data = malloc(TOTAL);
    for (int i = 0; i < TOTAL; i++) data[i] = (unsigned char)(i * 7 + (i >> 9));
    pthread_t t;
    pthread_create(&t, NULL, reader, NULL);
    ssize_t w = write(fds[1], data, TOTAL);
    printf("write returned %zd of %d\n", w, TOTAL);
    fflush(stdout);
    close(fds[1]);
    pthread_join(t, NULL);
    free(data);
    return w == TOTAL ? 0 : 1;
}
