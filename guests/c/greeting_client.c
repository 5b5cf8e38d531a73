/*
 * A small client for detsim's outside-server tests: connects to the TCP server at HOST PORT (argv[1], argv[2];
 * IPv4 or IPv6) or, with "unix PATH", to the unix stream socket at PATH; reads the server's greeting line, answers "hello N" (N: the greeting's length), then reads until the
 * server closes, polling with 100 ms timeouts (counted). It prints the greeting, what followed, the split of
 * its reads and the timeouts: all of it depends on what the outside server sent and when, which a recording
 * must fix so that replay needs no server.
 */
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: greeting_client HOST PORT | greeting_client unix PATH\n");
        return 2;
    }
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICHOST}, *ai;
    struct sockaddr_un un = {.sun_family = AF_UNIX};
    struct addrinfo unix_ai = {.ai_family = AF_UNIX, .ai_addr = (struct sockaddr *) &un, .ai_addrlen = sizeof un};
    if (strcmp(argv[1], "unix") == 0) {
        snprintf(un.sun_path, sizeof un.sun_path, "%s", argv[2]);
        ai = &unix_ai;
    } else if (getaddrinfo(argv[1], argv[2], &hints, &ai) != 0) {
        fprintf(stderr, "greeting_client: bad address %s %s\n", argv[1], argv[2]);
        return 2;
    }
    int s = socket(ai->ai_family, SOCK_STREAM, 0);
    if (connect(s, ai->ai_addr, ai->ai_addrlen) != 0) {
        perror("connect");
        return 1;
    }
    char greeting[256];
    size_t g = 0;
    int reads = 0;
    while (g < sizeof greeting - 1 && (g == 0 || greeting[g - 1] != '\n')) {
        ssize_t n = read(s, greeting + g, 1); /* a byte at a time: the greeting's line, no more */
        if (n <= 0) {
            fprintf(stderr, "greeting_client: no greeting\n");
            return 1;
        }
        g += n;
        reads++;
    }
    greeting[g] = 0;
    char answer[64];
    int a = snprintf(answer, sizeof answer, "hello %zu\n", g);
    if (write(s, answer, a) != a) {
        perror("write");
        return 1;
    }
    char rest[4096], splits[2048] = "";
    size_t total = 0, used = 0;
    unsigned long sum = 0;
    int timeouts = 0;
    for (;;) {
        struct pollfd p = {.fd = s, .events = POLLIN};
        if (poll(&p, 1, 100) == 0) {
            timeouts++;
            continue;
        }
        ssize_t n = recv(s, rest, sizeof rest, 0);
        if (n < 0) {
            perror("recv");
            return 1;
        }
        if (n == 0) break;
        for (ssize_t i = 0; i < n; i++) sum = sum * 31 + (unsigned char) rest[i];
        total += n;
        if (used < sizeof splits - 16) used += snprintf(splits + used, sizeof splits - used, " %zd", n);
    }
    printf("greeting: %s%zu more bytes (sum %lu) in reads of%s; %d greeting reads, %d timeouts\n", greeting, total,
           sum, splits, reads, timeouts);
    close(s);
    if (ai != &unix_ai) freeaddrinfo(ai);
    return 0;
}
