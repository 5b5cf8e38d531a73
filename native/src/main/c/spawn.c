/*
 * Starting a traced child.
 *
 * The child is forked from the calling thread, which must be the tracer thread: ptrace requests are
 * only accepted from the thread that attached. The child waits on a pipe until the parent has
 * PTRACE_SEIZEd it (so options such as PTRACE_O_TRACESECCOMP are in force before the seccomp filter
 * can ever return SECCOMP_RET_TRACE), then sets up and execs. Between fork and execve the child
 * calls only async-signal-safe functions: the JVM is multi-threaded and any lock could be held.
 *
 * The parent does not wait for the exec here. The tracer loop sees either PTRACE_EVENT_EXEC (the
 * close-on-exec error pipe is closed by then: read() gives EOF) or the child's exit 127 after a
 * failed execve (the pipe holds the errno). Waiting here instead could deadlock if the filter ever
 * traced execve, since nobody would answer the seccomp stop.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sched.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "detsim.h"

extern char **environ;

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

static void write_errno_and_exit(int fd, int stage, int err) {
    int32_t msg[2] = {stage, err};
    ssize_t ignored = write(fd, msg, sizeof msg);
    (void) ignored;
    _exit(127);
}

/* Marks every descriptor >= 3 close-on-exec except those the user handed to detsim (keep). */
static int cloexec_all_but(const int *keep, int nkeep) {
    if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) != 0) {
        struct rlimit rl;
        long max = 65536;
        if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && (long) rl.rlim_cur < max)
            max = (long) rl.rlim_cur;
        for (long fd = 3; fd < max; fd++) fcntl((int) fd, F_SETFD, FD_CLOEXEC);
    }
    for (int i = 0; i < nkeep; i++) {
        if (keep[i] >= 3 && fcntl(keep[i], F_SETFD, 0) != 0 && errno != EBADF) return -1;
    }
    return 0;
}

#if defined(PR_SET_TSC) && defined(__x86_64__)
#define TSC_PROBE_RAN 0
#define TSC_PROBE_FAULTED 1
#define TSC_PROBE_REFUSED 2
#define TSC_PROBE_FAILED 3

static void tsc_probe_fault(int sig) {
    (void) sig;
    _exit(TSC_PROBE_FAULTED);
}

/* The probe process: shares detsim's memory (its parent waits, CLONE_VFORK) but has signal handlers of its own. */
static int tsc_probe(void *unused) {
    (void) unused;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = tsc_probe_fault;
    sigemptyset(&sa.sa_mask);
    sigset_t segv;
    sigemptyset(&segv);
    sigaddset(&segv, SIGSEGV);
    if (sigaction(SIGSEGV, &sa, NULL) != 0 || sigprocmask(SIG_UNBLOCK, &segv, NULL) != 0) _exit(TSC_PROBE_FAILED);
    if (prctl(PR_SET_TSC, PR_TSC_SIGSEGV, 0, 0, 0) != 0) _exit(TSC_PROBE_REFUSED);
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    _exit(TSC_PROBE_RAN);
}
#endif

int detsim_rdtsc_traps(void) {
#if defined(PR_SET_TSC) && defined(__x86_64__)
    static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    static char stack[64 * 1024] __attribute__((aligned(16)));
    pthread_mutex_lock(&lock);
    pid_t pid = clone(tsc_probe, stack + sizeof stack, CLONE_VM | CLONE_VFORK | SIGCHLD, NULL);
    int saved = errno, status = 0, r = -1;
    if (pid > 0) {
        while ((r = (int) waitpid(pid, &status, __WALL)) < 0 && errno == EINTR) {}
        saved = errno;
    }
    pthread_mutex_unlock(&lock);
    if (pid < 0 || r < 0) return -saved;
    if (!WIFEXITED(status)) return -EIO;
    switch (WEXITSTATUS(status)) {
        case TSC_PROBE_FAULTED: return DETSIM_RDTSC_TRAPS;
        case TSC_PROBE_RAN: return DETSIM_RDTSC_RUNS;
        case TSC_PROBE_REFUSED: return DETSIM_RDTSC_REFUSED;
        default: return -EIO;
    }
#else
    return DETSIM_RDTSC_REFUSED;
#endif
}

static void child(const struct detsim_spawn_request *req, int go_fd, int err_fd) {
    char go;
    if (read(go_fd, &go, 1) != 1) _exit(127); /* parent died or failed to attach */

    sigset_t none;
    sigemptyset(&none);
    if (sigprocmask(SIG_SETMASK, &none, NULL) != 0) write_errno_and_exit(err_fd, DETSIM_STAGE_SIGMASK, errno);
    if (cloexec_all_but(req->keep_fds, req->keep_fd_count) != 0)
        write_errno_and_exit(err_fd, DETSIM_STAGE_FDS, errno);
    if ((req->flags & DETSIM_SPAWN_NO_ASLR) && personality(ADDR_NO_RANDOMIZE) == -1)
        write_errno_and_exit(err_fd, DETSIM_STAGE_PERSONALITY, errno);
#ifdef PR_SET_TSC
    /* rdtsc/rdtscp raise SIGSEGV, which the tracer answers from virtual time (kept across fork and exec). The
     * tracer asks for this only where detsim_rdtsc_traps() saw the fault: no test can be made here, since this
     * process is traced already and the tracer would answer the probe's fault like any other rdtsc. */
    if ((req->flags & DETSIM_SPAWN_TRAP_TSC) && prctl(PR_SET_TSC, PR_TSC_SIGSEGV, 0, 0, 0) != 0)
        write_errno_and_exit(err_fd, DETSIM_STAGE_TSC, errno);
#endif
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) write_errno_and_exit(err_fd, DETSIM_STAGE_NO_NEW_PRIVS, errno);
    if (req->filter_len > 0) {
        struct sock_fprog prog = {.len = req->filter_len, .filter = (struct sock_filter *) req->filter};
        if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0)
            write_errno_and_exit(err_fd, DETSIM_STAGE_SECCOMP, errno);
    }
    execve(req->path, req->argv, req->envp != NULL ? req->envp : environ);
    write_errno_and_exit(err_fd, DETSIM_STAGE_EXEC, errno);
}

/*
 * Forking the JVM write-protects every page it has; each page the JVM then writes faults once, and is copied
 * while a forked process still shares it (the namespace's init does, for the whole run). In a run of 8 sqlite3
 * writers that was ~120 ms of the tracer thread's CPU, on the CPU it shares with the program. The children
 * never touch the JVM's heap, code cache or its other threads' stacks, so the big private writable mappings
 * are left out of every fork (MADV_DONTFORK): the writers went from 1.72 to 1.55 s and `detsim run -- true`
 * from 459 to 390 ms (interleaved runs). Kept are the mappings the child uses: the calling thread's stack (its
 * locals and TLS), the main stack, and every mapping the request or the environment points into. The child
 * calls only libc functions bound at load (-z now: the lazy resolver would read the loader's malloc'd data).
 * Best effort: a mapping that cannot be marked is copied as before.
 */
#define FORK_EXCLUDE_MIN_BYTES (1UL << 20)

static int holds(uintptr_t start, uintptr_t end, const uintptr_t *points, int npoints) {
    for (int i = 0; i < npoints; i++)
        if (points[i] >= start && points[i] < end) return 1;
    return 0;
}

/* Whether one of the argv or environment strings lies in [start, end). */
static int strings_in(uintptr_t start, uintptr_t end, const struct detsim_spawn_request *req) {
    char *const *lists[2] = {req->argv, req->envp != NULL ? req->envp : environ};
    for (int l = 0; l < 2; l++) {
        for (char *const *p = lists[l]; p != NULL && *p != NULL; p++)
            if ((uintptr_t) *p >= start && (uintptr_t) *p < end) return 1;
    }
    return 0;
}

static void exclude_from_fork(const struct detsim_spawn_request *req) {
    uintptr_t points[16];
    int n = 0;
    points[n++] = (uintptr_t) &n; /* this thread's stack and TLS */
    points[n++] = (uintptr_t) req;
    points[n++] = (uintptr_t) req->path;
    points[n++] = (uintptr_t) req->argv;
    points[n++] = (uintptr_t) req->envp;
    points[n++] = (uintptr_t) req->filter;
    points[n++] = (uintptr_t) req->keep_fds;
    points[n++] = (uintptr_t) environ;
    int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    char buf[8192];
    size_t have = 0;
    for (;;) {
        ssize_t r = read(fd, buf + have, sizeof buf - 1 - have);
        if (r <= 0 && have == 0) break;
        if (r > 0) have += (size_t) r;
        buf[have] = 0;
        char *line = buf, *nl;
        while ((nl = memchr(line, '\n', have - (size_t) (line - buf))) != NULL) {
            *nl = 0;
            unsigned long start, end;
            char perms[8];
            if (sscanf(line, "%lx-%lx %7s", &start, &end, perms) == 3 && perms[1] == 'w' && perms[3] == 'p') {
                /* An earlier spawn's choice is undone where this request now lives (malloc reuses memory). */
                int leave_out = end - start >= FORK_EXCLUDE_MIN_BYTES && strstr(line, "[stack]") == NULL
                        && !holds(start, end, points, n) && !strings_in(start, end, req);
                madvise((void *) start, end - start, leave_out ? MADV_DONTFORK : MADV_DOFORK);
            }
            line = nl + 1;
        }
        size_t rest = have - (size_t) (line - buf);
        memmove(buf, line, rest);
        have = rest;
        if (r <= 0) break;
    }
    close(fd);
}

static pid_t seize_and_release(pid_t pid, const struct detsim_spawn_request *req, int go_write, int err_read,
                               int *error_fd);

/* Plain case: the program is a child of the tracer thread. */
static pid_t spawn_plain(const struct detsim_spawn_request *req, int *error_fd) {
    int go[2], err[2];
    if (pipe2(go, O_CLOEXEC) != 0) return -errno;
    if (pipe2(err, O_CLOEXEC) != 0) {
        int e = errno;
        close(go[0]);
        close(go[1]);
        return -e;
    }
    exclude_from_fork(req);
    /* A raw fork: glibc's fork() would run its at-fork handlers in the child, which touch every malloc arena,
     * and the arenas may be among the mappings left out. */
    pid_t pid = (pid_t) syscall(SYS_clone, (unsigned long) SIGCHLD, 0L, 0L, 0L, 0L);
    if (pid == 0) {
        close(go[1]);
        close(err[0]);
        child(req, go[0], err[1]);
    }
    int saved = errno;
    close(go[0]);
    close(err[1]);
    if (pid < 0) {
        close(go[1]);
        close(err[0]);
        return -saved;
    }
    return seize_and_release(pid, req, go[1], err[0], error_fd);
}

/* Seizes pid, which waits on go_fd before it sets up and execs, then lets it go. Closes go_write. */
static pid_t seize_and_release(pid_t pid, const struct detsim_spawn_request *req, int go_write, int err_read,
                               int *error_fd) {
    int saved;
    if (ptrace(PTRACE_SEIZE, pid, 0L, (long) req->ptrace_options) != 0) {
        saved = errno;
        close(go_write); /* the child reads EOF and exits */
        close(err_read);
        kill(pid, SIGKILL);
        waitpid(pid, NULL, __WALL); /* ECHILD at once when it is init's child, not ours */
        return -saved;
    }
    char byte = 1;
    if (write(go_write, &byte, 1) != 1) {
        saved = errno;
        close(go_write);
        close(err_read);
        kill(pid, SIGKILL);
        waitpid(pid, NULL, __WALL);
        return -saved;
    }
    close(go_write);
    *error_fd = err_read;
    return pid;
}

static void init_fail(int sync_fd, int stage) {
    int32_t msg[2] = {stage, errno};
    ssize_t ignored = write(sync_fd, msg, sizeof msg);
    (void) ignored;
    _exit(127);
}

/* Whether path is dir or below it. */
static int under(const char *path, const char *dir) {
    size_t n = strlen(dir);
    return strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == 0);
}

/* mkdir -p of path (absolute, writable), on the fresh tmpfs. */
static int make_path(const char *path) {
    char buf[PATH_MAX];
    if (strlen(path) >= sizeof buf) return -1;
    strcpy(buf, path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/') continue;
        *p = 0;
        if (mkdir(buf, 0755) != 0 && errno != EEXIST) return -1;
        *p = '/';
    }
    return mkdir(buf, 0755) != 0 && errno != EEXIST ? -1 : 0;
}

/* Every run starts from the same empty places to scribble in: a fresh tmpfs on /tmp, and on /var/tmp where
 * the host has one, seen only in this mount namespace and gone with it. Mode 1777 like the host's; not noexec,
 * as programs run what they unpack there. detsim's own files live outside both (see StandIns.java). A working
 * directory under one of them stays the host's: it is bound in at the same path (with the directories above it,
 * empty), so relative and absolute paths into it keep working and getcwd says the same. */
static void mount_private_tmp(int sync_fd) {
    static const char *const dirs[] = {"/tmp", "/var/tmp"};
    char cwd[PATH_MAX];
    int have_cwd = getcwd(cwd, sizeof cwd) != NULL;
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        struct stat st;
        if (i > 0 && (stat(dirs[i], &st) != 0 || !S_ISDIR(st.st_mode))) continue;
        int keep = -1;
        if (have_cwd && under(cwd, dirs[i]) && strcmp(cwd, dirs[i]) != 0) {
            keep = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
            if (keep < 0) init_fail(sync_fd, DETSIM_NS_STAGE_MOUNT_TMP);
        }
        if (mount("tmpfs", dirs[i], "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777") != 0)
            init_fail(sync_fd, DETSIM_NS_STAGE_MOUNT_TMP);
        if (keep >= 0) {
            char source[64];
            snprintf(source, sizeof source, "/proc/self/fd/%d", keep);
            if (make_path(cwd) != 0 || mount(source, cwd, NULL, MS_BIND | MS_REC, NULL) != 0 || chdir(cwd) != 0)
                init_fail(sync_fd, DETSIM_NS_STAGE_MOUNT_TMP);
            close(keep);
        }
    }
}

/* pid 1 of the new namespace: sets it up, forks the program (pid 2), then reaps until nothing is left. */
static void init_process(const struct detsim_spawn_request *req, int go[2], int err[2], int sync[2]) {
    close(go[1]);
    close(err[0]);
    close(sync[0]);
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0) init_fail(sync[1], DETSIM_NS_STAGE_PDEATHSIG);
    /* Our /proc must not show up in the host's mount table, nor the host's later mounts change ours. */
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) init_fail(sync[1], DETSIM_NS_STAGE_MOUNT_PRIVATE);
    if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) != 0)
        init_fail(sync[1], DETSIM_NS_STAGE_MOUNT_PROC);
    if (req->flags & DETSIM_SPAWN_PRIVATE_TMP) mount_private_tmp(sync[1]);
    long program = syscall(SYS_clone, (unsigned long) SIGCHLD, 0L, 0L, 0L, 0L);
    if (program < 0) init_fail(sync[1], DETSIM_NS_STAGE_FORK);
    if (program == 0) {
        close(sync[1]);
        child(req, go[0], err[1]);
    }
    int32_t ok[2] = {0, (int32_t) program};
    ssize_t ignored = write(sync[1], ok, sizeof ok);
    (void) ignored;
    /* Nothing that reaches init may end it early (a terminal's SIGINT reaches our whole process group):
     * it must outlive every process of the namespace, or the kernel would kill them with it. */
    sigset_t all;
    sigfillset(&all);
    sigprocmask(SIG_SETMASK, &all, NULL);
    /* Keeps no pipe of detsim's (or the user's) open; only the descriptor detsim asked init to hold. */
    int keep = req->init_keep_fd;
    if (keep >= 0) {
        if (keep > 0) syscall(SYS_close_range, 0U, (unsigned int) keep - 1, 0U);
        syscall(SYS_close_range, (unsigned int) keep + 1, ~0U, 0U);
    } else {
        syscall(SYS_close_range, 0U, ~0U, 0U);
    }
    for (;;) {
        if (waitpid(-1, NULL, __WALL) < 0 && errno == ECHILD) _exit(0);
    }
}

/* The first pid listed in /proc/INIT/task/INIT/children, or -1. Runs in the parent (the JVM). */
static pid_t first_child_of(pid_t init) {
    char path[64], buf[64];
    snprintf(path, sizeof path, "/proc/%d/task/%d/children", (int) init, (int) init);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return -1;
    buf[n] = 0;
    long pid = strtol(buf, NULL, 10);
    return pid > 0 ? (pid_t) pid : -1;
}

static void close_pair(int p[2]) {
    close(p[0]);
    close(p[1]);
}

/* Namespace case; returns 0 (and fills out->namespace_*) when the namespace could not be made. */
static pid_t spawn_in_namespace(const struct detsim_spawn_request *req, struct detsim_spawned *out) {
    int go[2], err[2], sync[2];
    if (pipe2(go, O_CLOEXEC) != 0) goto no_pipes;
    if (pipe2(err, O_CLOEXEC) != 0) {
        close_pair(go);
        goto no_pipes;
    }
    if (pipe2(sync, O_CLOEXEC) != 0) {
        close_pair(go);
        close_pair(err);
        goto no_pipes;
    }
    exclude_from_fork(req);
    long init = syscall(SYS_clone, (unsigned long) (CLONE_NEWPID | CLONE_NEWNS | SIGCHLD), 0L, 0L, 0L, 0L);
    if (init == 0) init_process(req, go, err, sync);
    int saved = errno;
    close(go[0]);
    close(err[1]);
    close(sync[1]);
    if (init < 0) {
        close(go[1]);
        close(err[0]);
        close(sync[0]);
        out->namespace_stage = DETSIM_NS_STAGE_CLONE;
        out->namespace_errno = saved;
        return 0;
    }
    int32_t msg[2] = {0, 0};
    ssize_t n;
    do n = read(sync[0], msg, sizeof msg);
    while (n < 0 && errno == EINTR);
    close(sync[0]);
    pid_t program = -1;
    if (n == (ssize_t) sizeof msg && msg[0] == 0) {
        program = first_child_of((pid_t) init);
        if (program < 0) {
            msg[0] = DETSIM_NS_STAGE_FIND_CHILD;
            msg[1] = ESRCH;
        }
    } else if (n != (ssize_t) sizeof msg) {
        msg[0] = DETSIM_NS_STAGE_FORK;
        msg[1] = EPIPE;
    }
    if (program < 0) {
        close(go[1]); /* a program already forked reads EOF and exits; init then finds the namespace empty */
        close(err[0]);
        kill((pid_t) init, SIGKILL);
        waitpid((pid_t) init, NULL, __WALL);
        out->namespace_stage = msg[0];
        out->namespace_errno = msg[1];
        return 0;
    }
    pid_t pid = seize_and_release(program, req, go[1], err[0], &out->error_fd);
    if (pid < 0) {
        kill((pid_t) init, SIGKILL);
        waitpid((pid_t) init, NULL, __WALL);
        return pid;
    }
    out->init_pid = (pid_t) init;
    return pid;

no_pipes:
    out->namespace_stage = DETSIM_NS_STAGE_PIPE;
    out->namespace_errno = errno;
    return 0;
}

/* Two tracers spawning at once would each leave the other's request out of its fork (exclude_from_fork). */
static pthread_mutex_t spawning = PTHREAD_MUTEX_INITIALIZER;

pid_t detsim_spawn(const struct detsim_spawn_request *req, struct detsim_spawned *out) {
    out->error_fd = -1;
    out->init_pid = 0;
    out->namespace_stage = 0;
    out->namespace_errno = 0;
    pthread_mutex_lock(&spawning);
    pid_t pid = 0;
    if (req->flags & DETSIM_SPAWN_PID_NAMESPACE) pid = spawn_in_namespace(req, out);
    if (pid == 0) pid = spawn_plain(req, &out->error_fd);
    pthread_mutex_unlock(&spawning);
    return pid;
}
