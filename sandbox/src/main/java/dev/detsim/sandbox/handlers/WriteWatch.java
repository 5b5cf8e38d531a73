package dev.detsim.sandbox.handlers;

import static dev.detsim.abi.AtFlags.AT_FDCWD;
import static dev.detsim.abi.Inotify.*;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.detsim.sandbox.handlers.GuestFiles.HostInode;
import dev.detsim.abi.Errno;
import dev.detsim.sandbox.os.ReadinessFlag;
import dev.detsim.sandbox.syscall.Syscall;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Learns which regular files the program wrote to without stopping it at every write: an inotify instance
 * of detsim's watches each regular file the program opens for writing (IN_MODIFY: write, pwrite, truncate,
 * fallocate, splice, sendfile, copy_file_range), and is read whenever the running thread stops.
 *
 * <p>Why this is deterministic: one thread runs at a time, and the kernel queues a file's event inside the
 * write call itself, so what {@link #modifiedSince} returns at a stop is exactly the set of watched files the
 * thread wrote to since its last stop — in its current turn, whose virtual time is the time they get. A
 * sqlite3 transaction's pwrite64 calls, 40% of the stops of a run of database writers, no longer stop at all.
 * A {@link ReadinessFlag} the kernel raises in the same write call spares the read at stops after which
 * nothing was written.
 *
 * <p>What it cannot see: writes through a shared memory mapping (as before: no syscall); writes into a
 * memfd_create file (the kernel sends no inotify events for such pseudo files: their times stay the epoch);
 * writes by processes outside the run (they are recorded like the program's own); and writes to a file the
 * run neither opened for writing nor inherited (only a descriptor received from outside over a unix socket
 * can be such a file). Writes into a file in the turn that created it leave it the times of its creation.
 */
final class WriteWatch {

    private final GuestFiles files;
    private final int fd;
    private final MemorySegment buffer = Arena.ofAuto().allocate(4096, 8);
    private final Map<Integer, HostInode> watched = new HashMap<>();
    private boolean overflowed;
    /**
     * Raised by the kernel when the instance gets an event: while it is down, a stop reads nothing. Made at the
     * first watch (on the tracer thread, which must own it); null where io_uring cannot give one (then every
     * stop reads the instance).
     */
    private ReadinessFlag queued;
    private boolean queuedTried;

    private WriteWatch(GuestFiles files, int fd) {
        this.files = files;
        this.fd = fd;
    }

    /** A watch, or null where inotify is unavailable (then every write has to stop instead). */
    static WriteWatch open(GuestFiles files) {
        long fd = files.posix().call(Syscall.INOTIFY_INIT1, IN_NONBLOCK | IN_CLOEXEC);
        return fd < 0 ? null : new WriteWatch(files, (int) fd);
    }

    /**
     * Watches file, which the thread's (dirfd, path) names now (detsim just identified it there); returns 0 or
     * -errno (ENOSPC: the host's inotify watch limit).
     */
    int watch(HostInode file, int tid, int dirfd, byte[] path, boolean nofollow) {
        int mask = IN_MODIFY | (nofollow ? IN_DONT_FOLLOW : 0);
        long wd = files.at(tid, dirfd, path, 0, (posix, base, address, flags) -> base == AT_FDCWD
                ? posix.call(Syscall.INOTIFY_ADD_WATCH, fd, address, mask) : -Errno.ENAMETOOLONG);
        return added(file, wd);
    }

    /** Watches file, open as the thread's descriptor fd. */
    int watchDescriptor(HostInode file, int tid, int descriptor) {
        long wd = files.onDescriptor(tid, descriptor,
                (posix, base, address, flags) -> posix.call(Syscall.INOTIFY_ADD_WATCH, fd, address, IN_MODIFY));
        return added(file, wd);
    }

    /** Watches file, which relative names from detsim's own directory descriptor dirfd (AT_FDCWD: absolute). */
    int watchAt(HostInode file, int dirfd, byte[] relative, boolean nofollow) {
        // inotify_add_watch has no *at form: a descriptor of detsim's is reached through /proc/self/fd.
        byte[] base = dirfd == AT_FDCWD ? null
                : ("/proc/self/fd/" + dirfd).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        if ((base == null ? 0 : base.length + 1) + relative.length >= GuestFiles.PATH_MAX) {
            return added(file, -Errno.ENAMETOOLONG);
        }
        long path = base == null ? files.cString(relative, null) : files.cString(base, relative);
        long wd = files.posix().call(Syscall.INOTIFY_ADD_WATCH, fd, path, IN_MODIFY | (nofollow ? IN_DONT_FOLLOW : 0));
        return added(file, wd);
    }

    private int added(HostInode file, long wd) {
        if (wd < 0) return (int) wd;
        if (!queuedTried) {
            queuedTried = true;
            queued = ReadinessFlag.open(files.posix(), fd);
        }
        watched.put((int) wd, file);
        return 0;
    }

    /** Whether any file is watched: if not, there is nothing to read at a stop. */
    boolean watching() {
        return !watched.isEmpty();
    }

    /**
     * The watched files written to since the last call, each once, in the order of their first event. If the
     * kernel's queue overflowed (more than fs.inotify.max_queued_events distinct events between two stops:
     * later events were dropped), every watched file counts as written.
     */
    List<HostInode> modifiedSince() {
        if (queued != null) {
            if (!queued.raised()) return List.of();
            if (!queued.clear()) { // the ring failed: read at every stop from now on
                queued.close();
                queued = null;
            }
        }
        List<HostInode> modified = new ArrayList<>(2);
        boolean lost = false;
        for (;;) {
            long n = files.posix().call(Syscall.READ, fd, buffer.address(), buffer.byteSize());
            if (n <= 0) break; // EAGAIN: the queue is empty
            for (int at = 0; at + EVENT_SIZE <= n; at += EVENT_SIZE + buffer.get(JAVA_INT, at + LEN)) {
                int wd = buffer.get(JAVA_INT, at + WD), mask = buffer.get(JAVA_INT, at + MASK);
                if ((mask & IN_Q_OVERFLOW) != 0) lost = true;
                HostInode file = watched.get(wd);
                if (file == null) continue;
                if ((mask & IN_MODIFY) != 0 && !modified.contains(file)) modified.add(file);
                if ((mask & IN_IGNORED) != 0) watched.remove(wd); // the file is gone (or unmounted)
            }
        }
        if (!lost) return modified;
        overflowed = true;
        for (HostInode f : watched.values()) if (!modified.contains(f)) modified.add(f);
        return modified;
    }

    /** Whether the kernel's event queue ever overflowed (and every watched file was taken as written). */
    boolean overflowed() {
        return overflowed;
    }
}
