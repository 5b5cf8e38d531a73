// Shared by the minimal tracers (ctracer.c, gohandoff.c): pinning to one CPU and starting CMD as a tracee,
// the way detsim does. The child waits on a pipe until the parent has PTRACE_SEIZEd it (SEIZE, not TRACEME:
// no SIGSTOP/SIGTRAP, and group-stops show up as PTRACE_EVENT_STOP, as in detsim), then sets NO_NEW_PRIVS
// (detsim sets it unconditionally), installs the filter and execs CMD.
#ifndef TRACED_CHILD_H
#define TRACED_CHILD_H

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static void die(const char *what) { perror(what); exit(126); }

// Pins the calling process to cpu (-1: the CPU it runs on); children inherit the mask.
static void pin_to_cpu(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu >= 0 ? cpu : sched_getcpu(), &set);
    if (sched_setaffinity(0, sizeof set, &set) != 0) die("sched_setaffinity");
}

// Starts cmd as a tracee seized with the PTRACE_O_* options opts, under filter; returns its pid.
static pid_t spawn_seized(char **cmd, const struct sock_fprog *filter, long opts, const char *who) {
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

#endif
