// gohandoff_notif [--cpu N] -- CMD [ARGS...]
//
// bench/c/gohandoff.c with seccomp user notifications instead of ptrace stops: the question was whether a
// supervisor built on SECCOMP_RET_USER_NOTIF could hand a Go program's futex waits between threads for less
// than ptrace does (a notification round trip measured 0.82x of a ptrace stop in bench/c/handoff.c). Not run
// by bench/run; build with `cc -O2 -o bench/target/gohandoff_notif bench/c/gohandoff_notif.c`.
//
// Measured 2026-12-05 on the reference VM, `sched pingpong-cross 3000`, p50 of 3 interleaved runs each:
// native 7.7-8.0 us, gohandoff 30.9-31.2 us, this 33.0-35.1 us. Same context switches per round trip
// (perf stat: 132,380 against 131,927), 10% fewer syscalls (3 a stop: RECV, process_vm_readv, SEND with
// SECCOMP_USER_NOTIF_FLAG_CONTINUE), yet slower: on this kernel and VM the notification path costs more
// than a ptrace stop inside a real program's hand-off. So it is no way past the JVM floor (docs/PERFORMANCE.md).
//
// How: the child installs the filter with SECCOMP_FILTER_FLAG_NEW_LISTENER and the parent takes the listener
// with pidfd_getfd before the child execs. Futex waits notify; everything else, wakes included, runs. At a
// wait's notification: one process_vm_readv of the waiter's word and the parked waiters' words; a changed
// waiter is let into the kernel (CONTINUE: its wait returns EAGAIN), an unchanged one is parked. Without
// ptrace there are no clone events, so "everyone is parked" is guessed: a 10 ms timer re-reads the parked
// words and, after two quiet ticks, lets every parked wait into the kernel.
#define _GNU_SOURCE
#include <errno.h>
#include <linux/filter.h>
#include <linux/futex.h>
#include <linux/seccomp.h>
#include <linux/audit.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "traced_child.h"

#define MAXP 1024
static struct { pid_t tid; uint64_t id, uaddr; int32_t value; } parked[MAXP];
static int nparked, fd;
static volatile sig_atomic_t tick;
static void on_alarm(int s) { (void) s; tick = 1; }

static int readw(pid_t via, uint64_t own, int32_t *w) {
    static struct iovec l[MAXP + 1], r[MAXP + 1];
    int n = 0;
    if (own) { l[n] = (struct iovec) {&w[n], 4}; r[n++] = (struct iovec) {(void *) own, 4}; }
    for (int i = 0; i < nparked; i++) { l[n] = (struct iovec) {&w[n], 4}; r[n++] = (struct iovec) {(void *) parked[i].uaddr, 4}; }
    if (!n) return 0;
    return process_vm_readv(via, l, n, r, n, 0) == (ssize_t) n * 4 ? 0 : -1;
}
static void cont(uint64_t id) {
    struct seccomp_notif_resp resp = {.id = id, .flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE};
    ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, &resp); // ENOENT: interrupted by a signal meanwhile
}
static void drop(int i) { memmove(&parked[i], &parked[i + 1], (size_t) (nparked - i - 1) * sizeof parked[0]); nparked--; }
static int wake_one(const int32_t *w, int off) {
    for (int i = 0; i < nparked; i++) {
        if (w[off + i] == parked[i].value) continue;
        uint64_t id = parked[i].id; drop(i); cont(id); return 1;
    }
    return 0;
}

int main(int argc, char **argv) {
    int cpu = -1, i = 1;
    for (; i < argc && strcmp(argv[i], "--"); i++) {
        if (!strcmp(argv[i], "--cpu") && i + 1 < argc) cpu = atoi(argv[++i]);
        else break;
    }
    if (i >= argc || strcmp(argv[i], "--") || i + 1 >= argc) {
        fprintf(stderr, "usage: gohandoff_notif [--cpu N] -- CMD [ARGS...]\n");
        return 2;
    }
    char **cmd = &argv[i + 1];
    pin_to_cpu(cpu);
    struct sock_fprog prog = futex_waits_filter(SECCOMP_RET_USER_NOTIF);
    int sync[2], back[2];
    if (pipe(sync) || pipe(back)) die("pipe");
    pid_t child = fork();
    if (child == 0) {
        char c;
        prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
        int l = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
        if (l < 0) die("seccomp");
        if (write(back[1], &l, sizeof l) != sizeof l) _exit(126);
        if (read(sync[0], &c, 1) != 1) _exit(126); // the parent has taken the listener
        close(l);
        execvp(cmd[0], cmd);
        _exit(127);
    }
    int l;
    if (read(back[0], &l, sizeof l) != sizeof l) die("read");
    int pidfd = syscall(SYS_pidfd_open, child, 0);
    fd = syscall(SYS_pidfd_getfd, pidfd, l, 0);
    if (fd < 0) die("pidfd_getfd");
    if (write(sync[1], "g", 1) != 1) die("write");
    struct sigaction sa = {.sa_handler = on_alarm};
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval every = {{0, 10000}, {0, 10000}};
    setitimer(ITIMER_REAL, &every, NULL);
    static struct seccomp_notif req;
    static int32_t w[MAXP + 1];
    int quiet = 0;
    for (;;) {
        memset(&req, 0, sizeof req);
        if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, &req) != 0) {
            if (errno == EINTR) {
                if (tick) { // 10 ms: re-read; after 2 quiet ticks with nothing changed, let everyone into the kernel
                    tick = 0;
                    int any = 0;
                    while (nparked && readw(parked[0].tid, 0, w) == 0 && wake_one(w, 0)) any = 1;
                    if (!any && ++quiet >= 2) { while (nparked) { uint64_t id = parked[0].id; drop(0); cont(id); } quiet = 0; }
                    int st; if (waitpid(child, &st, WNOHANG) == child) return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
                }
                continue;
            }
            if (errno == ENOENT) { // the caller was interrupted before we got it, or nobody is left
                int st; if (waitpid(child, &st, WNOHANG) == child) return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
                continue;
            }
            break; // no more users of the filter
        }
        quiet = 0;
        uint64_t uaddr = req.data.args[0];
        int32_t value = (int32_t) req.data.args[2];
        if (readw(req.pid, uaddr, w) != 0 || w[0] != value || nparked == MAXP) { cont(req.id); continue; }
        wake_one(w, 1);
        parked[nparked].tid = req.pid; parked[nparked].id = req.id; parked[nparked].uaddr = uaddr; parked[nparked].value = value;
        nparked++;
    }
    int st;
    waitpid(child, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
