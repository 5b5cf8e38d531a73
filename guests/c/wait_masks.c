/*
 * wait_masks: the signal mask a waiting call swaps in. SIGCHLD is blocked, a child exits (its SIGCHLD stays
 * pending), then ppoll, pselect6 and epoll_pwait wait on a pipe nobody writes with a mask that unblocks
 * SIGCHLD: each must end at once with EINTR after running the handler, as GNU make's job loop expects.
 * The pipe's write end stays open in this process, so without the mask each wait would last forever.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t handled;

static void on_child(int sig) {
    (void)sig;
    handled++;
}

static void child_exits(void) {
    pid_t pid = fork();
    if (pid == 0) _exit(0);
    while (waitid(P_PID, pid, NULL, WEXITED | WNOWAIT) != 0 && errno == EINTR) {}
}

static void report(const char *call, int r) {
    printf("%s: %s, handler ran %d time(s)\n", call, r < 0 ? strerror(errno) : "returned", (int)handled);
    handled = 0;
    while (waitpid(-1, NULL, WNOHANG) > 0) {}
}

int main(void) {
    struct sigaction sa = {.sa_handler = on_child};
    sigaction(SIGCHLD, &sa, NULL);
    sigset_t chld, open_mask;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, &open_mask);
    sigdelset(&open_mask, SIGCHLD);
    int p[2];
    if (pipe(p) != 0) return 1;

    child_exits();
    struct pollfd pfd = {.fd = p[0], .events = POLLIN};
    report("ppoll", ppoll(&pfd, 1, NULL, &open_mask));

    child_exits();
    fd_set readable;
    FD_ZERO(&readable);
    FD_SET(p[0], &readable);
    report("pselect", pselect(p[0] + 1, &readable, NULL, NULL, NULL, &open_mask));

    child_exits();
    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = p[0]}, out;
    epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
    report("epoll_pwait", epoll_pwait(ep, &out, 1, -1, &open_mask));

    /* The child exits only after the wait began: the mask must still let its SIGCHLD in. */
    pid_t late = fork();
    if (late == 0) {
        usleep(20000);
        _exit(0);
    }
    report("ppoll before the child exits", ppoll(&pfd, 1, NULL, &open_mask));
    return 0;
}
