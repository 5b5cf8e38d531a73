/*
 * getrandom_edges: the answers getrandom(2) gives at the edges of its arguments, which detsim must give as
 * the kernel does. flags is an unsigned int (a set bit 32 of the register is not a flag), an unknown flag
 * and GRND_INSECURE with GRND_RANDOM are EINVAL, count is a size_t (a huge one is not negative), and a
 * buffer that runs into an unwritable page gets the bytes before it (EFAULT only if none fit).
 * Prints one line per case with the result and errno; the random bytes themselves are not printed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef GRND_INSECURE
#define GRND_INSECURE 0x0004
#endif

static void report(const char *what, long flags_or_count, void *buf, size_t count, unsigned long long flags) {
    errno = 0;
    long r = syscall(SYS_getrandom, buf, count, flags);
    printf("%-28s %#llx -> %ld errno %d\n", what, (unsigned long long)flags_or_count, r, r < 0 ? errno : 0);
}

int main(void) {
    unsigned char small[32];
    report("no flags", 0, small, sizeof small, 0);
    report("nonblock|random", 3, small, sizeof small, GRND_NONBLOCK | GRND_RANDOM);
    report("insecure", 4, small, sizeof small, GRND_INSECURE);
    report("bit 32 only", 1ULL << 32, small, sizeof small, 1ULL << 32);
    report("bit 32 and nonblock", (1ULL << 32) | 1, small, sizeof small, (1ULL << 32) | GRND_NONBLOCK);
    report("unknown flag 0x8", 8, small, sizeof small, 8);
    report("bit 31", 0x80000000ULL, small, sizeof small, 0x80000000ULL);
    report("bit 32 and bit 31", (1ULL << 32) | 0x80000000ULL, small, sizeof small, (1ULL << 32) | 0x80000000ULL);
    report("random|insecure", 6, small, sizeof small, GRND_RANDOM | GRND_INSECURE);
    report("no buffer, no bytes", 0, NULL, 0, 0);
    report("bad address, SIZE_MAX", 0, (void *)1, SIZE_MAX, 0);
    report("bad address, 16", 0, (void *)1, 16, 0);

    long page = sysconf(_SC_PAGESIZE);
    unsigned char *map = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (map == MAP_FAILED || mprotect(map + page, page, PROT_NONE) != 0) {
        perror("mmap");
        return 1;
    }
    report("8 bytes before a hole", 32, map + page - 8, 32, 0);
    report("a page and 100 into a hole", page + 100, map, page + 100, 0);
    report("10000 into a hole", 10000, map + page - 3000, 10000, 0);
    return 0;
}
