/*
 * compute_turns: two threads, each ROUNDS times: about ITERATIONS steps of arithmetic with no syscall (tens
 * of milliseconds), then a syscall (a scheduling point). While one computes the other is runnable, so a
 * watchdog shorter than a compute step would preempt it there; detsim's own 100 ms one does not. Prints a
 * checksum of the work, the same in every run.
 *
 *   compute_turns [ROUNDS=4] [ITERATIONS=20000000]
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

static int rounds;
static long iterations;

static void *work(void *arg) {
    unsigned long x = (unsigned long)arg;
    for (int r = 0; r < rounds; r++) {
        for (long i = 0; i < iterations; i++) x = x * 6364136223846793005UL + 1442695040888963407UL;
        syscall(SYS_getpid);
    }
    return (void *)x;
}

int main(int argc, char **argv) {
    rounds = argc > 1 ? atoi(argv[1]) : 4;
    iterations = argc > 2 ? atol(argv[2]) : 20000000L;
    pthread_t t[2];
    for (long i = 0; i < 2; i++) pthread_create(&t[i], NULL, work, (void *)(i + 1));
    unsigned long sum = 0;
    for (int i = 0; i < 2; i++) {
        void *v;
        pthread_join(t[i], &v);
        sum ^= (unsigned long)v;
    }
    printf("checksum %lx\n", sum);
    return 0;
}
