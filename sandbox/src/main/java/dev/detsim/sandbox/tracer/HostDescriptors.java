package dev.detsim.sandbox.tracer;

import dev.detsim.sandbox.api.Descriptors;

import static dev.detsim.abi.Fcntl.F_GETFL;
import static dev.detsim.abi.Fcntl.F_GETPIPE_SZ;
import static dev.detsim.abi.Fcntl.F_SETFL;
import static dev.detsim.abi.OpenFlags.O_NONBLOCK;
import static dev.detsim.abi.Poll.POLLIN;
import static dev.detsim.abi.Poll.POLLNVAL;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import dev.detsim.abi.Errno;
import dev.detsim.sandbox.os.Posix;
import dev.detsim.sandbox.syscall.Syscall;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HashMap;
import java.util.Map;

/**
 * Tracees' file descriptors as detsim sees them: it takes a copy of a descriptor with pidfd_getfd(2) (the
 * copy shares the open file description, so flags and readiness are the tracee's) and asks the kernel
 * with a zero-timeout ppoll whether a call would block. Owned by the tracer thread; pidfds are cached per
 * thread and closed when it exits.
 */
public final class HostDescriptors implements Descriptors {
    private static final int FIONREAD = 0x541B;

    private final Posix posix;
    private final Arena arena;
    private final Map<Integer, Integer> pidfds = new HashMap<>();
    private final MemorySegment zeroTime;
    private final MemorySegment word;
    private final MemorySegment scratch;
    private MemorySegment pollfds;

    HostDescriptors(Posix posix, Arena arena) {
        this.posix = posix;
        this.arena = arena;
        this.zeroTime = arena.allocate(16, 8);
        this.word = arena.allocate(8, 8);
        this.scratch = arena.allocate(128, 8); // a struct sockaddr_un (110 bytes) fits
        this.pollfds = arena.allocate(8 * 64, 8);
    }

    /** A copy of descriptor fd of thread tid in detsim (close it), or -errno (EBADF if the tracee has no such fd). */
    @Override
    public int copy(int tid, int fd) {
        int pidfd = pidfd(tid);
        if (pidfd < 0) return pidfd;
        return posix.pidfdGetfd(pidfd, fd);
    }

    @Override
    public void close(int fd) {
        if (fd >= 0) posix.close(fd);
    }

    /** fcntl(F_GETFL) of a copy detsim holds: the open file's status flags (O_NONBLOCK...), or -errno. */
    @Override
    public long statusFlags(int copy) {
        return posix.call(Syscall.FCNTL, copy, F_GETFL);
    }

    /**
     * Whether a blocking call on the tracee's fd that needs events would wait now: false when the fd is
     * ready, non-blocking (O_NONBLOCK: the call returns EAGAIN instead) or not open (the kernel answers).
     */
    @Override
    public boolean wouldWait(int tid, int fd, int events) {
        int copy = copy(tid, fd);
        if (copy < 0) return false;
        try {
            long flags = posix.call(Syscall.FCNTL, copy, F_GETFL);
            if (flags < 0 || (flags & O_NONBLOCK) != 0) return false;
            int[] revents = new int[1];
            return pollCopies(new int[] {copy}, new int[] {events}, revents) == 0;
        } finally {
            posix.close(copy);
        }
    }

    /** What /proc names the open file behind the tracee's fd ("pipe:[12]", "anon_inode:[timerfd]", a path), or null. */
    @Override
    public String openFile(int tid, int fd) {
        return link("/proc/" + tid + "/fd/" + fd);
    }

    /** {@link #openFile} for a copy detsim holds. */
    @Override
    public String openFileOfCopy(int copy) {
        return link("/proc/self/fd/" + copy);
    }

    private static String link(String path) {
        try {
            return java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of(path)).toString();
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    /** A non-blocking syscall on descriptors detsim holds (copies): its result or -errno. */
    @Override
    public long call(Syscall s, long... args) {
        return posix.call(s, args);
    }

    /**
     * call(s, fd, command, buffer) where buffer is a structure the kernel reads and may rewrite (struct flock):
     * it is copied in and, after the call, back into buffer.
     */
    @Override
    public long callWithBuffer(Syscall s, int fd, long command, byte[] buffer) {
        MemorySegment m = staged(buffer);
        long r = posix.call(s, fd, command, m.address());
        MemorySegment.copy(m, ValueLayout.JAVA_BYTE, 0, buffer, 0, buffer.length);
        return r;
    }

    /**
     * connect(2) of detsim's copy of a blocking socket (its file status flags are flags) to address (a struct
     * sockaddr), without waiting: the open file is the program's, so O_NONBLOCK is set on it only for this
     * call. 0, or -errno (EINPROGRESS, EAGAIN...).
     */
    @Override
    public long connectWithoutWaiting(int copy, long flags, byte[] address) {
        MemorySegment m = staged(address);
        posix.call(Syscall.FCNTL, copy, F_SETFL, flags | O_NONBLOCK);
        long r = posix.call(Syscall.CONNECT, copy, m.address(), address.length);
        posix.call(Syscall.FCNTL, copy, F_SETFL, flags);
        return r;
    }

    /** buffer copied into native memory for a call (the scratch buffer when it fits). */
    private MemorySegment staged(byte[] buffer) {
        MemorySegment m = buffer.length <= scratch.byteSize() ? scratch : arena.allocate(buffer.length, 8);
        MemorySegment.copy(buffer, 0, m, ValueLayout.JAVA_BYTE, 0, buffer.length);
        return m;
    }

    /**
     * Waits (in host time, up to timeoutMillis) until the tracee's fd has something to read; true if it has.
     * Only for descriptors detsim itself feeds, whose data is on its way whatever the program does.
     */
    @Override
    public boolean awaitReadable(int tid, int fd, long timeoutMillis) {
        int copy = copy(tid, fd);
        if (copy < 0) return false;
        try {
            pollfds.set(JAVA_INT, 0, copy);
            pollfds.set(JAVA_SHORT, 4, (short) POLLIN);
            pollfds.set(JAVA_SHORT, 6, (short) 0);
            long r = posix.callBlocking(Syscall.POLL, pollfds.address(), 1, timeoutMillis, 0);
            return r > 0;
        } finally {
            posix.close(copy);
        }
    }

    /**
     * Polls the tracee's fds (copies taken here) without waiting: revents[i] gets what fds[i] reports now;
     * a negative fd is skipped, as poll(2) does, and a closed one reports POLLNVAL. Returns how many report
     * something.
     */
    @Override
    public int poll(int tid, int[] fds, int[] events, int[] revents) {
        int[] copies = new int[fds.length];
        try {
            for (int i = 0; i < fds.length; i++) copies[i] = fds[i] < 0 ? -1 : copy(tid, fds[i]);
            int ready = pollCopies(copies, events, revents);
            for (int i = 0; i < fds.length; i++) {
                if (fds[i] >= 0 && copies[i] < 0) {
                    revents[i] = POLLNVAL;
                    ready++;
                }
            }
            return ready;
        } finally {
            for (int c : copies) close(c);
        }
    }

    /** Zero-timeout ppoll over descriptors detsim holds (negative ones skipped); how many report something. */
    @Override
    public int pollCopies(int[] copies, int[] events, int[] revents) {
        if (pollfds.byteSize() < 8L * copies.length) pollfds = arena.allocate(8L * copies.length * 2, 8);
        for (int i = 0; i < copies.length; i++) {
            pollfds.set(JAVA_INT, 8L * i, copies[i]);
            pollfds.set(JAVA_SHORT, 8L * i + 4, (short) events[i]);
            pollfds.set(JAVA_SHORT, 8L * i + 6, (short) 0);
        }
        long r = posix.call(Syscall.PPOLL, pollfds.address(), copies.length, zeroTime.address(), 0, 8);
        int ready = 0;
        for (int i = 0; i < copies.length; i++) {
            revents[i] = r < 0 ? 0 : pollfds.get(JAVA_SHORT, 8L * i + 6) & 0xffff;
            if (revents[i] != 0) ready++;
        }
        return ready;
    }

    /**
     * Free bytes in the pipe the tracee's fd writes to, or -1 if fd is not a pipe (or the tracee has no such
     * fd). A blocking write larger than this would wait for a reader.
     */
    @Override
    public long pipeSpace(int tid, int fd) {
        int copy = copy(tid, fd);
        if (copy < 0) return -1;
        try {
            long size = posix.call(Syscall.FCNTL, copy, F_GETPIPE_SZ);
            if (size < 0) return -1;
            long r = posix.call(Syscall.IOCTL, copy, FIONREAD, word.address());
            if (r < 0) return -1;
            return Math.max(0, size - word.get(JAVA_INT, 0));
        } finally {
            posix.close(copy);
        }
    }

    /** Forgets thread tid (it exited or changed its tid at exec). */
    void forget(int tid) {
        Integer pidfd = pidfds.remove(tid);
        if (pidfd != null) posix.close(pidfd);
    }

    /** TFD_IOC_SET_TICKS: sets a timerfd's expiration count and wakes its readers (CONFIG_CHECKPOINT_RESTORE). */
    private static final long TFD_IOC_SET_TICKS = 0x40085400L;

    /**
     * Adds expirations to a timerfd (a copy detsim holds): the count a read(2) of it returns grows by ticks and
     * the fd becomes readable, as if the kernel's own timer had expired. 0, or -errno (ENOTTY: not a timerfd,
     * or a kernel without CONFIG_CHECKPOINT_RESTORE).
     */
    @Override
    public int addTimerTicks(int copy, long ticks) {
        long unread = 0;
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/fdinfo/" + copy))) {
                if (line.startsWith("ticks:")) unread = Long.parseLong(line.substring(6).trim());
            }
        } catch (java.io.IOException | NumberFormatException e) {
            return -Errno.EBADF;
        }
        word.set(ValueLayout.JAVA_LONG, 0, unread + ticks);
        return (int) posix.call(Syscall.IOCTL, copy, TFD_IOC_SET_TICKS, word.address());
    }

    private int pidfd(int tid) {
        Integer cached = pidfds.get(tid);
        if (cached != null) return cached;
        int pidfd = posix.pidfdOpen(tid, Posix.PIDFD_THREAD);
        if (pidfd == -Errno.EINVAL) pidfd = posix.pidfdOpen(tid, 0); // before Linux 6.9: leaders only
        if (pidfd >= 0) pidfds.put(tid, pidfd);
        return pidfd;
    }
}
