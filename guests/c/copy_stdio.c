/*
 * copy_stdio: exercises read(2)/write(2) on stdin/stdout.
 *
 * Copies stdin to stdout using 64 KiB read()s, handling short writes and
 * EINTR, then prints "copied N bytes, fnv1a=HEX" (64-bit FNV-1a of the data)
 * to stderr.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BUF_SIZE (64 * 1024)

static unsigned char buf[BUF_SIZE];

static void fail(const char *what)
{
    fprintf(stderr, "copy_stdio: %s: %s\n", what, strerror(errno));
    exit(99);
}

int main(void)
{
    uint64_t total = 0;
    uint64_t hash = 0xcbf29ce484222325ULL;  /* FNV-1a 64-bit offset basis */

    for (;;) {
        ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            fail("read(stdin)");
        }
        if (n == 0)
            break;

        for (ssize_t i = 0; i < n; i++) {
            hash ^= buf[i];
            hash *= 0x100000001b3ULL;       /* FNV-1a 64-bit prime */
        }

        ssize_t done = 0;
        while (done < n) {
            ssize_t w = write(STDOUT_FILENO, buf + done, (size_t)(n - done));
            if (w < 0) {
                if (errno == EINTR)
                    continue;
                fail("write(stdout)");
            }
            done += w;
        }
        total += (uint64_t)n;
    }

    fprintf(stderr, "copied %" PRIu64 " bytes, fnv1a=%016" PRIx64 "\n", total, hash);
    return 0;
}
