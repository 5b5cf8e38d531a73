/*
 * die_by_signal: exercises death of a process by a signal.
 *
 *   die_by_signal SIGNUM      prints "about to die", restores SIG_DFL for
 *                             SIGNUM, unblocks it and raise()s it.
 *   die_by_signal segv-real   prints "about to die", then really writes
 *                             through a null pointer (SIGSEGV from a fault).
 *
 * Core dumps are disabled (RLIMIT_CORE = 0) so no core file is left behind.
 * If the process survives (e.g. SIGCHLD, whose default action is to ignore
 * it), it exits 99 with a message on stderr.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

/* volatile so the compiler cannot see that it is null and turn the store
 * into a trap instruction (which would raise SIGILL instead of SIGSEGV). */
static int *volatile null_ptr = NULL;

static void fail(const char *what)
{
    fprintf(stderr, "die_by_signal: %s: %s\n", what, strerror(errno));
    exit(99);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: die_by_signal SIGNUM | segv-real\n");
        return 99;
    }

    struct rlimit no_core = { 0, 0 };
    if (setrlimit(RLIMIT_CORE, &no_core) != 0)
        fail("setrlimit(RLIMIT_CORE)");

    int real_segv = strcmp(argv[1], "segv-real") == 0;
    int sig = SIGSEGV;
    if (!real_segv) {
        char *end;
        errno = 0;
        long n = strtol(argv[1], &end, 10);
        if (errno != 0 || *end != '\0' || end == argv[1] || n < 1 || n >= NSIG) {
            fprintf(stderr, "die_by_signal: bad signal number '%s'\n", argv[1]);
            return 99;
        }
        sig = (int)n;
    }

    printf("about to die\n");
    if (fflush(stdout) != 0)
        fail("fflush(stdout)");

    /* SIGKILL and SIGSTOP can be neither caught nor blocked (and sigaction
     * rejects them), so they need no preparation. */
    if (sig != SIGKILL && sig != SIGSTOP) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = SIG_DFL;
        sigemptyset(&sa.sa_mask);
        if (sigaction(sig, &sa, NULL) != 0)
            fail("sigaction(SIG_DFL)");

        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, sig);
        if (sigprocmask(SIG_UNBLOCK, &set, NULL) != 0)
            fail("sigprocmask(SIG_UNBLOCK)");
    }

    if (real_segv) {
        *null_ptr = 42;
    } else if (raise(sig) != 0) {
        fail("raise");
    }

    fprintf(stderr, "die_by_signal: still alive after signal %d\n", sig);
    return 99;
}
