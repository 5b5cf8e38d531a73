/*
 * clock_reads: reads CLOCK_MONOTONIC and CLOCK_REALTIME 1000 times each in tight loops (glibc answers them
 * through the vDSO) and prints whether each series only went forward, and how the steps between readings
 * are distributed: under detsim most readings come from its clock page, 1 ns apart, and every 513th is a
 * syscall that ends the thread's turn (a larger step). Natively the steps are the host's.
 */
#include <stdio.h>
#include <time.h>

#define N 1000

static void series(clockid_t clock, const char *name) {
    static long long t[N];
    for (int i = 0; i < N; i++) {
        struct timespec ts;
        clock_gettime(clock, &ts);
        t[i] = ts.tv_sec * 1000000000LL + ts.tv_nsec;
    }
    int forward = 1, ones = 0, larger = 0;
    for (int i = 1; i < N; i++) {
        long long d = t[i] - t[i - 1];
        if (d <= 0) forward = 0;
        if (d == 1) ones++;
        else if (d > 1) larger++;
    }
    printf("%s: %d readings, always forward: %s, steps of 1 ns: %d, larger steps: %d\n", name, N,
           forward ? "yes" : "no", ones, larger);
}

int main(void) {
    series(CLOCK_MONOTONIC, "monotonic");
    series(CLOCK_REALTIME, "realtime");
    return 0;
}
