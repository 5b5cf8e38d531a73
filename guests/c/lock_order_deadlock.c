/*
 * lock_order_deadlock: two threads take two mutexes in opposite orders, each sleeping between its first
 * and its second lock so that both hold one: a deadlock, every time. Natively it hangs; under detsim the
 * run ends with the deadlock report (who waits on which futex) and exit status 86.
 */
#include <pthread.h>
#include <stdio.h>
#include <time.h>

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER, b = PTHREAD_MUTEX_INITIALIZER;

static void nap(void) {
    struct timespec ts = {0, 50 * 1000 * 1000};
    nanosleep(&ts, NULL);
}

static void *one(void *arg) {
    (void)arg;
    pthread_mutex_lock(&a);
    nap();
    pthread_mutex_lock(&b);
    pthread_mutex_unlock(&b);
    pthread_mutex_unlock(&a);
    return NULL;
}

static void *two(void *arg) {
    (void)arg;
    pthread_mutex_lock(&b);
    nap();
    pthread_mutex_lock(&a);
    pthread_mutex_unlock(&a);
    pthread_mutex_unlock(&b);
    return NULL;
}

int main(void) {
    pthread_t t1, t2;
    printf("taking locks in opposite orders\n");
    fflush(stdout);
    if (pthread_create(&t1, NULL, one, NULL) || pthread_create(&t2, NULL, two, NULL)) return 99;
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    printf("no deadlock\n");
    return 0;
}
