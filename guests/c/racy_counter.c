/*
 * racy_counter: THREADS threads each add 1 to a shared counter ROUNDS times with no lock, as
 * "read; read the clock; write back read+1". A switch between the read and the write loses an update,
 * so the final count says how the threads interleaved: THREADS*ROUNDS only if no update was lost. (The
 * clock read is a raw clock_gettime syscall, not libc's vDSO call: detsim intercepts it, so it is a
 * scheduling point. It is not a sched_yield, which detsim's chaos policy answers by running another
 * thread, every time.)
 *
 *   racy_counter [THREADS=4] [ROUNDS=500]
 *
 * Prints "counter N of M" and the order in which threads finished ("finished 2 0 3 1").
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>

static volatile long counter;
static int rounds;
static pthread_mutex_t order_lock = PTHREAD_MUTEX_INITIALIZER;
static int order[64], finished;

static void *worker(void *arg) {
    int id = (int)(long)arg;
    for (int i = 0; i < rounds; i++) {
        long seen = counter;
        struct timespec ts;
        syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts); /* a scheduling point between the read and the write */
        counter = seen + 1;
    }
    pthread_mutex_lock(&order_lock);
    order[finished++] = id;
    pthread_mutex_unlock(&order_lock);
    return NULL;
}

int main(int argc, char **argv) {
    int threads = argc > 1 ? atoi(argv[1]) : 4;
    rounds = argc > 2 ? atoi(argv[2]) : 500;
    if (threads < 1 || threads > 64 || rounds < 1) {
        fprintf(stderr, "usage: racy_counter [THREADS 1..64] [ROUNDS]\n");
        return 2;
    }
    pthread_t t[64];
    for (int i = 0; i < threads; i++) {
        if (pthread_create(&t[i], NULL, worker, (void *)(long)i) != 0) return 99;
    }
    for (int i = 0; i < threads; i++) pthread_join(t[i], NULL);
    printf("counter %ld of %d\nfinished", counter, threads * rounds);
    for (int i = 0; i < finished; i++) printf(" %d", order[i]);
    printf("\n");
    return 0;
}
