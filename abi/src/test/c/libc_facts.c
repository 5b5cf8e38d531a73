/* What the C library's headers say: the constants and structs a program compiled on this machine uses. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <linux/kcmp.h>
#include <sys/ioctl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <utime.h>

#include "facts.h"

/* glibc names the thread of SIGEV_THREAD_ID only from 2.38 on; the member is the one the kernel's header names. */
#ifndef sigev_notify_thread_id
#define sigev_notify_thread_id _sigev_un._tid
#endif

/* The kernel's directory records: no C library header declares them; these are the kernel's definitions. */
struct linux_dirent64 {
    unsigned long long d_ino;
    long long d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};

struct linux_dirent {
    unsigned long d_ino;
    unsigned long d_off;
    unsigned short d_reclen;
    char d_name[];
};

#define CONST(class, name) FACT(#class "." #name, name)
#define OFFSET(class, field, type, member) FACT(#class "." #field, offsetof(type, member))
#define STAT(field, member) FACT("layout.stat.host." #field, offsetof(struct stat, member))

const struct fact libc_facts[] = {
    FACT("Sockets.AF_UNIX", AF_UNIX), FACT("Sockets.AF_INET", AF_INET), FACT("Sockets.AF_INET6", AF_INET6),
    FACT("Sockets.UNIX_ADDRESS_BYTES", sizeof(struct sockaddr_un)), FACT("Sockets.MSG_PEEK", MSG_PEEK),
    FACT("Sockets.MSG_DONTWAIT", MSG_DONTWAIT), FACT("Sockets.MSG_TRUNC", MSG_TRUNC),
    FACT("Sockets.SOL_SOCKET", SOL_SOCKET), FACT("Sockets.SO_TYPE", SO_TYPE), FACT("Sockets.SOCK_STREAM", SOCK_STREAM),
    FACT("Sockets.SOCK_DGRAM", SOCK_DGRAM), FACT("Sockets.SO_PEERCRED", SO_PEERCRED), FACT("Sockets.POLLRDHUP", POLLRDHUP),
    FACT("Sockets.FIONREAD", FIONREAD), FACT("Sockets.KCMP_FILE", KCMP_FILE),
    FACT("Sockets.SOCKADDR_BYTES", sizeof(struct sockaddr_in6)), FACT("Sockets.IPPROTO_TCP", IPPROTO_TCP),
    FACT("Sockets.TCP_INFO", TCP_INFO), FACT("Sockets.TCP_INFO_UNACKED", offsetof(struct tcp_info, tcpi_unacked)),
    FACT("Sockets.TCP_INFO_PREFIX", offsetof(struct tcp_info, tcpi_unacked) + sizeof(((struct tcp_info *) 0)->tcpi_unacked)),
    CONST(Errno, EPERM), CONST(Errno, ENOENT), CONST(Errno, ESRCH), CONST(Errno, EINTR), CONST(Errno, EIO),
    CONST(Errno, ENOEXEC), CONST(Errno, EBADF), CONST(Errno, ECHILD), CONST(Errno, EAGAIN), CONST(Errno, ENOMEM),
    CONST(Errno, EACCES), CONST(Errno, EFAULT), CONST(Errno, EEXIST), CONST(Errno, ENOTDIR), CONST(Errno, EISDIR),
    CONST(Errno, EINVAL), CONST(Errno, ETXTBSY), CONST(Errno, ENAMETOOLONG), CONST(Errno, ENOSYS),
    CONST(Errno, ETIMEDOUT), CONST(Errno, ECONNREFUSED), CONST(Errno, EALREADY), CONST(Errno, EINPROGRESS),

    CONST(Signals, SIGHUP), CONST(Signals, SIGINT), CONST(Signals, SIGQUIT), CONST(Signals, SIGILL),
    CONST(Signals, SIGTRAP), CONST(Signals, SIGABRT), CONST(Signals, SIGBUS), CONST(Signals, SIGFPE),
    CONST(Signals, SIGKILL), CONST(Signals, SIGUSR1), CONST(Signals, SIGSEGV), CONST(Signals, SIGUSR2),
    CONST(Signals, SIGPIPE), CONST(Signals, SIGALRM), CONST(Signals, SIGTERM), CONST(Signals, SIGSTKFLT),
    CONST(Signals, SIGCHLD), CONST(Signals, SIGCONT), CONST(Signals, SIGSTOP), CONST(Signals, SIGTSTP),
    CONST(Signals, SIGTTIN), CONST(Signals, SIGTTOU), CONST(Signals, SIGURG), CONST(Signals, SIGXCPU),
    CONST(Signals, SIGXFSZ), CONST(Signals, SIGVTALRM), CONST(Signals, SIGPROF), CONST(Signals, SIGWINCH),
    CONST(Signals, SIGIO), CONST(Signals, SIGPWR), CONST(Signals, SIGSYS),
    /* glibc's SIGRTMIN is a call (it keeps 32 and 33); the kernel's range is __SIGRTMIN..__SIGRTMAX. */
    FACT("Signals.SIGRTMIN", __SIGRTMIN), FACT("Signals.SIGRTMAX", __SIGRTMAX),
    CONST(Signals, SI_TIMER), CONST(Signals, POLL_IN),

    CONST(Futex, FUTEX_WAIT), CONST(Futex, FUTEX_WAKE), CONST(Futex, FUTEX_FD), CONST(Futex, FUTEX_REQUEUE),
    CONST(Futex, FUTEX_CMP_REQUEUE), CONST(Futex, FUTEX_WAKE_OP), CONST(Futex, FUTEX_LOCK_PI),
    CONST(Futex, FUTEX_UNLOCK_PI), CONST(Futex, FUTEX_TRYLOCK_PI), CONST(Futex, FUTEX_WAIT_BITSET),
    CONST(Futex, FUTEX_WAKE_BITSET), CONST(Futex, FUTEX_WAIT_REQUEUE_PI), CONST(Futex, FUTEX_CMP_REQUEUE_PI),
    CONST(Futex, FUTEX_LOCK_PI2), CONST(Futex, FUTEX_PRIVATE_FLAG), CONST(Futex, FUTEX_CLOCK_REALTIME),
    CONST(Futex, FUTEX_WAKE_PRIVATE), CONST(Futex, FUTEX_BITSET_MATCH_ANY), CONST(Futex, FUTEX_OP_SET),
    CONST(Futex, FUTEX_OP_ADD), CONST(Futex, FUTEX_OP_OR), CONST(Futex, FUTEX_OP_ANDN), CONST(Futex, FUTEX_OP_XOR),
    CONST(Futex, FUTEX_OP_OPARG_SHIFT), CONST(Futex, FUTEX_OP_CMP_EQ), CONST(Futex, FUTEX_OP_CMP_NE),
    CONST(Futex, FUTEX_OP_CMP_LT), CONST(Futex, FUTEX_OP_CMP_LE), CONST(Futex, FUTEX_OP_CMP_GT),
    CONST(Futex, FUTEX_OP_CMP_GE),

    CONST(Poll, POLLIN), CONST(Poll, POLLPRI), CONST(Poll, POLLOUT), CONST(Poll, POLLERR), CONST(Poll, POLLHUP),
    CONST(Poll, POLLNVAL),
    FACT("PollFd.SIZE", sizeof(struct pollfd)), OFFSET(PollFd, FD, struct pollfd, fd),
    OFFSET(PollFd, EVENTS, struct pollfd, events), OFFSET(PollFd, REVENTS, struct pollfd, revents),

    CONST(CloneFlags, CSIGNAL), CONST(CloneFlags, CLONE_VM), CONST(CloneFlags, CLONE_FS),
    CONST(CloneFlags, CLONE_FILES), CONST(CloneFlags, CLONE_SIGHAND), CONST(CloneFlags, CLONE_PIDFD),
    CONST(CloneFlags, CLONE_PTRACE), CONST(CloneFlags, CLONE_VFORK), CONST(CloneFlags, CLONE_PARENT),
    CONST(CloneFlags, CLONE_THREAD), CONST(CloneFlags, CLONE_NEWNS), CONST(CloneFlags, CLONE_SYSVSEM),
    CONST(CloneFlags, CLONE_SETTLS), CONST(CloneFlags, CLONE_PARENT_SETTID), CONST(CloneFlags, CLONE_CHILD_CLEARTID),
    CONST(CloneFlags, CLONE_DETACHED), CONST(CloneFlags, CLONE_UNTRACED), CONST(CloneFlags, CLONE_CHILD_SETTID),

    CONST(AtFlags, AT_FDCWD), CONST(AtFlags, AT_SYMLINK_NOFOLLOW), CONST(AtFlags, AT_REMOVEDIR),
    CONST(AtFlags, AT_SYMLINK_FOLLOW), CONST(AtFlags, AT_NO_AUTOMOUNT), CONST(AtFlags, AT_EMPTY_PATH),
    CONST(AtFlags, RENAME_NOREPLACE), CONST(AtFlags, RENAME_EXCHANGE), CONST(AtFlags, RENAME_WHITEOUT),

    CONST(OpenFlags, O_RDONLY), CONST(OpenFlags, O_WRONLY), CONST(OpenFlags, O_RDWR), CONST(OpenFlags, O_ACCMODE),
    CONST(OpenFlags, O_CREAT), CONST(OpenFlags, O_EXCL), CONST(OpenFlags, O_NOCTTY), CONST(OpenFlags, O_TRUNC),
    CONST(OpenFlags, O_APPEND), CONST(OpenFlags, O_NONBLOCK), CONST(OpenFlags, O_DSYNC), CONST(OpenFlags, O_ASYNC),
    CONST(OpenFlags, O_NOATIME), CONST(OpenFlags, O_CLOEXEC), CONST(OpenFlags, O_PATH), CONST(OpenFlags, O_SYNC),
    /* The ones that differ by architecture: this machine's. (glibc's O_LARGEFILE is 0 on 64-bit: kernel_facts.c.) */
    FACT("OpenFlags.host.O_DIRECTORY", O_DIRECTORY), FACT("OpenFlags.host.O_NOFOLLOW", O_NOFOLLOW),
    FACT("OpenFlags.host.O_DIRECT", O_DIRECT), FACT("OpenFlags.host.O_TMPFILE", O_TMPFILE),

    CONST(Time, CLOCK_REALTIME), CONST(Time, CLOCK_MONOTONIC), CONST(Time, CLOCK_PROCESS_CPUTIME_ID),
    CONST(Time, CLOCK_THREAD_CPUTIME_ID), CONST(Time, CLOCK_MONOTONIC_RAW), CONST(Time, CLOCK_REALTIME_COARSE),
    CONST(Time, CLOCK_MONOTONIC_COARSE), CONST(Time, CLOCK_BOOTTIME), CONST(Time, CLOCK_REALTIME_ALARM),
    CONST(Time, CLOCK_BOOTTIME_ALARM), CONST(Time, CLOCK_TAI), CONST(Time, TIMER_ABSTIME), CONST(Time, ITIMER_REAL),
    CONST(Time, ITIMER_VIRTUAL), CONST(Time, ITIMER_PROF), CONST(Time, TFD_TIMER_ABSTIME),
    CONST(Time, TFD_TIMER_CANCEL_ON_SET),

    FACT("Timespec.SIZE", sizeof(struct timespec)), OFFSET(Timespec, TV_SEC, struct timespec, tv_sec),
    OFFSET(Timespec, TV_NSEC, struct timespec, tv_nsec), CONST(Timespec, UTIME_NOW), CONST(Timespec, UTIME_OMIT),
    FACT("Timeval.SIZE", sizeof(struct timeval)), OFFSET(Timeval, TV_SEC, struct timeval, tv_sec),
    OFFSET(Timeval, TV_USEC, struct timeval, tv_usec),
    FACT("Utimbuf.SIZE", sizeof(struct utimbuf)), OFFSET(Utimbuf, ACTIME, struct utimbuf, actime),
    OFFSET(Utimbuf, MODTIME, struct utimbuf, modtime),
    FACT("Itimerspec.SIZE", sizeof(struct itimerspec)), OFFSET(Itimerspec, IT_INTERVAL, struct itimerspec, it_interval),
    OFFSET(Itimerspec, IT_VALUE, struct itimerspec, it_value),
    FACT("Itimerval.SIZE", sizeof(struct itimerval)), OFFSET(Itimerval, IT_INTERVAL, struct itimerval, it_interval),
    OFFSET(Itimerval, IT_VALUE, struct itimerval, it_value),

    FACT("Sigevent.SIZE", sizeof(struct sigevent)), OFFSET(Sigevent, SIGEV_VALUE, struct sigevent, sigev_value),
    OFFSET(Sigevent, SIGEV_SIGNO, struct sigevent, sigev_signo), OFFSET(Sigevent, SIGEV_NOTIFY, struct sigevent, sigev_notify),
    OFFSET(Sigevent, SIGEV_NOTIFY_THREAD_ID, struct sigevent, sigev_notify_thread_id),
    FACT("Sigevent.USED_BYTES", offsetof(struct sigevent, sigev_notify_thread_id) + sizeof(int)),
    CONST(Sigevent, SIGEV_SIGNAL), CONST(Sigevent, SIGEV_NONE), CONST(Sigevent, SIGEV_THREAD),
    CONST(Sigevent, SIGEV_THREAD_ID),

    FACT("Siginfo.SIZE", sizeof(siginfo_t)), OFFSET(Siginfo, SI_SIGNO, siginfo_t, si_signo),
    OFFSET(Siginfo, SI_ERRNO, siginfo_t, si_errno), OFFSET(Siginfo, SI_CODE, siginfo_t, si_code),
    OFFSET(Siginfo, SI_TIMERID, siginfo_t, si_timerid), OFFSET(Siginfo, SI_OVERRUN, siginfo_t, si_overrun),
    OFFSET(Siginfo, SI_VALUE, siginfo_t, si_value), OFFSET(Siginfo, SI_FD, siginfo_t, si_fd),

    CONST(Stat, S_IFMT), CONST(Stat, S_IFSOCK), CONST(Stat, S_IFLNK), CONST(Stat, S_IFREG), CONST(Stat, S_IFBLK),
    CONST(Stat, S_IFDIR), CONST(Stat, S_IFCHR), CONST(Stat, S_IFIFO),
    FACT("layout.stat.host.size", sizeof(struct stat)), STAT(dev, st_dev), STAT(ino, st_ino), STAT(nlink, st_nlink),
    FACT("layout.stat.host.nlinkBytes", sizeof(((struct stat *) 0)->st_nlink)), STAT(mode, st_mode),
    STAT(uid, st_uid), STAT(gid, st_gid), STAT(rdev, st_rdev), STAT(fileSize, st_size), STAT(blksize, st_blksize),
    STAT(blocks, st_blocks), STAT(atime, st_atim), STAT(mtime, st_mtim), STAT(ctime, st_ctim),

    FACT("Statfs.SIZE", sizeof(struct statfs)), OFFSET(Statfs, F_TYPE, struct statfs, f_type),
    OFFSET(Statfs, F_BSIZE, struct statfs, f_bsize), OFFSET(Statfs, F_BLOCKS, struct statfs, f_blocks),
    OFFSET(Statfs, F_BFREE, struct statfs, f_bfree), OFFSET(Statfs, F_BAVAIL, struct statfs, f_bavail),
    OFFSET(Statfs, F_FILES, struct statfs, f_files), OFFSET(Statfs, F_FFREE, struct statfs, f_ffree),
    OFFSET(Statfs, F_FSID, struct statfs, f_fsid), OFFSET(Statfs, F_NAMELEN, struct statfs, f_namelen),
    OFFSET(Statfs, F_FRSIZE, struct statfs, f_frsize), OFFSET(Statfs, F_FLAGS, struct statfs, f_flags),
    CONST(Statfs, ST_RDONLY),

    OFFSET(Dirent, DIRENT64_INO, struct linux_dirent64, d_ino), OFFSET(Dirent, DIRENT64_OFF, struct linux_dirent64, d_off),
    OFFSET(Dirent, DIRENT64_RECLEN, struct linux_dirent64, d_reclen),
    OFFSET(Dirent, DIRENT64_TYPE, struct linux_dirent64, d_type), OFFSET(Dirent, DIRENT64_NAME, struct linux_dirent64, d_name),
    OFFSET(Dirent, DIRENT_INO, struct linux_dirent, d_ino), OFFSET(Dirent, DIRENT_OFF, struct linux_dirent, d_off),
    OFFSET(Dirent, DIRENT_RECLEN, struct linux_dirent, d_reclen), OFFSET(Dirent, DIRENT_NAME, struct linux_dirent, d_name),
    CONST(Dirent, DT_UNKNOWN), CONST(Dirent, DT_FIFO), CONST(Dirent, DT_CHR), CONST(Dirent, DT_DIR), CONST(Dirent, DT_BLK),
    CONST(Dirent, DT_REG), CONST(Dirent, DT_LNK), CONST(Dirent, DT_SOCK),

    CONST(Fcntl, F_DUPFD), CONST(Fcntl, F_GETFD), CONST(Fcntl, F_SETFD), CONST(Fcntl, F_GETFL), CONST(Fcntl, F_SETFL),
    CONST(Fcntl, F_GETLK), CONST(Fcntl, F_SETLK), CONST(Fcntl, F_SETLKW), CONST(Fcntl, F_SETOWN), CONST(Fcntl, F_GETOWN),
    CONST(Fcntl, F_SETSIG), CONST(Fcntl, F_GETSIG), CONST(Fcntl, F_SETOWN_EX), CONST(Fcntl, F_GETOWN_EX),
    CONST(Fcntl, F_OFD_GETLK), CONST(Fcntl, F_OFD_SETLK), CONST(Fcntl, F_OFD_SETLKW), CONST(Fcntl, F_GETPIPE_SZ),
    CONST(Fcntl, F_OWNER_TID), CONST(Fcntl, F_RDLCK), CONST(Fcntl, F_WRLCK), CONST(Fcntl, F_UNLCK),
    FACT("Fcntl.FLOCK_SIZE", sizeof(struct flock)), OFFSET(Fcntl, L_TYPE, struct flock, l_type),
    OFFSET(Fcntl, L_WHENCE, struct flock, l_whence), OFFSET(Fcntl, L_START, struct flock, l_start),
    OFFSET(Fcntl, L_LEN, struct flock, l_len), OFFSET(Fcntl, L_PID, struct flock, l_pid),
    CONST(Fcntl, LOCK_SH), CONST(Fcntl, LOCK_EX), CONST(Fcntl, LOCK_NB), CONST(Fcntl, LOCK_UN),
    CONST(Fcntl, SEEK_SET), CONST(Fcntl, SEEK_CUR), CONST(Fcntl, SEEK_END), CONST(Fcntl, SEEK_DATA),
    CONST(Fcntl, SEEK_HOLE),

    CONST(Mman, PROT_NONE), CONST(Mman, PROT_READ), CONST(Mman, PROT_WRITE), CONST(Mman, PROT_EXEC),
    CONST(Mman, MAP_SHARED), CONST(Mman, MAP_PRIVATE), CONST(Mman, MAP_FIXED), CONST(Mman, MAP_ANONYMOUS),
    CONST(Mman, MAP_GROWSDOWN), CONST(Mman, MAP_DENYWRITE), CONST(Mman, MAP_EXECUTABLE), CONST(Mman, MAP_LOCKED),
    CONST(Mman, MAP_NORESERVE), CONST(Mman, MAP_POPULATE), CONST(Mman, MAP_NONBLOCK), CONST(Mman, MAP_STACK),
    CONST(Mman, MAP_HUGETLB), CONST(Mman, MAP_FIXED_NOREPLACE),

    CONST(Wait, WNOHANG), CONST(Wait, WUNTRACED), CONST(Wait, WEXITED), CONST(Wait, WCONTINUED),
    CONST(Wait, WNOWAIT), FACT("Wait.WNOTHREAD", __WNOTHREAD), FACT("Wait.WALL", __WALL), CONST(Wait, P_ALL),
    CONST(Wait, P_PID), CONST(Wait, P_PGID), CONST(Wait, P_PIDFD),

    CONST(Getrandom, GRND_NONBLOCK), CONST(Getrandom, GRND_RANDOM), CONST(Getrandom, GRND_INSECURE),

    CONST(Inotify, IN_NONBLOCK), CONST(Inotify, IN_CLOEXEC), CONST(Inotify, IN_MODIFY), CONST(Inotify, IN_Q_OVERFLOW),
    CONST(Inotify, IN_IGNORED), CONST(Inotify, IN_DONT_FOLLOW), FACT("Inotify.EVENT_SIZE", sizeof(struct inotify_event)),
    OFFSET(Inotify, WD, struct inotify_event, wd), OFFSET(Inotify, MASK, struct inotify_event, mask),
    OFFSET(Inotify, COOKIE, struct inotify_event, cookie), OFFSET(Inotify, LEN, struct inotify_event, len),
};
const size_t libc_fact_count = sizeof libc_facts / sizeof libc_facts[0];

/* Structs filled with distinct values: AbiFactsTest decodes these bytes and encodes the same values back. */
void libc_samples(void) {
    struct timespec ts = {.tv_sec = 0x0102030405060708LL, .tv_nsec = 123456789};
    print_sample("timespec", &ts, sizeof ts);
    struct timeval tv = {.tv_sec = 0x0a0b0c0d0e0f1011LL, .tv_usec = 654321};
    print_sample("timeval", &tv, sizeof tv);
    struct utimbuf ub = {.actime = -1, .modtime = 0x7fffffff01LL};
    print_sample("utimbuf", &ub, sizeof ub);
    struct itimerspec its = {.it_interval = {1, 2}, .it_value = {3, 4}};
    print_sample("itimerspec", &its, sizeof its);
    struct itimerval itv = {.it_interval = {5, 6}, .it_value = {7, 8}};
    print_sample("itimerval", &itv, sizeof itv);
    struct pollfd pfd[2] = {{.fd = 7, .events = POLLIN | POLLPRI, .revents = (short) 0x8001},
                            {.fd = -1, .events = POLLOUT, .revents = 0}};
    print_sample("pollfd", pfd, sizeof pfd);

    struct sigevent sev;
    memset(&sev, 0, sizeof sev);
    sev.sigev_value.sival_ptr = (void *) 0x1122334455667788LL;
    sev.sigev_signo = 34;
    sev.sigev_notify = SIGEV_THREAD_ID;
    sev.sigev_notify_thread_id = 4242;
    print_sample("sigevent", &sev, sizeof sev);

    siginfo_t si;
    memset(&si, 0, sizeof si);
    si.si_signo = 35;
    si.si_code = SI_TIMER;
    si.si_timerid = 3;
    si.si_overrun = 5;
    si.si_value.sival_ptr = (void *) 0x99aabbccddeeff00LL;
    print_sample("siginfo_timer", &si, sizeof si);

    struct stat st;
    memset(&st, 0, sizeof st);
    st.st_dev = 0x1111;
    st.st_ino = 0x2222222233LL;
    st.st_nlink = 3;
    st.st_mode = S_IFDIR | 0755;
    st.st_uid = 1000;
    st.st_gid = 1001;
    st.st_rdev = 0x4444;
    st.st_size = 0x5555;
    st.st_blksize = 4096;
    st.st_blocks = 8;
    st.st_atim = (struct timespec){1, 2};
    st.st_mtim = (struct timespec){3, 4};
    st.st_ctim = (struct timespec){5, 6};
    print_sample("stat.host", &st, sizeof st);
}
