/* The C part of detsim: what Java cannot do safely between fork and execve. */
#ifndef DETSIM_H
#define DETSIM_H

#include <linux/filter.h>
#include <stdint.h>
#include <sys/types.h>

/* What the child was doing when it failed; written to the error pipe with the errno. */
enum {
    DETSIM_STAGE_SIGMASK = 1,
    DETSIM_STAGE_FDS = 2,
    DETSIM_STAGE_NO_NEW_PRIVS = 3,
    DETSIM_STAGE_SECCOMP = 4,
    DETSIM_STAGE_EXEC = 5,
    DETSIM_STAGE_PERSONALITY = 6,
    DETSIM_STAGE_TSC = 7,
};

/* Where setting up the pid namespace failed (struct detsim_spawned.namespace_stage); detsim then runs the
 * program without one, with host pids. */
enum {
    DETSIM_NS_STAGE_CLONE = 1,      /* clone(CLONE_NEWPID | CLONE_NEWNS): not root, or namespaces disabled */
    DETSIM_NS_STAGE_PDEATHSIG = 2,
    DETSIM_NS_STAGE_MOUNT_PRIVATE = 3, /* making / private in the new mount namespace */
    DETSIM_NS_STAGE_MOUNT_PROC = 4,    /* mounting the namespace's own /proc */
    DETSIM_NS_STAGE_FORK = 5,
    DETSIM_NS_STAGE_FIND_CHILD = 6,    /* reading the program's host pid from /proc/INIT/task/INIT/children */
    DETSIM_NS_STAGE_PIPE = 7,
    DETSIM_NS_STAGE_MOUNT_TMP = 8,     /* mounting the private /tmp (DETSIM_SPAWN_PRIVATE_TMP) */
};

struct detsim_spawn_request {
    const char *path;                 /* executable, already resolved against PATH */
    char *const *argv;
    char *const *envp;                /* NULL: the process environment, untouched */
    const struct sock_filter *filter; /* seccomp-bpf program; filter_len 0 installs none */
    unsigned int filter_len;
    unsigned int ptrace_options;      /* PTRACE_O_* for PTRACE_SEIZE */
    const int *keep_fds;              /* descriptors >= 3 to pass to the child open */
    int keep_fd_count;
    unsigned int flags;               /* DETSIM_SPAWN_* */
    int init_keep_fd;                 /* with DETSIM_SPAWN_PID_NAMESPACE: a descriptor of detsim's that init keeps
                                         open (the clock page, which programs open as /proc/1/fd/N); -1: none */
};

/* Spawn flags. */
#define DETSIM_SPAWN_NO_ASLR 1u       /* personality(ADDR_NO_RANDOMIZE): addresses the same every run */
#define DETSIM_SPAWN_TRAP_TSC 2u      /* prctl(PR_SET_TSC, PR_TSC_SIGSEGV): rdtsc traps (x86 only) */
#define DETSIM_SPAWN_PID_NAMESPACE 4u /* the program is pid 2 of a new pid (and mount) namespace; see spawn.c */
#define DETSIM_SPAWN_PRIVATE_TMP 8u   /* with DETSIM_SPAWN_PID_NAMESPACE: empty tmpfs on /tmp and /var/tmp in it */

/* What detsim_spawn tells besides the pid. */
struct detsim_spawned {
    int error_fd;        /* read end of the close-on-exec error pipe: EOF after a successful exec, else
                            {stage, errno} as int32 */
    pid_t init_pid;      /* host pid of the namespace's init (pid 1), 0 when there is no namespace */
    int namespace_stage; /* DETSIM_NS_STAGE_* when a namespace was asked for but could not be made, else 0 */
    int namespace_errno; /* the errno of that failure */
};

/* Returns the child's host pid (seized, running towards execve) or -errno. */
pid_t detsim_spawn(const struct detsim_spawn_request *req, struct detsim_spawned *out);

/* Forwards SIGINT, SIGTERM, SIGHUP and SIGQUIT sent to detsim by another process to target.
 * Signals from the terminal (si_code SI_KERNEL) are not forwarded: the child, in the same
 * foreground process group, gets its own copy. Signals already ignored are left ignored.
 * After each such signal, forwarded or not, the handler adds 1 to detsim_signals_seen, so the tracer notices
 * (with a plain load between turns) that a thread it holds stopped may now have a signal pending. */
int detsim_forward_signals(pid_t target);
extern volatile uint32_t detsim_signals_seen;

/* System call number with six arguments; the kernel's result (-errno on failure). Every syscall detsim's Java
 * makes goes through here. */
long detsim_syscall(long number, long a1, long a2, long a3, long a4, long a5, long a6);

/* Whether rdtsc faults under PR_SET_TSC on this host, tried in an untraced process of detsim's: some hosts
 * accept the flag and never fault (a PVM guest), and there it only costs, since the kernel rewrites CR4.TSD at
 * every context switch into and out of the program (~7 us per ptrace stop on such a VM). One of the values
 * below, or -errno when the probe could not be made. */
#define DETSIM_RDTSC_TRAPS 1
#define DETSIM_RDTSC_RUNS 2    /* PR_SET_TSC accepted, rdtsc ran */
#define DETSIM_RDTSC_REFUSED 3 /* PR_SET_TSC refused, or not x86 */
int detsim_rdtsc_traps(void);

/* detsim's own functions above, numbered, for Java: detsim_call(DETSIM_CALL_SPAWN, req, out, 0, 0, 0, 0).
 * It has detsim_syscall's shape (seven longs in, a long out), so the JVM links one downcall for both instead of
 * one per function, each of which costs it milliseconds at every start. Unknown numbers return -ENOSYS. */
enum {
    DETSIM_CALL_SPAWN = 1,           /* (req, out): detsim_spawn */
    DETSIM_CALL_FORWARD_SIGNALS = 2, /* (target): detsim_forward_signals */
    DETSIM_CALL_RDTSC_TRAPS = 3,     /* (): detsim_rdtsc_traps */
};
long detsim_call(long function, long a1, long a2, long a3, long a4, long a5, long a6);

/* Sizes and offsets of the C structures detsim reads, so Java layouts can be checked against C.
 * Returns -1 for an unknown name. */
long detsim_layout(const char *name);

#endif
