/*
 * A small TCP server for detsim's outside-peer tests: listens on 127.0.0.1:PORT (argv[1]; or, when argv[1] is
 * an absolute path, on a unix stream socket there, removed at the end), accepts CLIENTS
 * clients (argv[2]) one after another, and for each waits for bytes with poll (100 ms timeouts, counted),
 * answers every complete line with "ok N LINE", and at the client's EOF prints what it saw: the reads, the
 * bytes, the timeouts and a checksum of the bytes. What it prints depends on when each byte arrived and how
 * the reads split the stream, which is what a recording of outside input must fix.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: tcp_echo_server PORT CLIENTS\n");
        return 2;
    }
    int port = atoi(argv[1]), clients = atoi(argv[2]), unix_socket = argv[1][0] == '/';
    int l = socket(unix_socket ? AF_UNIX : AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    struct sockaddr_un u = {.sun_family = AF_UNIX};
    snprintf(u.sun_path, sizeof u.sun_path, "%s", argv[1]);
    int bound = unix_socket ? bind(l, (struct sockaddr *) &u, sizeof u) : bind(l, (struct sockaddr *) &a, sizeof a);
    if (bound != 0 || listen(l, 8) != 0) {
        perror("bind/listen");
        return 1;
    }
    printf("listening on %d\n", port);
    fflush(stdout);
    for (int k = 0; k < clients; k++) {
        struct sockaddr_storage peer;
        socklen_t len = sizeof peer;
        int c = accept(l, (struct sockaddr *) &peer, &len);
        if (c < 0) {
            perror("accept");
            return 1;
        }
        char line[4096];
        size_t have = 0;
        long reads = 0, bytes = 0, timeouts = 0, lines = 0;
        unsigned long sum = 5381;
        for (;;) {
            struct pollfd p = {.fd = c, .events = POLLIN};
            int r = poll(&p, 1, 100);
            if (r == 0) {
                timeouts++;
                continue;
            }
            char buf[512];
            ssize_t n = read(c, buf, sizeof buf);
            if (n <= 0) break;
            reads++;
            bytes += n;
            for (ssize_t i = 0; i < n; i++) {
                sum = sum * 33 + (unsigned char) buf[i];
                if (have < sizeof line - 1) line[have++] = buf[i];
                if (buf[i] == '\n') {
                    char reply[4200];
                    int m = snprintf(reply, sizeof reply, "ok %ld %.*s", ++lines, (int) have, line);
                    if (write(c, reply, m) != m) perror("write");
                    have = 0;
                }
            }
        }
        close(c);
        printf("client %d: %ld lines, %ld reads, %ld bytes, %ld timeouts, checksum %lx\n", k, lines, reads, bytes,
               timeouts, sum);
        fflush(stdout);
    }
    close(l);
    if (unix_socket) unlink(argv[1]);
    return 0;
}
