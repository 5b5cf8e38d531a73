/*
 * fork_many: exercises many fork()s and waitpid()s.
 *
 *   fork_many [N=200]    forks N children; child i exits with status
 *                        i % 256 without writing anything.  The parent
 *                        waits for each pid in creation order and prints
 *                        "N children, status sum S".
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
    fprintf(stderr, "fork_many: %s: %s\n", what, strerror(errno));
    exit(99);
}

int main(int argc, char **argv)
{
    long n = 200;
    if (argc > 2) {
        fprintf(stderr, "usage: fork_many [N]\n");
        return 99;
    }
    if (argc == 2) {
        char *end;
        errno = 0;
        n = strtol(argv[1], &end, 10);
        if (errno != 0 || *end != '\0' || end == argv[1] || n < 0 || n > 100000) {
            fprintf(stderr, "fork_many: bad N '%s'\n", argv[1]);
            return 99;
        }
    }

    pid_t *pids = calloc((size_t)n + 1, sizeof *pids);
    if (pids == NULL)
        fail("calloc");

    for (long i = 0; i < n; i++) {
        pid_t pid = fork();
        if (pid < 0)
            fail("fork");
        if (pid == 0)
            _exit((int)(i % 256));
        pids[i] = pid;
    }

    long sum = 0;
    for (long i = 0; i < n; i++) {
        int status;
        pid_t r;
        do {
            r = waitpid(pids[i], &status, 0);
        } while (r < 0 && errno == EINTR);
        if (r < 0)
            fail("waitpid");
        if (!WIFEXITED(status)) {
            fprintf(stderr, "fork_many: child %ld did not exit normally (status 0x%x)\n", i, status);
            return 99;
        }
        if (WEXITSTATUS(status) != i % 256) {
            fprintf(stderr, "fork_many: child %ld exited %d, expected %ld\n", i, WEXITSTATUS(status), i % 256);
            return 99;
        }
        sum += WEXITSTATUS(status);
    }

    printf("%ld children, status sum %ld\n", n, sum);
    free(pids);
    return 0;
}
