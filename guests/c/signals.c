/*
 * signals: exercises signal delivery and handling.
 *
 * Steps, each printing one line in this fixed order:
 *   1. raise(SIGUSR1)            -> SA_SIGINFO handler, si_code SI_TKILL
 *   2. kill(getpid(), SIGUSR2)   -> SA_SIGINFO handler, si_code SI_USER
 *   3. fork a child that exits 7; wait in a sigsuspend() loop for the
 *      SIGCHLD handler (CLD_EXITED, status 7), then reap it
 *   4. block SIGUSR1, raise it, check sigpending(), unblock, see the handler
 *   5. sigaltstack() + a SA_ONSTACK handler that checks it runs on that stack
 *   6. a child that the parent kills with SIGTERM; report its death by signal
 *   7. alarm(1), pause() until the SIGALRM handler has run
 * Takes about one second (the alarm).  Unexpected failures exit 99.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t usr1_count, usr1_code, usr1_pid_ok;
static volatile sig_atomic_t usr2_count, usr2_code, usr2_pid_ok;
static volatile sig_atomic_t chld_count, chld_code, chld_status;
static volatile sig_atomic_t alrm_count;
static volatile sig_atomic_t onstack_count, onstack_ok;

static char *altstack;
static size_t altstack_size;
static pid_t self_pid;

static void fail(const char *what)
{
    fprintf(stderr, "signals: %s: %s\n", what, strerror(errno));
    exit(99);
}

static void fail_msg(const char *msg)
{
    fprintf(stderr, "signals: %s\n", msg);
    exit(99);
}

static void on_usr1(int sig, siginfo_t *si, void *uc)
{
    (void)sig; (void)uc;
    usr1_code = si->si_code;
    usr1_pid_ok = si->si_pid == self_pid;
    usr1_count++;
}

static void on_usr2(int sig, siginfo_t *si, void *uc)
{
    (void)sig; (void)uc;
    usr2_code = si->si_code;
    usr2_pid_ok = si->si_pid == self_pid;
    usr2_count++;
}

static void on_chld(int sig, siginfo_t *si, void *uc)
{
    (void)sig; (void)uc;
    chld_code = si->si_code;
    chld_status = si->si_status;
    chld_count++;
}

static void on_alrm(int sig, siginfo_t *si, void *uc)
{
    (void)sig; (void)si; (void)uc;
    alrm_count++;
}

static void on_altstack(int sig, siginfo_t *si, void *uc)
{
    (void)sig; (void)si; (void)uc;
    char local;
    uintptr_t p = (uintptr_t)&local;
    uintptr_t lo = (uintptr_t)altstack, hi = lo + altstack_size;
    stack_t cur;
    int flags_ok = sigaltstack(NULL, &cur) == 0 && (cur.ss_flags & SS_ONSTACK);
    onstack_ok = p >= lo && p < hi && flags_ok;
    onstack_count++;
}

static void install(int sig, void (*fn)(int, siginfo_t *, void *), int extra_flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = fn;
    sa.sa_flags = SA_SIGINFO | extra_flags;
    sigemptyset(&sa.sa_mask);
    if (sigaction(sig, &sa, NULL) != 0)
        fail("sigaction");
}

static void mask(int how, int sig, sigset_t *old)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    if (sigprocmask(how, &set, old) != 0)
        fail("sigprocmask");
}

static int wait_for(pid_t pid)
{
    int status;
    pid_t r;
    do {
        r = waitpid(pid, &status, 0);
    } while (r < 0 && errno == EINTR);
    if (r < 0)
        fail("waitpid");
    return status;
}

static const char *code_name(int code)
{
    switch (code) {
    case SI_USER:    return "SI_USER";
    case SI_TKILL:   return "SI_TKILL";
    case SI_QUEUE:   return "SI_QUEUE";
    case SI_KERNEL:  return "SI_KERNEL";
    case CLD_EXITED: return "CLD_EXITED";
    case CLD_KILLED: return "CLD_KILLED";
    case CLD_DUMPED: return "CLD_DUMPED";
    default:         return "other";
    }
}

int main(void)
{
    /* Line buffering keeps the output order obvious even if we die early. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    self_pid = getpid();

    install(SIGUSR1, on_usr1, 0);
    install(SIGUSR2, on_usr2, 0);
    install(SIGCHLD, on_chld, 0);
    install(SIGALRM, on_alrm, 0);

    /* 1. raise() */
    if (raise(SIGUSR1) != 0)
        fail("raise(SIGUSR1)");
    if (usr1_count != 1)
        fail_msg("SIGUSR1 handler did not run synchronously after raise()");
    printf("SIGUSR1 handled (raise): code=%s pid_ok=%d\n", code_name(usr1_code), (int)usr1_pid_ok);

    /* 2. kill() to self */
    if (kill(getpid(), SIGUSR2) != 0)
        fail("kill(self, SIGUSR2)");
    if (usr2_count != 1)
        fail_msg("SIGUSR2 handler did not run before kill() returned");
    printf("SIGUSR2 handled (kill): code=%s pid_ok=%d\n", code_name(usr2_code), (int)usr2_pid_ok);

    /* 3. SIGCHLD from a child exiting 7, waited for with sigsuspend() */
    sigset_t unblocked_mask;
    mask(SIG_BLOCK, SIGCHLD, &unblocked_mask);
    sigdelset(&unblocked_mask, SIGCHLD);
    pid_t child = fork();
    if (child < 0)
        fail("fork");
    if (child == 0)
        _exit(7);
    while (chld_count == 0) {
        if (sigsuspend(&unblocked_mask) != -1 || errno != EINTR)
            fail("sigsuspend");
    }
    mask(SIG_UNBLOCK, SIGCHLD, NULL);
    int status = wait_for(child);
    printf("SIGCHLD handled: code=%s status=%d\n", code_name(chld_code), (int)chld_status);
    if (!WIFEXITED(status))
        fail_msg("child 1 did not exit normally");
    printf("child exited with %d\n", WEXITSTATUS(status));

    /* 4. blocked signal stays pending until unblocked */
    mask(SIG_BLOCK, SIGUSR1, NULL);
    if (raise(SIGUSR1) != 0)
        fail("raise(SIGUSR1) while blocked");
    sigset_t pending;
    if (sigpending(&pending) != 0)
        fail("sigpending");
    int is_pending = sigismember(&pending, SIGUSR1);
    printf("SIGUSR1 blocked: pending=%d handler_runs=%d\n", is_pending, (int)usr1_count);
    mask(SIG_UNBLOCK, SIGUSR1, NULL);
    if (usr1_count != 2)
        fail_msg("SIGUSR1 handler did not run on unblock");
    printf("SIGUSR1 handled after unblock: handler_runs=%d\n", (int)usr1_count);

    /* 5. handler on an alternate signal stack */
    altstack_size = 64 * 1024;
    altstack = malloc(altstack_size);
    if (altstack == NULL)
        fail_msg("malloc(altstack) failed");
    stack_t ss = { .ss_sp = altstack, .ss_size = altstack_size, .ss_flags = 0 };
    if (sigaltstack(&ss, NULL) != 0)
        fail("sigaltstack");
    install(SIGUSR2, on_altstack, SA_ONSTACK);
    if (raise(SIGUSR2) != 0)
        fail("raise(SIGUSR2) for altstack");
    if (onstack_count != 1)
        fail_msg("altstack handler did not run");
    printf("SIGUSR2 handled on alternate stack: %s\n", onstack_ok ? "yes" : "no");

    /* 6. a child killed by SIGTERM from the parent */
    child = fork();
    if (child < 0)
        fail("fork");
    if (child == 0) {
        for (;;)
            pause();
    }
    if (kill(child, SIGTERM) != 0)
        fail("kill(child, SIGTERM)");
    status = wait_for(child);
    if (WIFSIGNALED(status))
        printf("child killed by signal %d (%s)\n", WTERMSIG(status),
               WTERMSIG(status) == SIGTERM ? "SIGTERM" : "unexpected");
    else
        fail_msg("child 2 was not killed by a signal");

    /* 7. SIGALRM while in pause() */
    alarm(1);
    while (alrm_count == 0) {
        if (pause() != -1 || errno != EINTR)
            fail("pause");
    }
    printf("SIGALRM caught in pause\n");

    printf("done\n");
    return 0;
}
