/*
 * clocks: every way a program reads or waits on time, printed as numbers.
 *   clock_gettime and clock_getres for each clock id Linux has, gettimeofday, time(2);
 *   nanosleep 250 ms, clock_nanosleep relative 100 ms, clock_nanosleep TIMER_ABSTIME on CLOCK_MONOTONIC
 *   and CLOCK_REALTIME (1 s after the last reading), and a nanosleep cut short by a signal (its
 *   remaining time).
 * Natively the readings are the host's (different every run); under detsim they come from the virtual
 * clock: REALTIME from --epoch, the monotonic clocks from 1000 s, and the same in every run.
 * Unexpected failures exit 99.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define CHECK(cond)                                                                      \
    do {                                                                                 \
        if (!(cond)) {                                                                   \
            fprintf(stderr, "clocks: %s:%d: %s (%s)\n", __FILE__, __LINE__, #cond, strerror(errno)); \
            exit(99);                                                                    \
        }                                                                                \
    } while (0)

static const struct {
    clockid_t id;
    const char *name;
} CLOCKS[] = {
    {CLOCK_REALTIME, "REALTIME"},         {CLOCK_MONOTONIC, "MONOTONIC"},
    {CLOCK_PROCESS_CPUTIME_ID, "PROCESS_CPUTIME"}, {CLOCK_THREAD_CPUTIME_ID, "THREAD_CPUTIME"},
    {CLOCK_MONOTONIC_RAW, "MONOTONIC_RAW"}, {CLOCK_REALTIME_COARSE, "REALTIME_COARSE"},
    {CLOCK_MONOTONIC_COARSE, "MONOTONIC_COARSE"}, {CLOCK_BOOTTIME, "BOOTTIME"},
    {CLOCK_TAI, "TAI"},
};

static long long ns(clockid_t c) {
    struct timespec ts;
    CHECK(clock_gettime(c, &ts) == 0);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void on_usr1(int sig) { (void)sig; }

static void *interrupter(void *arg) {
    pthread_t target = *(pthread_t *)arg;
    struct timespec ts = {0, 300000000};
    nanosleep(&ts, NULL);
    pthread_kill(target, SIGUSR1);
    return NULL;
}

int main(void) {
    for (size_t i = 0; i < sizeof CLOCKS / sizeof CLOCKS[0]; i++) {
        struct timespec res;
        CHECK(clock_getres(CLOCKS[i].id, &res) == 0);
        printf("%-16s %lld ns (resolution %ld ns)\n", CLOCKS[i].name, ns(CLOCKS[i].id), res.tv_nsec);
    }
    struct timeval tv;
    CHECK(gettimeofday(&tv, NULL) == 0);
    printf("gettimeofday     %lld.%06ld\n", (long long)tv.tv_sec, (long)tv.tv_usec);
    printf("time             %lld\n", (long long)time(NULL));
    errno = 0;
    CHECK(clock_gettime(10, &(struct timespec){0}) == -1 && errno == EINVAL);

    long long t0 = ns(CLOCK_MONOTONIC);
    struct timespec quarter = {0, 250000000};
    CHECK(nanosleep(&quarter, NULL) == 0);
    long long t1 = ns(CLOCK_MONOTONIC);
    struct timespec tenth = {0, 100000000};
    CHECK(clock_nanosleep(CLOCK_MONOTONIC, 0, &tenth, NULL) == 0);
    long long t2 = ns(CLOCK_MONOTONIC);
    long long target = t2 + 1000000000LL;
    struct timespec abs = {target / 1000000000LL, target % 1000000000LL};
    CHECK(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, NULL) == 0);
    long long t3 = ns(CLOCK_MONOTONIC);
    long long wall = ns(CLOCK_REALTIME) + 1000000000LL;
    struct timespec wabs = {wall / 1000000000LL, wall % 1000000000LL};
    CHECK(clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &wabs, NULL) == 0);
    long long t4 = ns(CLOCK_MONOTONIC);
    printf("nanosleep 250 ms took %lld ns\n", t1 - t0);
    printf("clock_nanosleep 100 ms took %lld ns\n", t2 - t1);
    printf("clock_nanosleep until monotonic +1 s took %lld ns\n", t3 - t2);
    printf("clock_nanosleep until realtime +1 s took %lld ns\n", t4 - t3);

    struct sigaction sa = {.sa_handler = on_usr1};
    CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
    pthread_t self = pthread_self(), t;
    CHECK(pthread_create(&t, NULL, interrupter, &self) == 0);
    struct timespec two = {2, 0}, left = {0, 0};
    int r = nanosleep(&two, &left);
    printf("nanosleep 2 s interrupted after 300 ms: %s, %lld ns left\n", r == -1 && errno == EINTR ? "EINTR" : "not interrupted",
           left.tv_sec * 1000000000LL + left.tv_nsec);
    CHECK(pthread_join(t, NULL) == 0);
    return 0;
}
