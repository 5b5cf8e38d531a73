/*
 * divergence_tree: a process tree of a chosen shape whose members take turns, by a token passed round a ring of
 * pipes, to stat DIR/data-0 .. DIR/data-19 — step k by member k mod N. A test records it, grows one data-k, and
 * replays: the run parts from its recording at step k's stat, in whichever member and with the rest of the tree
 * in whatever state the shape gives it.
 *
 *   divergence_tree SHAPE DIR MARKER
 *     forks     4 processes (fork), the others blocked reading their pipe
 *     threads   4 threads of one process, and a fifth waiting on a condition variable (a futex) until the end
 *     waits     3 processes, and beside them a child sleeping an hour (killed at the end) and a child in
 *               waitpid for a grandchild blocked reading a pipe that main closes at the end
 *     orphan    main and a grandchild whose parent exited first; after its steps the grandchild waits in
 *               pause() and outlives main (detsim kills it when main exits)
 *     vfork     main and 2 members started by vfork + exec of this program (role "member")
 *   divergence_tree member I N IN OUT DIR MARKER     (the vfork shape's exec'd members)
 *
 * MARKER is only carried in argv (and so in every process's /proc/PID/cmdline) for the test to find them.
 * Files are only stat()ed, never opened: a recording then depends on them through the events alone.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define STEPS 20
#define MAX_MEMBERS 4

static const char *dir;
static int members;
static int ring[MAX_MEMBERS][2]; /* ring[i]: the pipe member i reads the token from */

static void die(const char *what)
{
    fprintf(stderr, "divergence_tree: %s: %s\n", what, strerror(errno));
    exit(99);
}

static void stat_step(int k)
{
    char path[4096];
    struct stat st;
    snprintf(path, sizeof path, "%s/data-%d", dir, k);
    if (stat(path, &st) != 0) die(path);
}

/* Member i's steps: wait for the token, stat, pass it on (the last pass may find no reader: ignored). */
static void take_turns(int i, int in, int out)
{
    for (int k = i; k < STEPS; k += members) {
        char token;
        if (read(in, &token, 1) != 1) die("read token");
        stat_step(k);
        if (write(out, &token, 1) != 1 && errno != EPIPE) die("write token");
    }
}

static void member(int i)
{
    take_turns(i, ring[i][0], ring[(i + 1) % members][1]);
}

static void make_ring(int n)
{
    members = n;
    for (int i = 0; i < n; i++)
        if (pipe(ring[i]) != 0) die("pipe");
}

static void start_token(void)
{
    if (write(ring[0][1], "t", 1) != 1) die("write first token");
}

static pid_t fork_member(int i)
{
    pid_t pid = fork();
    if (pid < 0) die("fork");
    if (pid == 0) {
        member(i);
        _exit(0);
    }
    return pid;
}

static void wait_for(pid_t pid)
{
    int status;
    if (waitpid(pid, &status, 0) != pid) die("waitpid");
}

static void *thread_member(void *arg)
{
    member((int)(long)arg);
    return NULL;
}

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t done_cond = PTHREAD_COND_INITIALIZER;
static int done;

static void *idle_thread(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&lock);
    while (!done) pthread_cond_wait(&done_cond, &lock);
    pthread_mutex_unlock(&lock);
    return NULL;
}

static void forks(void)
{
    make_ring(4);
    pid_t pids[4];
    for (int i = 1; i < 4; i++) pids[i] = fork_member(i);
    start_token();
    member(0);
    for (int i = 1; i < 4; i++) wait_for(pids[i]);
}

static void threads(void)
{
    make_ring(4);
    pthread_t t[4], idle;
    pthread_create(&idle, NULL, idle_thread, NULL);
    for (long i = 1; i < 4; i++) pthread_create(&t[i], NULL, thread_member, (void *)i);
    start_token();
    member(0);
    for (int i = 1; i < 4; i++) pthread_join(t[i], NULL);
    pthread_mutex_lock(&lock);
    done = 1;
    pthread_cond_signal(&done_cond);
    pthread_mutex_unlock(&lock);
    pthread_join(idle, NULL);
}

static void waits(void)
{
    int hold[2];
    if (pipe(hold) != 0) die("pipe");
    make_ring(3);
    pid_t waiter = fork();
    if (waiter < 0) die("fork");
    if (waiter == 0) { /* waits for a grandchild that reads hold until main closes it */
        close(hold[1]);
        pid_t g = fork();
        if (g < 0) die("fork");
        if (g == 0) {
            char c;
            while (read(hold[0], &c, 1) > 0) {}
            _exit(0);
        }
        wait_for(g);
        _exit(0);
    }
    pid_t sleeper = fork();
    if (sleeper < 0) die("fork");
    if (sleeper == 0) {
        close(hold[1]);
        sleep(3600);
        _exit(0);
    }
    pid_t m1 = fork_member(1), m2 = fork_member(2);
    start_token();
    member(0);
    wait_for(m1);
    wait_for(m2);
    close(hold[1]);
    wait_for(waiter);
    kill(sleeper, SIGKILL);
    wait_for(sleeper);
}

static void orphan(void)
{
    make_ring(2);
    pid_t middle = fork();
    if (middle < 0) die("fork");
    if (middle == 0) {
        pid_t g = fork();
        if (g < 0) die("fork");
        if (g == 0) {
            member(1);
            pause(); /* until detsim kills it: main does not wait for it */
            _exit(0);
        }
        _exit(0);
    }
    wait_for(middle);
    start_token();
    member(0);
    char token; /* the grandchild's last pass: its last step is done */
    if (read(ring[0][0], &token, 1) != 1) die("read last token");
}

static void vfork_exec(const char *self, const char *marker)
{
    make_ring(3);
    pid_t pids[3];
    for (int i = 1; i < 3; i++) {
        char index[16], n[16], in[16], out[16];
        snprintf(index, sizeof index, "%d", i);
        snprintf(n, sizeof n, "%d", members);
        snprintf(in, sizeof in, "%d", ring[i][0]);
        snprintf(out, sizeof out, "%d", ring[(i + 1) % members][1]);
        pids[i] = vfork();
        if (pids[i] < 0) die("vfork");
        if (pids[i] == 0) {
            execl(self, self, "member", index, n, in, out, dir, marker, (char *)NULL);
            _exit(127);
        }
    }
    start_token();
    member(0);
    for (int i = 1; i < 3; i++) wait_for(pids[i]);
}

int main(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN);
    if (argc == 8 && strcmp(argv[1], "member") == 0) {
        members = atoi(argv[3]);
        dir = argv[6];
        take_turns(atoi(argv[2]), atoi(argv[4]), atoi(argv[5]));
        return 0;
    }
    if (argc != 4) {
        fprintf(stderr, "usage: divergence_tree forks|threads|waits|orphan|vfork DIR MARKER\n");
        return 2;
    }
    dir = argv[2];
    if (strcmp(argv[1], "forks") == 0) forks();
    else if (strcmp(argv[1], "threads") == 0) threads();
    else if (strcmp(argv[1], "waits") == 0) waits();
    else if (strcmp(argv[1], "orphan") == 0) orphan();
    else if (strcmp(argv[1], "vfork") == 0) vfork_exec(argv[0], argv[3]);
    else {
        fprintf(stderr, "divergence_tree: unknown shape %s\n", argv[1]);
        return 2;
    }
    printf("%s done\n", argv[1]);
    return 0;
}
