/*
 * io_uring_refused: asks for an io_uring (raw io_uring_setup, as liburing does) and says what it got:
 * natively a ring on kernels that have io_uring, under detsim ENOSYS, which programs take as "no io_uring
 * here" and fall back to other I/O. Then writes a line with plain write(2), the fallback.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void) {
    unsigned char params[120] = {0}; /* struct io_uring_params */
    long fd = syscall(SYS_io_uring_setup, 8, params);
    if (fd >= 0) {
        printf("io_uring_setup: a ring\n");
        close((int)fd);
    } else {
        printf("io_uring_setup: %s\n", strerror(errno));
    }
    const char line[] = "fell back to write(2)\n";
    return write(1, line, sizeof line - 1) == sizeof line - 1 ? 0 : 1;
}
