package dev.detsim.sandbox.handlers;

import static dev.detsim.sandbox.handlers.GuestFiles.AT_EMPTY_PATH;
import static dev.detsim.sandbox.handlers.GuestFiles.AT_FDCWD;
import static dev.detsim.sandbox.handlers.GuestFiles.AT_SYMLINK_FOLLOW;
import static dev.detsim.sandbox.handlers.GuestFiles.AT_SYMLINK_NOFOLLOW;

import dev.detsim.sandbox.handlers.GuestFiles.HostInode;
import dev.detsim.sandbox.syscall.Syscall;
import dev.detsim.sandbox.os.ProcFiles;
import dev.detsim.sandbox.api.Disposition;
import dev.detsim.sandbox.api.ExecStop;
import dev.detsim.sandbox.api.StopObserver;
import dev.detsim.sandbox.api.SyscallHandler;
import dev.detsim.sandbox.api.SyscallStop;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.EnumSet;
import java.util.Set;

/**
 * Watches the calls that change files — writes, truncation, creation, removal, renames, links, mode and
 * owner changes, and the program's own utimensat — and records each change in {@link FileChanges} at the
 * virtual time of the call. Every call runs unchanged (PASSTHROUGH); when detsim cannot find the file a
 * call names, the change is simply not recorded and the kernel gives the call's error.
 *
 * <p>Where {@link FileChanges#watchesWrites()}, the data-writing calls (write, pwrite64, ftruncate, ...) do
 * not stop for this handler: the regular files the program opens for writing, creates, or inherits open are
 * watched instead, and what it wrote to is learnt at its next stop ({@link WriteWatch}).
 */
public final class FileChangeHandler implements SyscallHandler, StopObserver {
    // x86_64's values. aarch64 shares O_CREAT, O_EXCL and O_TRUNC but not O_NOFOLLOW or O_TMPFILE (nor
    // O_DIRECTORY inside it): those belong in the arch layer once detsim runs there.
    static final int O_CREAT = 0100, O_EXCL = 0200, O_TRUNC = 01000, O_NOFOLLOW = 0400000, O_TMPFILE = 020200000;
    private static final int O_WRONLY = 01, O_ACCMODE = 03, RENAME_EXCHANGE = 2;
    /** The calls that write data into an open file: with a write watch they need not stop. */
    private static final Set<Syscall> DATA_WRITES = EnumSet.of(Syscall.WRITE, Syscall.PWRITE64, Syscall.WRITEV,
            Syscall.PWRITEV, Syscall.PWRITEV2, Syscall.COPY_FILE_RANGE, Syscall.SENDFILE, Syscall.SPLICE,
            Syscall.FTRUNCATE, Syscall.FALLOCATE);
    private static final long UTIME_NOW = (1L << 30) - 1, UTIME_OMIT = (1L << 30) - 2;

    private final FileChanges changes;
    private final GuestFiles files;
    private boolean inheritedWatched;

    public FileChangeHandler(FileChanges changes) {
        this.changes = changes;
        this.files = changes.files();
    }

    @Override
    public Set<Syscall> subscriptions() {
        // Some exist only on x86_64 (open, creat, mkdir, rename, utime, ...): the filter skips them elsewhere.
        Set<Syscall> s = EnumSet.of(Syscall.TRUNCATE, Syscall.OPEN, Syscall.OPENAT, Syscall.OPENAT2, Syscall.CREAT,
                Syscall.MKDIR, Syscall.MKDIRAT, Syscall.MKNOD, Syscall.MKNODAT, Syscall.SYMLINK, Syscall.SYMLINKAT,
                Syscall.LINK, Syscall.LINKAT, Syscall.UNLINK, Syscall.UNLINKAT, Syscall.RMDIR, Syscall.RENAME,
                Syscall.RENAMEAT, Syscall.RENAMEAT2, Syscall.CHMOD, Syscall.FCHMOD, Syscall.FCHMODAT, Syscall.CHOWN,
                Syscall.LCHOWN, Syscall.FCHOWN, Syscall.FCHOWNAT, Syscall.UTIMENSAT, Syscall.FUTIMESAT,
                Syscall.UTIMES, Syscall.UTIME);
        if (!changes.watchesWrites()) s.addAll(DATA_WRITES);
        return s;
    }

    @Override
    public void runningThreadStopped(int tid) {
        changes.runningThreadStopped(tid);
    }

    /** The first program: the regular files it inherited open for writing (a redirected stdout) are watched. */
    @Override
    public void onExec(ExecStop exec) {
        if (inheritedWatched || !changes.watchesWrites()) return;
        inheritedWatched = true;
        int[] fds = ProcFiles.numberedEntries("/proc/" + exec.tid() + "/fd");
        if (fds == null) return;
        for (int fd : fds) {
            byte[] info = ProcFiles.read("/proc/" + exec.tid() + "/fdinfo/" + fd);
            if (info != null && (openFlags(info) & O_ACCMODE) != 0) changes.watchDescriptor(exec.tid(), fd);
        }
    }

    /** The octal "flags:" line of a /proc/PID/fdinfo/FD file; 0 if absent. */
    static int openFlags(byte[] fdinfo) {
        String text = new String(fdinfo, java.nio.charset.StandardCharsets.US_ASCII);
        for (String line : text.split("\n")) {
            if (line.startsWith("flags:")) return Integer.parseInt(line.substring(6).trim(), 8);
        }
        return 0;
    }

    @Override
    public Disposition onSyscall(SyscallStop stop) {
        changes.settle(stop.tid());
        int tid = stop.tid();
        switch (stop.syscall()) {
            case WRITE, PWRITE64 -> {
                if (stop.argument(2) != 0) dataWritten(tid, (int) stop.argument(0));
            }
            case WRITEV, PWRITEV, PWRITEV2, SENDFILE, FTRUNCATE, FALLOCATE -> dataWritten(tid, (int) stop.argument(0));
            case COPY_FILE_RANGE, SPLICE -> dataWritten(tid, (int) stop.argument(2));
            case TRUNCATE -> {
                HostInode f = identify(stop, AT_FDCWD, 0, 0);
                if (f != null && f.regular()) changes.modified(f);
            }
            case OPEN -> open(stop, AT_FDCWD, 0, (int) stop.argument(1));
            case OPENAT -> open(stop, (int) stop.argument(0), 1, (int) stop.argument(2));
            case OPENAT2 -> {
                Long flags = stop.memory().readWord(tid, stop.argument(2)); // struct open_how starts with u64 flags
                if (flags != null) open(stop, (int) stop.argument(0), 1, flags.intValue());
            }
            case CREAT -> open(stop, AT_FDCWD, 0, O_CREAT | O_WRONLY | O_TRUNC);
            case MKDIR, MKNOD -> create(stop, AT_FDCWD, 0);
            case MKDIRAT, MKNODAT -> create(stop, (int) stop.argument(0), 1);
            case SYMLINK -> create(stop, AT_FDCWD, 1);
            case SYMLINKAT -> create(stop, (int) stop.argument(1), 2);
            case LINK -> link(stop, AT_FDCWD, 0, AT_FDCWD, 1, 0);
            case LINKAT -> link(stop, (int) stop.argument(0), 1, (int) stop.argument(2), 3, (int) stop.argument(4));
            case UNLINK, RMDIR -> remove(stop, AT_FDCWD, 0);
            case UNLINKAT -> remove(stop, (int) stop.argument(0), 1);
            case RENAME -> rename(stop, AT_FDCWD, 0, AT_FDCWD, 1, 0);
            case RENAMEAT -> rename(stop, (int) stop.argument(0), 1, (int) stop.argument(2), 3, 0);
            case RENAMEAT2 -> rename(stop, (int) stop.argument(0), 1, (int) stop.argument(2), 3, (int) stop.argument(4));
            case CHMOD, CHOWN -> statusChanged(identify(stop, AT_FDCWD, 0, 0));
            case LCHOWN -> statusChanged(identify(stop, AT_FDCWD, 0, AT_SYMLINK_NOFOLLOW));
            case FCHMOD, FCHOWN -> statusChanged(files.identifyDescriptor(tid, (int) stop.argument(0)));
            case FCHMODAT -> statusChanged(identify(stop, (int) stop.argument(0), 1, 0));
            case FCHOWNAT -> statusChanged(identify(stop, (int) stop.argument(0), 1, (int) stop.argument(4)));
            case UTIMENSAT -> setTimes(stop, (int) stop.argument(0), 1, stop.argument(2), (int) stop.argument(3), false);
            case FUTIMESAT -> setTimes(stop, (int) stop.argument(0), 1, stop.argument(2), 0, true);
            case UTIMES -> setTimes(stop, AT_FDCWD, 0, stop.argument(1), 0, true);
            case UTIME -> utime(stop);
            default -> {}
        }
        return Disposition.PASSTHROUGH;
    }

    /** Data written to descriptor fd: a regular file's mtime and ctime become now (pipes, sockets, ttys: nothing). */
    private void dataWritten(int tid, int fd) {
        HostInode f = files.identifyDescriptor(tid, fd);
        if (f != null && f.regular()) changes.modified(f);
    }

    private void statusChanged(HostInode f) {
        if (f != null) changes.statusChanged(f);
    }

    /** The host inode that argument pathArgument (relative to dirfd) names, with AT_* flags; null if none. */
    private HostInode identify(SyscallStop stop, int dirfd, int pathArgument, int flags) {
        byte[] path = path(stop, pathArgument, flags);
        return path == null ? null : files.identify(stop.tid(), dirfd, path, flags);
    }

    private static byte[] path(SyscallStop stop, int argument, int flags) {
        long address = stop.argument(argument);
        if (address == 0 && (flags & AT_EMPTY_PATH) != 0) return new byte[0];
        return GuestFiles.readPath(stop, address);
    }

    private void open(SyscallStop stop, int dirfd, int pathArgument, int flags) {
        boolean watchWritable = (flags & O_ACCMODE) != 0 && changes.watchesWrites();
        if ((flags & O_TMPFILE) == O_TMPFILE) { // a new file without a name: watched through its descriptor
            int tid = stop.tid();
            if (watchWritable) stop.onReturn(fd -> {
                if (fd >= 0) changes.watchDescriptor(tid, (int) fd);
            });
            return;
        }
        if ((flags & (O_CREAT | O_TRUNC)) == 0 && !watchWritable) return;
        byte[] path = path(stop, pathArgument, 0);
        if (path == null) return;
        boolean create = (flags & O_CREAT) != 0, exclusive = create && (flags & O_EXCL) != 0;
        boolean nofollow = exclusive || (flags & O_NOFOLLOW) != 0; // O_EXCL never follows a final symlink
        HostInode existing = files.identify(stop.tid(), dirfd, path, nofollow ? AT_SYMLINK_NOFOLLOW : 0);
        if (existing == null) {
            if (create) changes.expectCreation(stop.tid(), dirfd, path, nofollow, watchWritable);
            return;
        }
        if (exclusive) return; // EEXIST
        if ((flags & O_TRUNC) != 0 && existing.regular()) changes.modified(existing);
        if (watchWritable) changes.watchOpened(existing, stop.tid(), dirfd, path, nofollow);
    }

    private void create(SyscallStop stop, int dirfd, int pathArgument) {
        byte[] path = path(stop, pathArgument, 0);
        if (path == null) return;
        if (files.identify(stop.tid(), dirfd, path, AT_SYMLINK_NOFOLLOW) == null) {
            changes.expectCreation(stop.tid(), dirfd, path, true);
        }
    }

    private void remove(SyscallStop stop, int dirfd, int pathArgument) {
        byte[] path = path(stop, pathArgument, 0);
        if (path != null) changes.expectRemoval(stop.tid(), dirfd, path);
    }

    private void rename(SyscallStop stop, int fromDir, int fromArgument, int toDir, int toArgument, int flags) {
        byte[] from = path(stop, fromArgument, 0), to = path(stop, toArgument, 0);
        if (from != null && to != null) {
            changes.expectRename(stop.tid(), fromDir, from, toDir, to, (flags & RENAME_EXCHANGE) != 0);
        }
    }

    private void link(SyscallStop stop, int fromDir, int fromArgument, int toDir, int toArgument, int flags) {
        // linkat follows a final symlink only when asked (AT_SYMLINK_FOLLOW); AT_EMPTY_PATH links the descriptor.
        int identifyFlags = ((flags & AT_SYMLINK_FOLLOW) != 0 ? 0 : AT_SYMLINK_NOFOLLOW) | (flags & AT_EMPTY_PATH);
        HostInode target = identify(stop, fromDir, fromArgument, identifyFlags);
        byte[] to = path(stop, toArgument, 0);
        if (target == null || to == null) return;
        if (files.identify(stop.tid(), toDir, to, AT_SYMLINK_NOFOLLOW) == null) {
            changes.expectLink(stop.tid(), target, toDir, to);
        }
    }

    /**
     * utimensat (timespecs) and futimesat/utimes (timevals): the times the program sets, exactly; a null
     * array means now, UTIME_NOW now and UTIME_OMIT unchanged. A null path (utimensat) means dirfd itself.
     */
    private void setTimes(SyscallStop stop, int dirfd, int pathArgument, long timesAddress, int flags, boolean timeval) {
        HostInode f;
        if (stop.argument(pathArgument) == 0) {
            f = files.identifyDescriptor(stop.tid(), dirfd);
        } else {
            f = identify(stop, dirfd, pathArgument, flags & (AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH));
        }
        if (f == null) return;
        long now = changes.now();
        Long access = now, modify = now;
        if (timesAddress != 0) {
            byte[] raw = stop.memory().read(stop.tid(), timesAddress, 32);
            if (raw == null || raw.length < 32) return; // EFAULT
            ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.nativeOrder());
            long unit = timeval ? 1_000 : 1, limit = timeval ? 1_000_000 : 1_000_000_000;
            Long[] result = new Long[2];
            for (int i = 0; i < 2; i++) {
                long seconds = b.getLong(16 * i), fraction = b.getLong(16 * i + 8);
                if (!timeval && fraction == UTIME_NOW) {
                    result[i] = now;
                } else if (!timeval && fraction == UTIME_OMIT) {
                    result[i] = null;
                } else if (fraction < 0 || fraction >= limit) {
                    return; // EINVAL: nothing changes
                } else {
                    result[i] = seconds * 1_000_000_000L + fraction * unit;
                }
            }
            if (result[0] == null && result[1] == null) return; // both UTIME_OMIT: the kernel changes nothing
            access = result[0];
            modify = result[1];
        }
        changes.setByProgram(f, access, modify);
    }

    /** utime(path, struct utimbuf {actime, modtime}): whole seconds; a null buffer means now. */
    private void utime(SyscallStop stop) {
        HostInode f = identify(stop, AT_FDCWD, 0, 0);
        if (f == null) return;
        long address = stop.argument(1);
        if (address == 0) {
            changes.setByProgram(f, changes.now(), changes.now());
            return;
        }
        byte[] raw = stop.memory().read(stop.tid(), address, 16);
        if (raw == null || raw.length < 16) return;
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.nativeOrder());
        changes.setByProgram(f, b.getLong(0) * 1_000_000_000L, b.getLong(8) * 1_000_000_000L);
    }
}
