/*
 * random_sources: prints what a program can learn of randomness and address layout.
 * getrandom(2) bytes, the 16 AT_RANDOM bytes of the auxiliary vector, and the addresses of a stack
 * variable, a heap block, an anonymous mapping and a libc function (which move when ASLR is on).
 * Natively every line changes from run to run; under detsim with one --seed none may.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

static void hex(const char *label, const unsigned char *bytes, size_t n) {
    printf("%s ", label);
    for (size_t i = 0; i < n; i++) printf("%02x", bytes[i]);
    printf("\n");
}

int main(void) {
    unsigned char buf[32];
    long got = syscall(SYS_getrandom, buf, sizeof buf, 0);
    if (got != (long) sizeof buf) {
        perror("getrandom");
        return 99;
    }
    hex("getrandom", buf, sizeof buf);

    const unsigned char *at_random = (const unsigned char *) getauxval(AT_RANDOM);
    if (at_random == NULL) {
        fprintf(stderr, "no AT_RANDOM\n");
        return 99;
    }
    hex("at_random", at_random, 16);

    int on_stack = 0;
    void *heap = malloc(64);
    void *map = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (heap == NULL || map == MAP_FAILED) {
        perror("allocation");
        return 99;
    }
    printf("stack %p\nheap %p\nmmap %p\nlibc %p\n", (void *) &on_stack, heap, map, (void *) &printf);
    return 0;
}
