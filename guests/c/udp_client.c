/*
 * A small UDP client for detsim's outside-datagram tests: binds a socket of the family of HOST (argv[1]) at any
 * port, sends "query N" three times to HOST PORT (argv[2]) with sendto, and after each waits for answers with
 * poll (100 ms timeouts, counted): recvfrom for the first, read for the second, recvmsg for the rest (QUERIES
 * answers in all, argv[3]). It prints each answer with the source the kernel reported, then the timeouts: what
 * came from outside, from where and when, which a recording must fix so that replay needs no server.
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

static void print_source(const struct sockaddr_storage *from) {
    char host[64] = "?";
    int port = 0;
    if (from->ss_family == AF_INET) {
        const struct sockaddr_in *a = (const struct sockaddr_in *) from;
        inet_ntop(AF_INET, &a->sin_addr, host, sizeof host);
        port = ntohs(a->sin_port);
    } else if (from->ss_family == AF_INET6) {
        const struct sockaddr_in6 *a = (const struct sockaddr_in6 *) from;
        inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof host);
        port = ntohs(a->sin6_port);
    }
    printf(" from %s port %s\n", host, port > 0 ? "known" : "none");
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: udp_client HOST PORT ANSWERS\n");
        return 2;
    }
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_DGRAM, .ai_flags = AI_NUMERICHOST}, *ai;
    if (getaddrinfo(argv[1], argv[2], &hints, &ai) != 0) {
        fprintf(stderr, "udp_client: bad address %s %s\n", argv[1], argv[2]);
        return 2;
    }
    int s = socket(ai->ai_family, SOCK_DGRAM, 0), answers = atoi(argv[3]), timeouts = 0;
    struct sockaddr_storage any = {.ss_family = ai->ai_family};
    if (bind(s, (struct sockaddr *) &any, ai->ai_addrlen) != 0) {
        perror("bind");
        return 1;
    }
    for (int got = 0, sent = 0; got < answers;) {
        if (sent < 3 && got >= sent) {
            char q[32];
            int n = snprintf(q, sizeof q, "query %d", sent++);
            if (sendto(s, q, n, 0, ai->ai_addr, ai->ai_addrlen) != n) {
                perror("sendto");
                return 1;
            }
        }
        struct pollfd p = {.fd = s, .events = POLLIN};
        if (poll(&p, 1, 100) == 0) {
            timeouts++;
            continue;
        }
        char buf[512];
        struct sockaddr_storage from = {0};
        socklen_t fromlen = sizeof from;
        ssize_t n;
        if (got == 0) {
            n = recvfrom(s, buf, sizeof buf - 1, 0, (struct sockaddr *) &from, &fromlen);
        } else if (got == 1) {
            n = read(s, buf, sizeof buf - 1);
        } else {
            struct iovec v[2] = {{buf, 4}, {buf + 4, sizeof buf - 5}};
            struct msghdr m = {.msg_name = &from, .msg_namelen = sizeof from, .msg_iov = v, .msg_iovlen = 2};
            n = recvmsg(s, &m, 0);
            if (m.msg_flags & MSG_TRUNC) printf("(cut)");
        }
        if (n < 0) {
            perror("receive");
            return 1;
        }
        buf[n] = 0;
        printf("answer %d: %s (%zd bytes)", got++, buf, n);
        print_source(&from);
    }
    printf("%d timeouts\n", timeouts);
    freeaddrinfo(ai);
    close(s);
    return 0;
}
