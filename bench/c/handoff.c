// handoff [--cpu N] MODE COUNT — the floor of handing the CPU to a supervisor process and back.
//
// detsim runs one thread at a time on one CPU, and every stop hands that CPU from the program to the tracer
// and back. This measures what that costs on this machine without ptrace, for two processes pinned to one
// CPU, COUNT round trips each, and prints "MODE ns_per_round_trip N":
//   pipe        one byte to the other process over a pipe and one back: two context switches, four syscalls;
//   notif       a getppid that the seccomp filter turns into a user notification (SECCOMP_RET_USER_NOTIF),
//               answered by the supervisor with SECCOMP_IOCTL_NOTIF_RECV/SEND: the other way a supervisor
//               can stop a syscall;
//   notif-sync  the same with SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (Linux 6.6), which hands the CPU over
//               directly on wake-up.
// The program being traced here is the forked child; the parent is the supervisor.
#define _GNU_SOURCE
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif

static void die(const char *what) {
    perror(what);
    exit(1);
}

static double seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void pin(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (cpu < 0) cpu = sched_getcpu();
    CPU_SET(cpu, &set);
    if (sched_setaffinity(0, sizeof set, &set) != 0) die("sched_setaffinity");
}

static void send_fd(int sock, int fd) {
    char control[CMSG_SPACE(sizeof fd)];
    memset(control, 0, sizeof control);
    struct iovec io = {.iov_base = "f", .iov_len = 1};
    struct msghdr m = {.msg_iov = &io, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control};
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof fd);
    memcpy(CMSG_DATA(c), &fd, sizeof fd);
    if (sendmsg(sock, &m, 0) != 1) die("sendmsg");
}

static int receive_fd(int sock) {
    char control[CMSG_SPACE(sizeof(int))], byte;
    struct iovec io = {.iov_base = &byte, .iov_len = 1};
    struct msghdr m = {.msg_iov = &io, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control};
    if (recvmsg(sock, &m, 0) != 1 || CMSG_FIRSTHDR(&m) == NULL) die("recvmsg");
    int fd;
    memcpy(&fd, CMSG_DATA(CMSG_FIRSTHDR(&m)), sizeof fd);
    return fd;
}

static double pipe_round_trips(long count) {
    int there[2], back[2];
    if (pipe(there) != 0 || pipe(back) != 0) die("pipe");
    char byte = 0;
    pid_t child = fork();
    if (child < 0) die("fork");
    if (child == 0) {
        for (long i = 0; i < count; i++) {
            if (read(there[0], &byte, 1) != 1 || write(back[1], &byte, 1) != 1) _exit(1);
        }
        _exit(0);
    }
    double start = seconds();
    for (long i = 0; i < count; i++) {
        if (write(there[1], &byte, 1) != 1 || read(back[0], &byte, 1) != 1) die("pipe round trip");
    }
    double elapsed = seconds() - start;
    waitpid(child, NULL, 0);
    return elapsed;
}

static double notification_round_trips(long count, int sync_wake_up) {
    int sockets[2], timing[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sockets) != 0 || pipe(timing) != 0) die("socketpair");
    pid_t child = fork();
    if (child < 0) die("fork");
    if (child == 0) {
        struct sock_filter filter[] = {
            BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
            BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 0, 1),
            BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
            BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        };
        struct sock_fprog program = {.len = sizeof filter / sizeof filter[0], .filter = filter};
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) die("PR_SET_NO_NEW_PRIVS");
        int listener = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &program);
        if (listener < 0) die("seccomp");
        send_fd(sockets[0], listener);
        close(listener);
        char go;
        if (read(sockets[0], &go, 1) != 1) _exit(1);
        double start = seconds();
        for (long i = 0; i < count; i++) syscall(SYS_getppid);
        double elapsed = seconds() - start;
        if (write(timing[1], &elapsed, sizeof elapsed) != sizeof elapsed) _exit(1);
        _exit(0);
    }
    int listener = receive_fd(sockets[1]);
    if (sync_wake_up && ioctl(listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS, SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP, 0) != 0) {
        die("SECCOMP_IOCTL_NOTIF_SET_FLAGS");
    }
    struct seccomp_notif_sizes sizes;
    if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) != 0) die("SECCOMP_GET_NOTIF_SIZES");
    struct seccomp_notif *request = calloc(1, sizes.seccomp_notif);
    struct seccomp_notif_resp *response = calloc(1, sizes.seccomp_notif_resp);
    if (write(sockets[1], "g", 1) != 1) die("write");
    for (long i = 0; i < count; i++) {
        memset(request, 0, sizes.seccomp_notif);
        if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, request) != 0) die("SECCOMP_IOCTL_NOTIF_RECV");
        memset(response, 0, sizes.seccomp_notif_resp);
        response->id = request->id;
        response->val = 1;
        if (ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, response) != 0) die("SECCOMP_IOCTL_NOTIF_SEND");
    }
    double elapsed;
    if (read(timing[0], &elapsed, sizeof elapsed) != sizeof elapsed) die("child timing");
    waitpid(child, NULL, 0);
    return elapsed;
}

int main(int argc, char **argv) {
    int cpu = -1, i = 1;
    if (i + 1 < argc && strcmp(argv[i], "--cpu") == 0) {
        cpu = atoi(argv[i + 1]);
        i += 2;
    }
    if (i + 2 != argc) {
        fprintf(stderr, "usage: handoff [--cpu N] pipe|notif|notif-sync COUNT\n");
        return 2;
    }
    const char *mode = argv[i];
    long count = atol(argv[i + 1]);
    pin(cpu);
    double elapsed;
    if (strcmp(mode, "pipe") == 0) elapsed = pipe_round_trips(count);
    else if (strcmp(mode, "notif") == 0) elapsed = notification_round_trips(count, 0);
    else if (strcmp(mode, "notif-sync") == 0) elapsed = notification_round_trips(count, 1);
    else {
        fprintf(stderr, "handoff: unknown mode %s\n", mode);
        return 2;
    }
    printf("%s ns_per_round_trip %.0f\n", mode, elapsed / count * 1e9);
    return 0;
}
