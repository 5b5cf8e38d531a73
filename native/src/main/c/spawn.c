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
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
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
    /* rdtsc/rdtscp raise SIGSEGV, which the tracer answers from virtual time (kept across fork and exec). */
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

pid_t detsim_spawn(const struct detsim_spawn_request *req, int *error_fd) {
    int go[2], err[2];
    if (pipe2(go, O_CLOEXEC) != 0) return -errno;
    if (pipe2(err, O_CLOEXEC) != 0) {
        int e = errno;
        close(go[0]);
        close(go[1]);
        return -e;
    }
    pid_t pid = fork();
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
    if (ptrace(PTRACE_SEIZE, pid, 0L, (long) req->ptrace_options) != 0) {
        saved = errno;
        close(go[1]); /* the child reads EOF and exits */
        close(err[0]);
        kill(pid, SIGKILL);
        waitpid(pid, NULL, __WALL);
        return -saved;
    }
    char byte = 1;
    if (write(go[1], &byte, 1) != 1) {
        saved = errno;
        close(go[1]);
        close(err[0]);
        kill(pid, SIGKILL);
        waitpid(pid, NULL, __WALL);
        return -saved;
    }
    close(go[1]);
    *error_fd = err[0];
    return pid;
}
