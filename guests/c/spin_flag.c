/*
 * spin_flag: a thread spins on a shared flag that only another thread sets, with no syscall in the loop.
 *
 *   spin_flag            prints "flag seen"
 *   spin_flag count      prints "flag seen after N spins"
 *   spin_flag stack      as count, but the count is a volatile local: in memory, on the stack, not in a register
 *   spin_flag time       a pure spin-wait (no count: the same registers at every pass), then prints "flag seen
 *                        at T ns", CLOCK_MONOTONIC by a raw syscall: what the preemption cost shows in virtual
 *                        time, the one trace such a wait leaves
 *   spin_flag alone N    no other thread: spins N times, with a raw clock_gettime syscall every 999 spins,
 *                        and prints "spun N"
 *
 * Under a scheduler that runs one thread at a time and switches only at syscalls, the spinning thread never
 * gives the setter a turn; only a preemption lets the run finish: detsim's wall-clock watchdog (where it lands,
 * so N, depends on host speed) or a tick counter (retired branches, or hits of a probed instruction in the
 * loop: then N is the same in every run). "alone" keeps the loop's instructions busy with nobody to preempt
 * for, and with syscalls between counter boundaries. Exits 0.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static volatile int flag;

/* Spins until the flag is set or limit spins are done (limit < 0: no limit); returns the spins. */
__attribute__((noinline)) static long spin(long limit)
{
    long spins = 0;
    while (!flag && spins != limit) {
        spins++;
        if (limit >= 0 && spins % 999 == 0) {
            struct timespec ts;
            syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
        }
    }
    return spins;
}

/* Waits for the flag and nothing else: every pass through the loop is in the same state. */
__attribute__((noinline)) static void wait_for_flag(void)
{
    while (!flag) {
    }
}

/* Counts its passes in memory (a volatile local, on the stack): registers alone do not tell passes apart. */
__attribute__((noinline)) static long spin_counting_on_stack(void)
{
    volatile long spins = 0;
    while (!flag)
        spins = spins + 1;
    return spins;
}

static void *setter(void *arg)
{
    (void)arg;
    flag = 1;
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "alone") == 0) {
        printf("spun %ld\n", spin(atol(argv[2])));
        return 0;
    }
    pthread_t t;
    if (pthread_create(&t, NULL, setter, NULL) != 0)
        return 99;
    int timed = argc == 2 && strcmp(argv[1], "time") == 0;
    int on_stack = argc == 2 && strcmp(argv[1], "stack") == 0;
    long spins = 0;
    if (timed)
        wait_for_flag();
    else if (on_stack)
        spins = spin_counting_on_stack();
    else
        spins = spin(-1);
    pthread_join(t, NULL);
    if (argc == 2 && (strcmp(argv[1], "count") == 0 || on_stack)) {
        printf("flag seen after %ld spins\n", spins);
    } else if (timed) {
        struct timespec ts;
        syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
        printf("flag seen at %lld ns\n", (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
    } else {
        puts("flag seen");
    }
    return 0;
}
