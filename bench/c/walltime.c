// walltime [-o FILE] [-t SECONDS] [--] CMD [ARGS...]
//
// Runs CMD and reports its elapsed wall time measured from outside, with
// CLOCK_MONOTONIC taken just before fork and just after the child is reaped.
// Programs under detsim see virtual time, so the benchmark never trusts the
// guest's own clock.  Prints one line
//     ELAPSED_NS USER_NS SYS_NS MAXRSS_KB
// (user/sys/maxrss from wait4's rusage of CMD and its reaped descendants) to
// FILE (truncated) or, without -o, to stdout.  The exit status mirrors CMD
// (128+N if it was killed by signal N).  With -t, CMD's process group is
// SIGKILLed after SECONDS and walltime exits 124, so a hung run cannot hang
// the whole benchmark.
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t timed_out;
static void on_alarm(int sig) { (void)sig; timed_out = 1; }

static long long ns(struct timespec t) { return t.tv_sec * 1000000000LL + t.tv_nsec; }
static long long tv_ns(struct timeval t) { return t.tv_sec * 1000000000LL + t.tv_usec * 1000LL; }

int main(int argc, char **argv) {
    const char *out = NULL;
    unsigned timeout = 0;
    int opt;
    while ((opt = getopt(argc, argv, "+o:t:h")) != -1) {
        if (opt == 'o') out = optarg;
        else if (opt == 't') timeout = (unsigned)atoi(optarg);
        else {
            fprintf(stderr, "usage: walltime [-o FILE] [-t SECONDS] [--] CMD [ARGS...]\n");
            return 2;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "walltime: no command\n");
        return 2;
    }
    // Open the output first so that its cost is not inside the measurement.
    // "e" = O_CLOEXEC: the output file must not leak into CMD (detsim hands
    // inherited descriptors on to the guest).
    FILE *f = out ? fopen(out, "we") : stdout;
    if (!f) { perror(out); return 2; }

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;  // no SA_RESTART: wait4 must return EINTR
    sigaction(SIGALRM, &sa, NULL);

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t pid = fork();
    if (pid < 0) { perror("fork"); return 2; }
    if (pid == 0) {
        if (timeout) setpgid(0, 0);  // own group, so a timeout kills all of it
        // Stray descriptors of whoever started the benchmark must not change
        // what CMD sees (detsim passes inherited descriptors through).
        close_range(3, ~0U, 0);
        execvp(argv[optind], &argv[optind]);
        fprintf(stderr, "walltime: exec %s: %s\n", argv[optind], strerror(errno));
        _exit(127);
    }
    if (timeout) { setpgid(pid, pid); alarm(timeout); }
    int st, killed = 0;
    struct rusage ru;
    while (wait4(pid, &st, 0, &ru) < 0) {
        if (errno != EINTR) { perror("wait4"); return 2; }
        if (timed_out) {
            fprintf(stderr, "walltime: %s timed out after %us, killing it\n", argv[optind], timeout);
            kill(-pid, SIGKILL);
            timed_out = 0;
            killed = 1;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    alarm(0);
    fprintf(f, "%lld %lld %lld %ld\n", ns(t1) - ns(t0), tv_ns(ru.ru_utime), tv_ns(ru.ru_stime),
            ru.ru_maxrss);
    if (fclose(f) != 0) { perror("walltime: write"); return 2; }
    if (killed) return 124;
    if (WIFEXITED(st)) return WEXITSTATUS(st);
    return 128 + WTERMSIG(st);
}
