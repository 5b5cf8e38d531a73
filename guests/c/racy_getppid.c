/*
 * racy_getppid: four threads each do "v = counter; getppid(); counter = v + 1;" 200 times and print the
 * counter (800 when no update was lost). The window holds a syscall no handler needs: only a schedule that
 * may switch at every syscall (--chaos) can split it.
 */
#include <pthread.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>
static volatile long counter;
static void *work(void *arg) {
    (void)arg;
    for (int i = 0; i < 200; i++) {
        long v = counter;
        syscall(SYS_getppid);
        counter = v + 1;
    }
    return NULL;
}
int main(void) {
    pthread_t t[4];
    for (int i = 0; i < 4; i++) pthread_create(&t[i], NULL, work, NULL);
    for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
    printf("%ld\n", counter);
    return 0;
}
