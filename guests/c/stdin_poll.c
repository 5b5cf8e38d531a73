/*
 * Reads stdin the way an interactive program does: poll with a 100 ms timeout (the timeouts are counted), then
 * read what is there. At EOF it prints how many reads, bytes and timeouts it saw and how the reads split the
 * stream: all of which depend on when each byte arrived, which record keeps and replay must give again.
 */
#include <poll.h>
#include <stdio.h>
#include <unistd.h>

int main(void) {
    long reads = 0, bytes = 0, timeouts = 0;
    char splits[4096];
    int at = 0;
    for (;;) {
        struct pollfd p = {.fd = 0, .events = POLLIN};
        if (poll(&p, 1, 100) == 0) {
            timeouts++;
            continue;
        }
        char buf[256];
        ssize_t n = read(0, buf, sizeof buf);
        if (n <= 0) break;
        reads++;
        bytes += n;
        if (at < (int) sizeof splits - 16) at += snprintf(splits + at, sizeof splits - at, " %zd", n);
    }
    printf("%ld reads, %ld bytes, %ld timeouts; reads of%s\n", reads, bytes, timeouts, splits);
    return 0;
}
