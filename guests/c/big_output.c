/*
 * big_output: exercises large volumes of write(2) to stdout.
 *
 *   big_output [MB=1]
 *
 * Writes MB MiB of a deterministic pseudo-random byte stream (xorshift64
 * with a fixed seed, bytes little-endian) to stdout in 100 KiB write()s,
 * handling short writes and EINTR.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHUNK (100 * 1024)

static unsigned char buf[CHUNK];

static void fail(const char *what)
{
    fprintf(stderr, "big_output: %s: %s\n", what, strerror(errno));
    exit(99);
}

int main(int argc, char **argv)
{
    long mb = 1;
    if (argc > 2) {
        fprintf(stderr, "usage: big_output [MB]\n");
        return 99;
    }
    if (argc == 2) {
        char *end;
        errno = 0;
        mb = strtol(argv[1], &end, 10);
        if (errno != 0 || *end != '\0' || end == argv[1] || mb < 0 || mb > 1024 * 1024) {
            fprintf(stderr, "big_output: bad MB '%s'\n", argv[1]);
            return 99;
        }
    }

    uint64_t state = 0x9e3779b97f4a7c15ULL;
    uint64_t remaining = (uint64_t)mb * 1024 * 1024;
    while (remaining > 0) {
        size_t len = remaining < CHUNK ? (size_t)remaining : CHUNK;
        for (size_t i = 0; i < len; i += 8) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            for (size_t b = 0; b < 8 && i + b < len; b++)
                buf[i + b] = (unsigned char)(state >> (8 * b));
        }
        size_t done = 0;
        while (done < len) {
            ssize_t w = write(STDOUT_FILENO, buf + done, len - done);
            if (w < 0) {
                if (errno == EINTR)
                    continue;
                fail("write(stdout)");
            }
            done += (size_t)w;
        }
        remaining -= len;
    }
    return 0;
}
