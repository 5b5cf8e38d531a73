/*
 * connect_backlog: blocking connects that must wait. Usage: connect_backlog DIR [forever].
 *
 *   unix: a listener with backlog 0 (one pending connection), three client threads that connect, send their
 *   number and close; the main thread accepts only after a 10 ms sleep, so two connects wait for room.
 *   tcp: a loopback listener and a client thread; the connect completes the handshake.
 *   refused: a connect to a unix path nobody listens on fails with ECONNREFUSED.
 *
 * Prints the same lines natively and under detsim. With "forever", a client connects to a full backlog that
 * nobody will ever accept from (natively: forever; under detsim: a deadlock report).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static struct sockaddr_un unix_address;
static struct sockaddr_in tcp_address;

static void die(const char *what) {
    printf("%s: %s\n", what, strerror(errno));
    exit(1);
}

static void *unix_client(void *arg) {
    char id = (char) (long) arg;
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    if (s < 0) die("socket");
    if (connect(s, (struct sockaddr *) &unix_address, sizeof unix_address) != 0) die("connect (unix)");
    if (write(s, &id, 1) != 1) die("write");
    close(s);
    return NULL;
}

static void *tcp_client(void *arg) {
    (void) arg;
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0) die("socket");
    if (connect(s, (struct sockaddr *) &tcp_address, sizeof tcp_address) != 0) die("connect (tcp)");
    if (write(s, "t", 1) != 1) die("write");
    close(s);
    return NULL;
}

static int listen_unix(const char *path) {
    memset(&unix_address, 0, sizeof unix_address);
    unix_address.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof unix_address.sun_path) {
        printf("socket path too long: %s\n", path);
        exit(2);
    }
    memcpy(unix_address.sun_path, path, strlen(path) + 1);
    unlink(path);
    int l = socket(AF_UNIX, SOCK_STREAM, 0);
    if (l < 0) die("socket");
    if (bind(l, (struct sockaddr *) &unix_address, sizeof unix_address) != 0) die("bind");
    if (listen(l, 0) != 0) die("listen");
    return l;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: connect_backlog DIR [forever]\n");
        return 2;
    }
    setvbuf(stdout, NULL, _IONBF, 0);
    char path[200];
    snprintf(path, sizeof path, "%s/listener.sock", argv[1]);
    int l = listen_unix(path);
    struct timespec ten_ms = {0, 10000000};

    if (argc > 2) {
        pthread_t a, b;
        pthread_create(&a, NULL, unix_client, (void *) 1L);
        nanosleep(&ten_ms, NULL);
        printf("connecting to a full backlog nobody accepts from\n");
        pthread_create(&b, NULL, unix_client, (void *) 2L);
        pthread_join(b, NULL);
        return 1;
    }

    pthread_t clients[3];
    for (long i = 0; i < 3; i++) pthread_create(&clients[i], NULL, unix_client, (void *) (i + 1));
    nanosleep(&ten_ms, NULL);
    int sum = 0;
    for (int i = 0; i < 3; i++) {
        int c = accept(l, NULL, NULL);
        if (c < 0) die("accept");
        char id = 0;
        if (read(c, &id, 1) != 1) die("read");
        sum += id;
        close(c);
    }
    for (int i = 0; i < 3; i++) pthread_join(clients[i], NULL);
    printf("unix: accepted 3 connections, ids summing to %d\n", sum);

    int t = socket(AF_INET, SOCK_STREAM, 0);
    memset(&tcp_address, 0, sizeof tcp_address);
    tcp_address.sin_family = AF_INET;
    tcp_address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(t, (struct sockaddr *) &tcp_address, sizeof tcp_address) != 0) die("bind (tcp)");
    socklen_t len = sizeof tcp_address;
    getsockname(t, (struct sockaddr *) &tcp_address, &len);
    if (listen(t, 4) != 0) die("listen (tcp)");
    pthread_t tc;
    pthread_create(&tc, NULL, tcp_client, NULL);
    int c = accept(t, NULL, NULL);
    char byte = 0;
    if (c < 0 || read(c, &byte, 1) != 1) die("accept/read (tcp)");
    pthread_join(tc, NULL);
    printf("tcp: accepted a connection, it sent '%c'\n", byte);

    close(l); /* the socket file stays, with nobody listening */
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    int r = connect(s, (struct sockaddr *) &unix_address, sizeof unix_address);
    printf("refused: connect returned %d, %s\n", r, r == 0 ? "connected" : strerror(errno));
    unlink(path);
    return 0;
}
