// ctracer [--no-pin] [--cpu N] [--regs] NAME -- CMD [ARGS...]
//
// Minimal ptrace + seccomp-bpf tracer: the lower bound for what detsim pays per
// intercepted system call.  It has the same shape as detsim's tracer:
//   * the child waits on a pipe until the parent has PTRACE_SEIZEd it (SEIZE,
//     not TRACEME, so the tracee gets no SIGSTOP/SIGTRAP and group-stops are
//     reported as PTRACE_EVENT_STOP, as in detsim);
//   * the child then sets NO_NEW_PRIVS, installs a filter that returns
//     SECCOMP_RET_TRACE only for NAME, and execs CMD;
//   * the parent handles each seccomp stop (optionally PTRACE_GETREGS, because
//     detsim always reads the registers at a stop) and resumes with
//     PTRACE_CONT, re-injecting signals; exit status mirrors CMD.
// Tracer and tracee are pinned to one CPU by default (the tracer pins itself
// before fork and the child inherits the mask): a stop then costs two context
// switches on one CPU instead of cross-CPU wake-ups.  --cpu N picks the CPU
// (default: the CPU we are running on); --no-pin leaves affinity alone.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include "traced_child.h"


static void usage(void) {
    fprintf(stderr, "usage: ctracer [--no-pin] [--cpu N] [--regs] "
                    "{getppid|getuid|getpid|gettid} -- CMD [ARGS...]\n");
    exit(2);
}

int main(int argc, char **argv) {
    int pin = 1, regs = 0, cpu = -1, i = 1;
    for (; i < argc && strncmp(argv[i], "--", 2) == 0 && argv[i][2]; i++) {
        if (strcmp(argv[i], "--no-pin") == 0) pin = 0;
        else if (strcmp(argv[i], "--regs") == 0) regs = 1;
        else if (strcmp(argv[i], "--cpu") == 0 && i + 1 < argc) cpu = atoi(argv[++i]);
        else usage();
    }
    if (i + 2 >= argc || strcmp(argv[i + 1], "--") != 0) usage();
    const char *name = argv[i];
    char **cmd = &argv[i + 2];
    int nr = !strcmp(name, "getppid") ? SYS_getppid : !strcmp(name, "getuid") ? SYS_getuid
           : !strcmp(name, "getpid") ? SYS_getpid : !strcmp(name, "gettid") ? SYS_gettid : -1;
    if (nr < 0) usage();

    if (pin) pin_to_cpu(cpu);
    struct sock_filter filter[] = {
        // Syscall numbers are per-ABI: check the arch before the number.
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)nr, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog prog = {sizeof filter / sizeof filter[0], filter};
    // TRACESECCOMP is what we measure; EXITKILL kills the tracees if we die;
    // the fork/clone/exec options make every descendant a tracee (as in
    // detsim) and TRACESYSGOOD tags syscall stops should any ever occur.
    long opts = PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL | PTRACE_O_TRACECLONE |
                PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACEEXEC |
                PTRACE_O_TRACESYSGOOD;
    pid_t child = spawn_seized(cmd, &prog, opts, "ctracer");

    int child_status = -1;
    for (;;) {
        int st;
        pid_t pid = waitpid(-1, &st, __WALL);
        if (pid < 0) {
            if (errno == EINTR) continue;
            if (errno == ECHILD) break;  // no children and no tracees left
            die("waitpid");
        }
        if (WIFEXITED(st) || WIFSIGNALED(st)) {
            if (pid == child) child_status = st;
            continue;  // keep going until every tracee is gone, like detsim
        }
        if (!WIFSTOPPED(st)) continue;
        int sig = WSTOPSIG(st), event = (unsigned)st >> 16, inject = 0;
        if (event == PTRACE_EVENT_SECCOMP) {
            if (regs) {
                struct user_regs_struct r;
                if (ptrace(PTRACE_GETREGS, pid, 0, &r) != 0 && errno != ESRCH)
                    die("PTRACE_GETREGS");
            }
        } else if (event == PTRACE_EVENT_STOP) {
            // Under SEIZE a group-stop shows up as EVENT_STOP with a stop
            // signal; LISTEN keeps it stopped but lets SIGCONT wake it.  Any
            // other EVENT_STOP is the initial stop of an auto-attached child.
            if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU) {
                ptrace(PTRACE_LISTEN, pid, 0, 0);
                continue;
            }
        } else if (event == 0 && sig != (SIGTRAP | 0x80)) {
            inject = sig;  // signal-delivery-stop: deliver the signal
        }
        // fork/vfork/clone/exec event stops need nothing but a resume.
        // ESRCH just means the tracee was killed meanwhile.
        if (ptrace(PTRACE_CONT, pid, 0, inject) != 0 && errno != ESRCH) die("PTRACE_CONT");
    }
    if (child_status == -1) return 126;
    if (WIFEXITED(child_status)) return WEXITSTATUS(child_status);
    return 128 + WTERMSIG(child_status);
}
