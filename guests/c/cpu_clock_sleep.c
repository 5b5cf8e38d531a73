/*
 * cpu_clock_sleep: clock_nanosleep on CLOCK_PROCESS_CPUTIME_ID by a process's only thread. The process's
 * CPU time does not advance while that thread sleeps, so the sleep never ends by itself: here a 200 ms
 * real-time timer's SIGALRM interrupts it, and nearly all of the 5 s asked for is left. Prints the result
 * and whether more than 4.9 s remained.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

static void on_alarm(int signal) {
    (void)signal;
}

int main(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_alarm; // no SA_RESTART: the sleep returns EINTR
    sigaction(SIGALRM, &action, NULL);
    struct itimerval timer = {{0, 0}, {0, 200 * 1000}};
    setitimer(ITIMER_REAL, &timer, NULL);

    struct timespec request = {5, 0}, remain = {0, 0};
    int rc = clock_nanosleep(CLOCK_PROCESS_CPUTIME_ID, 0, &request, &remain);
    long long left = remain.tv_sec * 1000000000LL + remain.tv_nsec;
    printf("clock_nanosleep(CLOCK_PROCESS_CPUTIME_ID, 5 s): %s; more than 4.9 s left: %s\n",
           rc == 0 ? "slept" : strerror(rc), left > 4900000000LL ? "yes" : "no");
    return 0;
}
