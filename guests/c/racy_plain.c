/*
 * racy_plain: four threads each do "v = counter; window_step() x4; counter = v + 1;" 200 times and print the
 * counter (800 when no update was lost). window_step makes no syscall, so a schedule that switches only at
 * syscalls never splits the window; a tick counter that preempts inside it does (--chaos with
 * --preempt-by=probe:FILE:0xOFFSET of window_step, or retired branches where the machine counts them).
 *   racy_plain          run the race
 *   racy_plain site     print "FILE:0xOFFSET" of window_step's first instruction (a uprobe's file offset)
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
static volatile long counter;

__attribute__((noinline)) static void window_step(void) { __asm__ volatile("" ::: "memory"); }

static void *work(void *arg) {
    (void)arg;
    for (int i = 0; i < 200; i++) {
        long v = counter;
        for (int k = 0; k < 4; k++) window_step();
        counter = v + 1;
    }
    return NULL;
}

/* window_step's offset in the file it was loaded from: its address, less its mapping's start, plus that
 * mapping's file offset (/proc/self/maps). */
static int print_site(void) {
    uintptr_t at = (uintptr_t)&window_step;
    FILE *maps = fopen("/proc/self/maps", "r");
    char line[4096];
    while (maps && fgets(line, sizeof line, maps)) {
        unsigned long start, end, offset;
        char path[4096] = "";
        if (sscanf(line, "%lx-%lx %*s %lx %*s %*s %4095s", &start, &end, &offset, path) >= 3 && at >= start && at < end) {
            printf("%s:0x%lx\n", path, (unsigned long)(at - start + offset));
            return 0;
        }
    }
    return 1;
}

int main(int argc, char **argv) {
    if (argc == 2 && strcmp(argv[1], "site") == 0) return print_site();
    pthread_t t[4];
    for (int i = 0; i < 4; i++) pthread_create(&t[i], NULL, work, NULL);
    for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
    printf("%ld\n", counter);
    return 0;
}
