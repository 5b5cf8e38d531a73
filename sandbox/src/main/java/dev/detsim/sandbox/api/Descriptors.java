package dev.detsim.sandbox.api;

import dev.detsim.sandbox.syscall.Syscall;

/**
 * The traced threads' file descriptors as detsim sees them: copies it can hold (sharing the open file, so flags
 * and readiness are the program's), readiness asked without waiting, and a few calls made on copies.
 */
public interface Descriptors {
    /** A copy of descriptor fd of thread tid in detsim (close it), or -errno (EBADF if the tracee has no such fd). */
    int copy(int tid, int fd);

    /** Closes a copy detsim holds (a negative one is ignored). */
    void close(int copy);

    /** fcntl(F_GETFL) of a copy detsim holds: the open file's status flags (O_NONBLOCK...), or -errno. */
    long statusFlags(int copy);

    /**
     * Whether a blocking call on the tracee's fd that needs events would wait now: false when the fd is
     * ready, non-blocking (O_NONBLOCK: the call returns EAGAIN instead) or not open (the kernel answers).
     */
    boolean wouldWait(int tid, int fd, int events);

    /** What /proc names the open file behind the tracee's fd ("pipe:[12]", "anon_inode:[timerfd]", a path), or null. */
    String openFile(int tid, int fd);

    /** {@link #openFile} for a copy detsim holds. */
    String openFileOfCopy(int copy);

    /** A non-blocking syscall on descriptors detsim holds (copies): its result or -errno. */
    long call(Syscall s, long... args);

    /**
     * call(s, fd, command, buffer) where buffer is a structure the kernel reads and may rewrite (struct flock):
     * it is copied in and, after the call, back into buffer.
     */
    long callWithBuffer(Syscall s, int fd, long command, byte[] buffer);

    /**
     * connect(2) of detsim's copy of a blocking socket (its file status flags are flags) to address (a struct
     * sockaddr), without waiting: the open file is the program's, so O_NONBLOCK is set on it only for this
     * call. 0, or -errno (EINPROGRESS, EAGAIN...).
     */
    long connectWithoutWaiting(int copy, long flags, byte[] address);

    /**
     * Waits (in host time, up to timeoutMillis) until the tracee's fd has something to read; true if it has.
     * Only for descriptors detsim itself feeds, whose data is on its way whatever the program does.
     */
    boolean awaitReadable(int tid, int fd, long timeoutMillis);

    /**
     * Polls the tracee's fds without waiting: revents[i] gets what fds[i] reports now; a negative fd is
     * skipped, as poll(2) does, and a closed one reports POLLNVAL. Returns how many report something.
     */
    int poll(int tid, int[] fds, int[] events, int[] revents);

    /** Zero-timeout poll over descriptors detsim holds (negative ones skipped); how many report something. */
    int pollCopies(int[] copies, int[] events, int[] revents);

    /**
     * Free bytes in the pipe the tracee's fd writes to, or -1 if fd is not a pipe (or the tracee has no such
     * fd). A blocking write larger than this would wait for a reader.
     */
    long pipeSpace(int tid, int fd);

    /**
     * Adds expirations to a timerfd (a copy detsim holds): the count a read(2) of it returns grows by ticks and
     * the fd becomes readable, as if the kernel's own timer had expired. 0, or -errno.
     */
    int addTimerTicks(int copy, long ticks);
}
