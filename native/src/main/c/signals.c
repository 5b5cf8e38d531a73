/* Forwarding termination signals from detsim to the traced program (see detsim.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "detsim.h"

static volatile sig_atomic_t target_pid;
static volatile sig_atomic_t own_pid;

/* Signals the handler has seen; the tracer reads it between turns (a load, no syscall). */
volatile uint32_t detsim_signals_seen;
/* With target 0 (record: detsim lets them in itself, at a point the recording keeps), 1 << sig for each held. */
volatile uint64_t detsim_signals_held;

static void forward(int sig, siginfo_t *info, void *ucontext) {
    (void) ucontext;
    int saved = errno;
    /* A forked child runs this handler until it execs: it must not forward anything. */
    if (getpid() == own_pid) {
        if (target_pid > 0 && info->si_code != SI_KERNEL) kill(target_pid, sig);
        if (target_pid == 0 && info->si_code != SI_KERNEL) __atomic_fetch_or(&detsim_signals_held, 1ull << sig, __ATOMIC_SEQ_CST);
        __atomic_fetch_add(&detsim_signals_seen, 1, __ATOMIC_SEQ_CST);
    }
    errno = saved;
}

int detsim_forward_signals(pid_t target) {
    static const int signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
    own_pid = getpid();
    target_pid = target;
    for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++) {
        struct sigaction old;
        if (sigaction(signals[i], NULL, &old) != 0) return -errno;
        if (old.sa_handler == SIG_IGN) continue; /* inherited as ignored: the child inherits that too */
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_sigaction = forward;
        sa.sa_flags = SA_SIGINFO | SA_RESTART;
        sigemptyset(&sa.sa_mask);
        if (sigaction(signals[i], &sa, NULL) != 0) return -errno;
    }
    return 0;
}
