/*
 * threads_exec: exercises execve() from a non-leader thread.
 *
 * A second thread execs /bin/echo "exec from thread" while the main thread
 * sleeps.  The kernel kills the main thread and the exec'ing thread takes
 * over the thread-group leader's pid.  Expected stdout: "exec from thread",
 * exit status 0.  If the exec never happens, exits 99.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static void *exec_thread(void *arg)
{
    (void)arg;
    /* Give the main thread time to be asleep in nanosleep. */
    struct timespec ts = { 0, 20 * 1000 * 1000 };
    nanosleep(&ts, NULL);

    char *argv[] = { "echo", "exec from thread", NULL };
    execve("/bin/echo", argv, environ);
    fprintf(stderr, "threads_exec: execve(/bin/echo): %s\n", strerror(errno));
    exit(99);
}

int main(void)
{
    pthread_t t;
    int rc = pthread_create(&t, NULL, exec_thread, NULL);
    if (rc != 0) {
        fprintf(stderr, "threads_exec: pthread_create: %s\n", strerror(rc));
        return 99;
    }

    /* Sleep in bounded steps; the exec should replace us long before. */
    for (int i = 0; i < 100; i++) {
        struct timespec ts = { 0, 100 * 1000 * 1000 };
        nanosleep(&ts, NULL);
    }
    fprintf(stderr, "threads_exec: still running after 10 s; exec did not happen\n");
    return 99;
}
