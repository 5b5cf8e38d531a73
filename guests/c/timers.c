/*
 * Every kind of timer a program can arm, each waited for and checked:
 *   alarm      alarm(2), then pause() until SIGALRM; alarm's return value of a replaced alarm
 *   itimer     setitimer(ITIMER_REAL) periodic, five SIGALRMs taken with sigsuspend; getitimer
 *   posix      timer_create(SIGEV_SIGNAL, SIGRTMIN, sival) taken with sigwaitinfo: si_code, si_value, timer id
 *   thread     timer_create(SIGEV_THREAD): glibc's helper thread runs the notify function
 *   none       timer_create(SIGEV_NONE): timer_gettime counts down, nothing is sent
 *   overrun    a periodic POSIX timer left pending while its periods pass: timer_getoverrun
 *   timerfd    timerfd periodic, read() counts, then epoll_wait on a one-shot timerfd
 *   cputime    ITIMER_PROF while the process spins reading the clock: SIGPROF arrives
 *
 * Each line says what happened (the same natively and under detsim) and, after "after", how much
 * CLOCK_MONOTONIC time it took: host time natively, virtual time (the same every run) under detsim.
 * With the argument "long", the alarm waits 30 s, to show that detsim does not wait for it in host time.
 * Unexpected failures exit 99.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define CHECK(cond)                                                                    \
    do {                                                                               \
        if (!(cond)) {                                                                 \
            fprintf(stderr, "timers: %s:%d: %s (%s)\n", __FILE__, __LINE__, #cond, strerror(errno)); \
            exit(99);                                                                  \
        }                                                                              \
    } while (0)

static volatile sig_atomic_t alarms, profs;

static long long now_ns(void) {
    struct timespec ts;
    CHECK(clock_gettime(CLOCK_MONOTONIC, &ts) == 0);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void on_alarm(int sig) {
    (void)sig;
    alarms++;
}

static void on_prof(int sig) {
    (void)sig;
    profs++;
}

static void report(const char *what, long long start) {
    printf("%safter %lld ns\n", what, now_ns() - start);
    fflush(stdout);
}

static void alarm_test(int seconds) {
    struct sigaction sa = {.sa_handler = on_alarm};
    CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
    long long start = now_ns();
    CHECK(alarm(100) == 0);
    unsigned left = alarm(seconds); /* replaces the 100 s alarm */
    alarms = 0;
    while (alarms == 0) pause();
    printf("alarm: replaced alarm had %u s left; %d SIGALRM ", left, (int)alarms);
    report("", start);
    CHECK(alarm(0) == 0);
}

static void itimer_test(void) {
    struct itimerval it = {.it_interval = {0, 100000}, .it_value = {0, 250000}};
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGALRM);
    CHECK(sigprocmask(SIG_BLOCK, &block, &old) == 0);
    long long start = now_ns();
    alarms = 0;
    CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
    struct itimerval cur;
    CHECK(getitimer(ITIMER_REAL, &cur) == 0);
    CHECK(cur.it_interval.tv_usec == 100000 && cur.it_value.tv_sec == 0 && cur.it_value.tv_usec > 0);
    while (alarms < 5) sigsuspend(&old);
    struct itimerval stop = {0}, was;
    CHECK(setitimer(ITIMER_REAL, &stop, &was) == 0);
    CHECK(sigprocmask(SIG_SETMASK, &old, NULL) == 0);
    printf("itimer: %d SIGALRMs, interval %ld us, getitimer armed ", (int)alarms, (long)was.it_interval.tv_usec);
    report("", start);
}

static void posix_signal_test(void) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGRTMIN);
    CHECK(sigprocmask(SIG_BLOCK, &set, NULL) == 0);
    struct sigevent ev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGRTMIN};
    ev.sigev_value.sival_int = 4242;
    timer_t timer;
    CHECK(timer_create(CLOCK_MONOTONIC, &ev, &timer) == 0);
    struct itimerspec its = {.it_value = {1, 500000000}};
    long long start = now_ns();
    CHECK(timer_settime(timer, 0, &its, NULL) == 0);
    siginfo_t si;
    CHECK(sigwaitinfo(&set, &si) == SIGRTMIN);
    printf("posix: signal SIGRTMIN si_code %s sival %d overrun %d ", si.si_code == SI_TIMER ? "SI_TIMER" : "other",
           si.si_value.sival_int, si.si_overrun);
    report("", start);
    /* An absolute expiry on CLOCK_REALTIME, 2 s from now. */
    struct timespec wall;
    CHECK(clock_gettime(CLOCK_REALTIME, &wall) == 0);
    struct itimerspec abs = {.it_value = {wall.tv_sec + 2, wall.tv_nsec}};
    timer_t rt;
    ev.sigev_value.sival_int = 7;
    CHECK(timer_create(CLOCK_REALTIME, &ev, &rt) == 0);
    start = now_ns();
    CHECK(timer_settime(rt, TIMER_ABSTIME, &abs, NULL) == 0);
    CHECK(sigwaitinfo(&set, &si) == SIGRTMIN);
    printf("posix: absolute realtime timer sival %d ", si.si_value.sival_int);
    report("", start);
    CHECK(timer_delete(timer) == 0 && timer_delete(rt) == 0);
    CHECK(sigprocmask(SIG_UNBLOCK, &set, NULL) == 0);
}

static sem_t notified;
static int notify_value;

static void on_notify(union sigval v) {
    notify_value = v.sival_int;
    sem_post(&notified);
}

static void thread_notify_test(void) {
    CHECK(sem_init(&notified, 0, 0) == 0);
    struct sigevent ev = {.sigev_notify = SIGEV_THREAD, .sigev_notify_function = on_notify};
    ev.sigev_value.sival_int = 77;
    timer_t timer;
    CHECK(timer_create(CLOCK_MONOTONIC, &ev, &timer) == 0);
    struct itimerspec its = {.it_value = {0, 300000000}};
    long long start = now_ns();
    CHECK(timer_settime(timer, 0, &its, NULL) == 0);
    while (sem_wait(&notified) != 0) CHECK(errno == EINTR);
    printf("thread: notify function ran with %d ", notify_value);
    report("", start);
    CHECK(timer_delete(timer) == 0);
}

static void none_test(void) {
    struct sigevent ev = {.sigev_notify = SIGEV_NONE};
    timer_t timer;
    CHECK(timer_create(CLOCK_MONOTONIC, &ev, &timer) == 0);
    struct itimerspec its = {.it_value = {5, 0}}, cur;
    CHECK(timer_settime(timer, 0, &its, NULL) == 0);
    struct timespec nap = {0, 200000000};
    CHECK(nanosleep(&nap, NULL) == 0);
    CHECK(timer_gettime(timer, &cur) == 0);
    long long left = cur.it_value.tv_sec * 1000000000LL + cur.it_value.tv_nsec;
    printf("none: 5 s timer, 200 ms later between 4.7 and 4.8 s left: %s\n",
           left > 4700000000LL && left < 4800000000LL ? "yes" : "no");
    CHECK(timer_delete(timer) == 0);
    CHECK(timer_gettime(timer, &cur) == -1 && errno == EINVAL);
}

static void overrun_test(void) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    CHECK(sigprocmask(SIG_BLOCK, &set, NULL) == 0);
    struct sigevent ev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1};
    timer_t timer;
    CHECK(timer_create(CLOCK_MONOTONIC, &ev, &timer) == 0);
    struct itimerspec its = {.it_interval = {0, 10000000}, .it_value = {0, 10000000}};
    CHECK(timer_settime(timer, 0, &its, NULL) == 0);
    struct timespec nap = {0, 105000000}; /* ten periods and a half */
    CHECK(nanosleep(&nap, NULL) == 0);
    siginfo_t si;
    CHECK(sigwaitinfo(&set, &si) == SIGUSR1);
    int overrun = timer_getoverrun(timer);
    CHECK(overrun >= 0);
    printf("overrun: a 10 ms timer pending for 105 ms overran %s\n", overrun >= 5 ? "at least 5 times" : "fewer than 5 times");
    CHECK(timer_delete(timer) == 0);
    CHECK(sigprocmask(SIG_UNBLOCK, &set, NULL) == 0);
}

static void timerfd_test(void) {
    int fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
    CHECK(fd >= 0);
    struct itimerspec its = {.it_interval = {0, 50000000}, .it_value = {0, 50000000}};
    long long start = now_ns();
    CHECK(timerfd_settime(fd, 0, &its, NULL) == 0);
    uint64_t total = 0;
    while (total < 3) {
        uint64_t n;
        CHECK(read(fd, &n, sizeof n) == sizeof n);
        total += n;
    }
    struct itimerspec cur;
    CHECK(timerfd_gettime(fd, &cur) == 0);
    printf("timerfd: %llu expirations read, interval %ld ms ", (unsigned long long)total, cur.it_interval.tv_nsec / 1000000);
    report("", start);
    close(fd);

    int one = timerfd_create(CLOCK_BOOTTIME, TFD_NONBLOCK | TFD_CLOEXEC);
    CHECK(one >= 0);
    int ep = epoll_create1(EPOLL_CLOEXEC);
    CHECK(ep >= 0);
    struct epoll_event e = {.events = EPOLLIN, .data.u32 = 7};
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, one, &e) == 0);
    uint64_t n;
    CHECK(read(one, &n, sizeof n) == -1 && errno == EAGAIN);
    struct itimerspec in = {.it_value = {0, 400000000}};
    start = now_ns();
    CHECK(timerfd_settime(one, 0, &in, NULL) == 0);
    struct epoll_event got;
    CHECK(epoll_wait(ep, &got, 1, -1) == 1);
    CHECK(read(one, &n, sizeof n) == sizeof n);
    printf("timerfd: epoll saw fd %u readable, %llu expiration ", got.data.u32, (unsigned long long)n);
    report("", start);
    close(ep);
    close(one);
}

static void cputime_test(void) {
    struct sigaction sa = {.sa_handler = on_prof};
    CHECK(sigaction(SIGPROF, &sa, NULL) == 0);
    struct itimerval it = {.it_value = {0, 2000}};
    profs = 0;
    CHECK(setitimer(ITIMER_PROF, &it, NULL) == 0);
    long calls = 0;
    while (profs == 0 && calls < 100000000L) { /* busy reading the clock (a syscall under detsim) */
        now_ns();
        calls++;
    }
    printf("cputime: SIGPROF while busy: %s\n", profs > 0 ? "yes" : "no");
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    alarm_test(argc > 1 && strcmp(argv[1], "long") == 0 ? 30 : 1);
    itimer_test();
    posix_signal_test();
    thread_notify_test();
    none_test();
    overrun_test();
    timerfd_test();
    cputime_test();
    return 0;
}
