/*
 * kernel_work: one read(2) of 1 GiB from /dev/zero into fresh memory, while another thread could run. The
 * thread is runnable the whole time, but its CPU time is the kernel's (zeroing pages and faulting them in),
 * not a user-mode spin: detsim's watchdog must let the call finish rather than preempt it (where that would
 * land depends on the host's speed). Prints what the read returned.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#define SIZE (1L << 30)

static void *other(void *arg) {
    (void)arg;
    for (int i = 0; i < 3; i++) getppid();
    return NULL;
}

int main(void) {
    char *buf = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    int fd = open("/dev/zero", O_RDONLY);
    if (buf == MAP_FAILED || fd < 0) return 1;
    pthread_t t;
    pthread_create(&t, NULL, other, NULL); /* could run while the read goes on: the watchdog is armed */
    ssize_t n = read(fd, buf, SIZE);
    printf("read returned %zd\n", n);
    pthread_join(t, NULL);
    return n == SIZE ? 0 : 1;
}
