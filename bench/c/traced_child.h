// Shared by the minimal tracers (ctracer.c, gohandoff.c, gohandoff_notif.c): pinning to one CPU and starting CMD as a tracee,
// the way detsim does. The child waits on a pipe until the parent has PTRACE_SEIZEd it (SEIZE, not TRACEME:
// no SIGSTOP/SIGTRAP, and group-stops show up as PTRACE_EVENT_STOP, as in detsim), then sets NO_NEW_PRIVS
// (detsim sets it unconditionally), installs the filter and execs CMD.
#ifndef TRACED_CHILD_H
#define TRACED_CHILD_H

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/futex.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static inline void die(const char *what) { perror(what); exit(126); }

// Pins the calling process to cpu (-1: the CPU it runs on); children inherit the mask.
static inline void pin_to_cpu(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu >= 0 ? cpu : sched_getcpu(), &set);
    if (sched_setaffinity(0, sizeof set, &set) != 0) die("sched_setaffinity");
}

// Starts cmd as a tracee seized with the PTRACE_O_* options opts, under filter; returns its pid.
static inline pid_t spawn_seized(char **cmd, const struct sock_fprog *filter, long opts, const char *who) {
    int sync[2];
    if (pipe2(sync, O_CLOEXEC) != 0) die("pipe2");
    pid_t child = fork();
    if (child < 0) die("fork");
    if (child == 0) {
        char c;
        close(sync[1]);
        // Nothing we do after this may escape tracing (in particular the seccomp filter and the exec).
        if (read(sync[0], &c, 1) != 1) _exit(126);
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) die("PR_SET_NO_NEW_PRIVS");
        if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, filter) != 0) die("seccomp");
        execvp(cmd[0], cmd);
        fprintf(stderr, "%s: exec %s: %s\n", who, cmd[0], strerror(errno));
        _exit(127);
    }
    close(sync[0]);
    if (syscall(SYS_ptrace, 0x4206 /* PTRACE_SEIZE */, child, 0L, opts) != 0) die("PTRACE_SEIZE");
    if (write(sync[1], "g", 1) != 1) die("write");
    close(sync[1]);
    return child;
}

// The filter both hand-off floors install: futex waits (FUTEX_WAIT and FUTEX_WAIT_BITSET, any flags) return
// action (SECCOMP_RET_TRACE or SECCOMP_RET_USER_NOTIF), everything else runs, futex wakes included.
static inline struct sock_fprog futex_waits_filter(unsigned action) {
    static struct sock_filter f[12];
    struct sock_filter program[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_futex, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[1])),
        BPF_STMT(BPF_ALU | BPF_AND | BPF_K, ~(unsigned) (FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, FUTEX_WAIT, 1, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, FUTEX_WAIT_BITSET, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, action),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    memcpy(f, program, sizeof f);
    return (struct sock_fprog) {sizeof f / sizeof f[0], f};
}

#endif
