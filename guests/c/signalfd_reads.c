/*
 * signalfd_reads: blocking reads of a signalfd end as they do natively. A signal already pending when the
 * read starts (raised, or the SIGPIPE of a write to a pipe nobody reads) is read at once, by read and by
 * readv; a read that starts first waits until another thread sends one; and the pending signal is gone
 * after it was read. Prints what each read returned (the sender's pid only as "mine" or not, since detsim
 * numbers processes itself).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/signalfd.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

static int sfd;

static void show(const char *what, ssize_t n, const struct signalfd_siginfo *si) {
    sigset_t pending;
    sigpending(&pending);
    printf("%-22s %zd bytes signo %u code %d from me %d still pending %d\n", what, n, si->ssi_signo,
           si->ssi_code, si->ssi_pid == (unsigned)getpid(), sigismember(&pending, (int)si->ssi_signo));
}

static void *sender(void *arg) {
    (void)arg;
    struct timespec pause = {0, 20 * 1000 * 1000};
    nanosleep(&pause, NULL); // the main thread is in its read by now
    kill(getpid(), SIGUSR2);
    return NULL;
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGUSR1);
    sigaddset(&mask, SIGUSR2);
    sigaddset(&mask, SIGPIPE);
    if (sigprocmask(SIG_BLOCK, &mask, NULL) != 0 || (sfd = signalfd(-1, &mask, 0)) < 0) {
        perror("signalfd");
        return 1;
    }
    struct signalfd_siginfo si;

    raise(SIGUSR1);
    show("raised, read", read(sfd, &si, sizeof si), &si);

    int p[2];
    if (pipe(p) != 0) return 1;
    close(p[0]);
    errno = 0;
    ssize_t w = write(p[1], "x", 1);
    printf("write to a closed pipe: %zd errno %d\n", w, errno);
    struct iovec iov = {&si, sizeof si};
    show("SIGPIPE, readv", readv(sfd, &iov, 1), &si);

    pthread_t t;
    pthread_create(&t, NULL, sender, NULL);
    show("sent while reading", read(sfd, &si, sizeof si), &si);
    pthread_join(t, NULL);
    return 0;
}
