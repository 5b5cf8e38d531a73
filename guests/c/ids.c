/*
 * ids: the identities a program sees of itself, its threads and its children: getpid, getppid, gettid,
 * what /proc/self and /proc/self/stat say, a thread's tid, a child's pid as fork returned it and as the
 * child sees it, and the pid wait reports. Natively the numbers are the host's; under detsim they come
 * from the run's pid namespace (the program is pid 2, numbered in creation order) and repeat every run.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void *thread_main(void *arg) {
    (void)arg;
    printf("thread: tid %ld, pid %d\n", (long)syscall(SYS_gettid), getpid());
    return NULL;
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("pid %d, ppid %d, tid %ld\n", getpid(), getppid(), (long)syscall(SYS_gettid));
    char self[64] = "";
    ssize_t n = readlink("/proc/self", self, sizeof self - 1);
    if (n > 0) self[n] = 0;
    FILE *stat = fopen("/proc/self/stat", "r");
    int statPid = -1;
    if (stat == NULL || fscanf(stat, "%d", &statPid) != 1) return 99;
    fclose(stat);
    printf("/proc/self -> %s, /proc/self/stat pid %d\n", self, statPid);
    pthread_t t;
    if (pthread_create(&t, NULL, thread_main, NULL) != 0) return 99;
    pthread_join(t, NULL);
    for (int i = 0; i < 2; i++) {
        pid_t child = fork();
        if (child < 0) return 99;
        if (child == 0) {
            printf("child: pid %d, ppid %d\n", getpid(), getppid());
            _exit(7);
        }
        int status;
        pid_t waited = waitpid(child, &status, 0);
        printf("fork returned %d, wait returned %d, status %d\n", child, waited, WEXITSTATUS(status));
    }
    return 0;
}
