/*
 * rdtsc: reads the time-stamp counter with rdtsc and rdtscp, twice each around a 10 ms nanosleep, and
 * prints the readings. "probe" asks the kernel to make rdtsc fault (prctl PR_SET_TSC, PR_TSC_SIGSEGV)
 * and says whether it did: on some virtual machines the kernel accepts the request and rdtsc still
 * runs, and there detsim cannot trap it either. "mode" prints what PR_GET_TSC says of this process:
 * detsim asks for the fault only where it happens (elsewhere the flag only slows every context switch).
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>

static uint64_t rdtsc(void) {
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static uint64_t rdtscp(void) {
    uint32_t lo, hi, aux;
    __asm__ volatile("rdtscp" : "=a"(lo), "=d"(hi), "=c"(aux));
    return ((uint64_t)hi << 32) | lo;
}

static sigjmp_buf trapped;

static void on_segv(int sig) {
    (void)sig;
    siglongjmp(trapped, 1);
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "mode") == 0) {
        int mode = 0;
        if (prctl(PR_GET_TSC, &mode, 0, 0, 0) != 0) {
            printf("PR_GET_TSC: refused\n");
            return 0;
        }
        printf("PR_GET_TSC: %s\n", mode == PR_TSC_SIGSEGV ? "sigsegv" : mode == PR_TSC_ENABLE ? "enable" : "other");
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "probe") == 0) {
        if (prctl(PR_SET_TSC, PR_TSC_SIGSEGV, 0, 0, 0) != 0) {
            printf("rdtsc traps: no (PR_SET_TSC refused)\n");
            return 0;
        }
        struct sigaction sa = {.sa_handler = on_segv};
        sigaction(SIGSEGV, &sa, NULL);
        if (sigsetjmp(trapped, 1) == 0) {
            (void)rdtsc();
            printf("rdtsc traps: no (PR_SET_TSC accepted, rdtsc ran)\n");
        } else {
            printf("rdtsc traps: yes\n");
        }
        return 0;
    }
    uint64_t a = rdtsc(), b = rdtscp();
    struct timespec ts = {0, 10000000};
    nanosleep(&ts, NULL);
    uint64_t c = rdtsc(), d = rdtscp();
    printf("rdtsc %llu rdtscp %llu, after 10 ms rdtsc %llu rdtscp %llu\n", (unsigned long long)a, (unsigned long long)b,
           (unsigned long long)c, (unsigned long long)d);
    printf("advanced: %s\n", c > a && d > b ? "yes" : "no");
    return 0;
}
