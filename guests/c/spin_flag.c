/*
 * spin_flag: a thread spins on a shared flag that only another thread sets, with no syscall in the loop.
 *
 *   spin_flag
 *
 * Under a scheduler that runs one thread at a time and switches only at syscalls, the spinning thread never
 * gives the setter a turn; only a preemption (detsim's wall-clock watchdog on machines without branch
 * counters) lets the run finish. Prints "flag seen" and exits 0.
 */
#include <pthread.h>
#include <stdio.h>

static volatile int flag;

static void *setter(void *arg)
{
    (void)arg;
    flag = 1;
    return NULL;
}

int main(void)
{
    pthread_t t;
    if (pthread_create(&t, NULL, setter, NULL) != 0)
        return 99;
    while (!flag)
        ;
    pthread_join(t, NULL);
    puts("flag seen");
    return 0;
}
