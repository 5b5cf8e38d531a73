// gohandoff [--cpu N] -- CMD [ARGS...]
//
// The least a ptrace tracer can do to serialise a Go program's futex hand-offs: the floor under detsim's
// "Go cross-thread ping-pong" row, measured on the same machine in the same bench run.
//
// What it does, and what detsim does too:
//   * tracer and program on one CPU; a seccomp filter that stops only futex waits (FUTEX_WAIT and
//     FUTEX_WAIT_BITSET, any flags) and lets everything else run, futex wakes included;
//   * at a wait's stop: PTRACE_GET_SYSCALL_INFO, then one process_vm_readv that reads the waiter's word and
//     the words of every thread parked so far; a waiter whose word no longer holds its value is resumed and
//     its wait runs in the kernel (which returns EAGAIN at once); one whose word still holds it stays parked,
//     and the first parked thread whose word changed is resumed in its place;
//   * so a cross-thread hand-off costs one stop, as in detsim (Go changes the word before every wake).
// What it leaves out: everything else detsim does (virtual time, other syscalls, the event log, choosing by
// a scheduler, holding new threads). Threads that are not in a futex wait may run at the same time, so this
// is a floor to compare with, not a deterministic sandbox. If every thread is parked and no word changed
// (a timed wait nobody ends), all of them are let into the kernel; a 10 ms timer re-reads the parked words in
// case a thread that never stops changed one.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/futex.h>
#include <linux/ptrace.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "traced_child.h"

// glibc's <sys/ptrace.h> clashes with <linux/ptrace.h>; the raw syscall needs neither's wrapper.
static long pt(long request, pid_t pid, unsigned long addr, unsigned long data) {
    return syscall(SYS_ptrace, request, pid, addr, data);
}


#define MAX_PARKED 1024
static struct parked {
    pid_t tid;
    uint64_t uaddr;
    int32_t value;
} parked[MAX_PARKED];
static int nparked, threads;
static volatile sig_atomic_t tick;

static void on_alarm(int sig) { (void) sig; tick = 1; }

// Reads the words of the parked threads (and, if uaddr is not 0, one more) through any thread of the process.
static int read_words(pid_t via, uint64_t uaddr, int32_t *words) {
    static struct iovec local[MAX_PARKED + 1], remote[MAX_PARKED + 1];
    int n = 0;
    if (uaddr != 0) {
        local[n] = (struct iovec) {&words[n], 4};
        remote[n++] = (struct iovec) {(void *) (uintptr_t) uaddr, 4};
    }
    for (int i = 0; i < nparked; i++) {
        local[n] = (struct iovec) {&words[n], 4};
        remote[n++] = (struct iovec) {(void *) (uintptr_t) parked[i].uaddr, 4};
    }
    if (n == 0) return 0;
    return process_vm_readv(via, local, n, remote, n, 0) == (ssize_t) n * 4 ? 0 : -1;
}

static void resume(pid_t tid) {
    if (pt(PTRACE_CONT, tid, 0, 0) != 0 && errno != ESRCH) die("PTRACE_CONT");
}

// Resumes the first parked thread whose word changed; returns whether there was one.
static int wake_one(const int32_t *words, int offset) {
    for (int i = 0; i < nparked; i++) {
        if (words[offset + i] == parked[i].value) continue;
        pid_t tid = parked[i].tid;
        memmove(&parked[i], &parked[i + 1], (size_t) (nparked - i - 1) * sizeof parked[0]);
        nparked--;
        resume(tid);
        return 1;
    }
    return 0;
}

static void unpark_all(void) {
    for (int i = 0; i < nparked; i++) resume(parked[i].tid);
    nparked = 0;
}

static void forget(pid_t tid) {
    for (int i = 0; i < nparked; i++) {
        if (parked[i].tid != tid) continue;
        memmove(&parked[i], &parked[i + 1], (size_t) (nparked - i - 1) * sizeof parked[0]);
        nparked--;
        return;
    }
}

static void on_futex_wait(pid_t tid) {
    static int32_t words[MAX_PARKED + 1];
    struct ptrace_syscall_info info;
    if (pt(PTRACE_GET_SYSCALL_INFO, tid, sizeof info, (unsigned long) &info) <= 0) return;
    uint64_t uaddr = info.seccomp.args[0];
    int32_t value = (int32_t) info.seccomp.args[2];
    if (read_words(tid, uaddr, words) != 0 || words[0] != value || nparked == MAX_PARKED) {
        resume(tid); // its word changed already: the kernel returns EAGAIN (or EFAULT)
        return;
    }
    parked[nparked++] = (struct parked) {tid, uaddr, value};
    if (!wake_one(words, 1) && nparked == threads) unpark_all();
}

int main(int argc, char **argv) {
    int cpu = -1, i = 1;
    for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
        if (strcmp(argv[i], "--cpu") == 0 && i + 1 < argc) cpu = atoi(argv[++i]);
        else {
            fprintf(stderr, "usage: gohandoff [--cpu N] -- CMD [ARGS...]\n");
            return 2;
        }
    }
    if (i + 1 >= argc) {
        fprintf(stderr, "usage: gohandoff [--cpu N] -- CMD [ARGS...]\n");
        return 2;
    }
    char **cmd = &argv[i + 1];
    pin_to_cpu(cpu);
    struct sock_fprog prog = futex_waits_filter(SECCOMP_RET_TRACE);
    long opts = PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL | PTRACE_O_TRACECLONE | PTRACE_O_TRACEFORK
              | PTRACE_O_TRACEVFORK | PTRACE_O_TRACEEXEC;
    pid_t child = spawn_seized(cmd, &prog, opts, "gohandoff");
    threads = 1;

    struct sigaction sa = {.sa_handler = on_alarm};
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval every = {{0, 10000}, {0, 10000}};
    setitimer(ITIMER_REAL, &every, NULL);

    int child_status = -1;
    for (;;) {
        int st;
        pid_t pid = waitpid(-1, &st, __WALL);
        if (tick) {
            tick = 0;
            static int32_t words[MAX_PARKED];
            if (nparked > 0 && read_words(parked[0].tid, 0, words) == 0) {
                while (wake_one(words, 0)) read_words(parked[0].tid, 0, words);
            }
        }
        if (pid < 0) {
            if (errno == EINTR) continue;
            if (errno == ECHILD) break;
            die("waitpid");
        }
        if (WIFEXITED(st) || WIFSIGNALED(st)) {
            if (pid == child) child_status = st;
            forget(pid);
            threads--;
            if (threads > 0 && nparked == threads) unpark_all();
            continue;
        }
        if (!WIFSTOPPED(st)) continue;
        int sig = WSTOPSIG(st), event = (unsigned) st >> 16, inject = 0;
        if (event == PTRACE_EVENT_SECCOMP) {
            on_futex_wait(pid);
            continue;
        }
        if (event == PTRACE_EVENT_CLONE || event == PTRACE_EVENT_FORK || event == PTRACE_EVENT_VFORK) {
            threads++;
        } else if (event == PTRACE_EVENT_STOP) {
            if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU) {
                pt(PTRACE_LISTEN, pid, 0, 0);
                continue;
            }
        } else if (event == 0) {
            inject = sig;
        }
        if (pt(PTRACE_CONT, pid, 0, inject) != 0 && errno != ESRCH) die("PTRACE_CONT");
    }
    if (child_status == -1) return 126;
    if (WIFEXITED(child_status)) return WEXITSTATUS(child_status);
    return 128 + WTERMSIG(child_status);
}
