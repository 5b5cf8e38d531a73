/*
 * fork_exec_chain: exercises fork + execve of /proc/self/exe + waitpid,
 * recursively.
 *
 *   fork_exec_chain [DEPTH=3]
 *
 * DEPTH > 0: fork; the child execs /proc/self/exe with DEPTH-1; the parent
 * waits, prints "depth D: child exited with S" and exits (S + 1) % 256.
 * DEPTH 0: prints "leaf" and exits 0.  Each line is printed after the
 * deeper process has exited, so the output order is fixed:
 *   leaf / depth 1: child exited with 0 / depth 2: ... with 1 / ...
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static void fail(const char *what)
{
    fprintf(stderr, "fork_exec_chain: %s: %s\n", what, strerror(errno));
    exit(99);
}

int main(int argc, char **argv)
{
    long depth = 3;
    if (argc > 2) {
        fprintf(stderr, "usage: fork_exec_chain [DEPTH]\n");
        return 99;
    }
    if (argc == 2) {
        char *end;
        errno = 0;
        depth = strtol(argv[1], &end, 10);
        if (errno != 0 || *end != '\0' || end == argv[1] || depth < 0 || depth > 1000) {
            fprintf(stderr, "fork_exec_chain: bad DEPTH '%s'\n", argv[1]);
            return 99;
        }
    }

    if (depth == 0) {
        printf("leaf\n");
        return 0;
    }

    pid_t pid = fork();
    if (pid < 0)
        fail("fork");
    if (pid == 0) {
        char arg[32];
        snprintf(arg, sizeof arg, "%ld", depth - 1);
        char *child_argv[] = { argv[0], arg, NULL };
        execv("/proc/self/exe", child_argv);
        fprintf(stderr, "fork_exec_chain: execv(/proc/self/exe): %s\n", strerror(errno));
        _exit(99);
    }

    int status;
    pid_t r;
    do {
        r = waitpid(pid, &status, 0);
    } while (r < 0 && errno == EINTR);
    if (r < 0)
        fail("waitpid");
    if (!WIFEXITED(status)) {
        fprintf(stderr, "fork_exec_chain: depth %ld: child did not exit normally (status 0x%x)\n",
                depth, status);
        return 99;
    }
    int s = WEXITSTATUS(status);
    printf("depth %ld: child exited with %d\n", depth, s);
    return (s + 1) % 256;
}
