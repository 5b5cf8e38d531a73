/*
 * exit_code: exercises plain process exit with a chosen status.
 *
 *   exit_code [N=0]      exits with status N (0..255), printing nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    long n = 0;

    if (argc > 2) {
        fprintf(stderr, "usage: exit_code [N]\n");
        return 99;
    }
    if (argc == 2) {
        char *end;
        errno = 0;
        n = strtol(argv[1], &end, 10);
        if (errno != 0 || *end != '\0' || end == argv[1] || n < 0 || n > 255) {
            fprintf(stderr, "exit_code: N must be an integer in 0..255, got '%s'\n", argv[1]);
            return 99;
        }
    }
    exit((int)n);
}
