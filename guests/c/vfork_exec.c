/*
 * vfork_exec: exercises vfork() + execve() and waiting for the child.
 *
 * The child execs /bin/echo vforked; the parent then waits and prints the
 * child's status.  Expected stdout: "vforked" then "child exited with 0".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static char *child_argv[] = { "echo", "vforked", NULL };

int main(void)
{
    pid_t pid = vfork();
    if (pid < 0) {
        fprintf(stderr, "vfork_exec: vfork: %s\n", strerror(errno));
        return 99;
    }
    if (pid == 0) {
        execve("/bin/echo", child_argv, environ);
        _exit(127);     /* only async-signal-safe calls in a vfork child */
    }

    int status;
    pid_t r;
    do {
        r = waitpid(pid, &status, 0);
    } while (r < 0 && errno == EINTR);
    if (r < 0) {
        fprintf(stderr, "vfork_exec: waitpid: %s\n", strerror(errno));
        return 99;
    }
    if (WIFEXITED(status))
        printf("child exited with %d\n", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        printf("child killed by signal %d\n", WTERMSIG(status));
    else
        printf("child status 0x%x\n", status);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "vfork_exec: child failed (status 0x%x)\n", status);
        return 99;
    }
    return 0;
}
