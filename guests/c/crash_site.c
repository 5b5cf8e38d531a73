/*
 * crash_site: dies at a known instruction, for crash-site reports.
 *
 *   crash_site segv    stores through a null pointer in crash_here()
 *   crash_site fpe     divides by zero in divide_here()
 *   crash_site abort   calls abort() from abort_here()
 *   crash_site handled as segv, with a SIGSEGV handler that restores the default action and raises the
 *                      signal again (as Python's faulthandler does): the process dies of the raise
 *   crash_site race    two threads race to write a shared word (a syscall before each write); the last
 *                      writer decides whether crash_in_a() or crash_in_b() crashes: under detsim --chaos the
 *                      seed decides, so a search sees two crash sites
 *
 * Core dumps are off (RLIMIT_CORE = 0).
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

static int *volatile null_ptr = NULL;
static volatile int zero = 0;
static volatile char last_writer;

__attribute__((noinline)) void crash_here(void) { *null_ptr = 1; }
__attribute__((noinline)) int divide_here(int x) { return x / zero; }
__attribute__((noinline)) void abort_here(void) { fflush(stdout); abort(); }
__attribute__((noinline)) void crash_in_a(void) { *null_ptr = 0xa; }
__attribute__((noinline)) void crash_in_b(void) { null_ptr[1] = 0xb; }

static void reraise(int sig)
{
    signal(sig, SIG_DFL);
    raise(sig);
}

static void *writer(void *name)
{
    for (int i = 0; i < 3; i++) {
        getppid();
        last_writer = *(const char *)name;
    }
    return NULL;
}

int main(int argc, char **argv)
{
    struct rlimit no_core = { 0, 0 };
    setrlimit(RLIMIT_CORE, &no_core);
    if (argc != 2) {
        fprintf(stderr, "usage: crash_site segv|fpe|abort|handled|race\n");
        return 2;
    }
    if (strcmp(argv[1], "segv") == 0) crash_here();
    else if (strcmp(argv[1], "handled") == 0) {
        signal(SIGSEGV, reraise);
        crash_here();
    }
    else if (strcmp(argv[1], "fpe") == 0) printf("%d\n", divide_here(argc));
    else if (strcmp(argv[1], "abort") == 0) abort_here();
    else if (strcmp(argv[1], "race") == 0) {
        pthread_t a, b;
        pthread_create(&a, NULL, writer, "a");
        pthread_create(&b, NULL, writer, "b");
        pthread_join(a, NULL);
        pthread_join(b, NULL);
        if (last_writer == 'a') crash_in_a();
        else crash_in_b();
    }
    fprintf(stderr, "crash_site: survived %s\n", argv[1]);
    return 99;
}
