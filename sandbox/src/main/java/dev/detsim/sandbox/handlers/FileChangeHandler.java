package dev.detsim.sandbox.handlers;

import static dev.detsim.abi.AtFlags.AT_EMPTY_PATH;
import static dev.detsim.abi.AtFlags.AT_FDCWD;
import static dev.detsim.abi.AtFlags.AT_SYMLINK_FOLLOW;
import static dev.detsim.abi.AtFlags.AT_SYMLINK_NOFOLLOW;
import static dev.detsim.abi.AtFlags.RENAME_EXCHANGE;
import static dev.detsim.abi.OpenFlags.O_ACCMODE;
import static dev.detsim.abi.OpenFlags.O_CREAT;
import static dev.detsim.abi.OpenFlags.O_EXCL;
import static dev.detsim.abi.OpenFlags.O_TRUNC;
import static dev.detsim.abi.OpenFlags.O_WRONLY;

import dev.detsim.abi.OpenFlags;
import dev.detsim.abi.OpenHow;
import dev.detsim.abi.Time;
import dev.detsim.abi.Timespec;
import dev.detsim.abi.Timeval;
import dev.detsim.abi.Utimbuf;
import dev.detsim.sandbox.arch.Arch;
import dev.detsim.sandbox.handlers.GuestFiles.HostInode;
import dev.detsim.sandbox.syscall.Syscall;
import dev.detsim.sandbox.os.ProcFiles;
import dev.detsim.sandbox.api.Disposition;
import dev.detsim.sandbox.api.ExecStop;
import dev.detsim.sandbox.api.StopObserver;
import dev.detsim.sandbox.api.SyscallHandler;
import dev.detsim.sandbox.api.SyscallStop;
import java.util.Collections;
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
    /** The calls that write data into an open file: with a write watch they need not stop. */
    private static final Set<Syscall> DATA_WRITES = EnumSet.of(Syscall.WRITE, Syscall.PWRITE64, Syscall.WRITEV,
            Syscall.PWRITEV, Syscall.PWRITEV2, Syscall.COPY_FILE_RANGE, Syscall.SENDFILE, Syscall.SPLICE,
            Syscall.FTRUNCATE, Syscall.FALLOCATE);
    /** The guest's O_NOFOLLOW and O_TMPFILE: their values differ by architecture. */
    private static final OpenFlags OPEN_FLAGS = Arch.current().openFlags();

    private final FileChanges changes;
    private final GuestFiles files;
    private boolean inheritedWatched;

    public FileChangeHandler(FileChanges changes) {
        this.changes = changes;
        this.files = changes.files();
    }

    /**
     * The calls that open, make, remove, rename or relink a file, or change its mode, owner or times: they stop
     * for this handler always (some exist only on x86_64 — open, creat, mkdir, rename, utime, ...: the filter
     * skips them elsewhere). {@link InputFilesHandler} sees the same ones, so a recorded run stops where a plain one does.
     */
    static final Set<Syscall> FILE_CHANGES = Collections.unmodifiableSet(EnumSet.of(Syscall.TRUNCATE, Syscall.OPEN,
            Syscall.OPENAT, Syscall.OPENAT2, Syscall.CREAT, Syscall.MKDIR, Syscall.MKDIRAT, Syscall.MKNOD, Syscall.MKNODAT,
            Syscall.SYMLINK, Syscall.SYMLINKAT, Syscall.LINK, Syscall.LINKAT, Syscall.UNLINK, Syscall.UNLINKAT,
            Syscall.RMDIR, Syscall.RENAME, Syscall.RENAMEAT, Syscall.RENAMEAT2, Syscall.CHMOD, Syscall.FCHMOD,
            Syscall.FCHMODAT, Syscall.CHOWN, Syscall.LCHOWN, Syscall.FCHOWN, Syscall.FCHOWNAT, Syscall.UTIMENSAT,
            Syscall.FUTIMESAT, Syscall.UTIMES, Syscall.UTIME));

    @Override
    public Set<Syscall> subscriptions() {
        Set<Syscall> s = EnumSet.copyOf(FILE_CHANGES);
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
                byte[] how = stop.memory().read(tid, stop.argument(2), OpenHow.SIZE);
                if (how != null && how.length == OpenHow.SIZE) {
                    open(stop, (int) stop.argument(0), 1, (int) OpenHow.decode(how).flags());
                }
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
        // O_TMPFILE: a new file without a name, watched through its descriptor.
        if ((flags & OPEN_FLAGS.O_TMPFILE) == OPEN_FLAGS.O_TMPFILE) {
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
        boolean nofollow = exclusive || (flags & OPEN_FLAGS.O_NOFOLLOW) != 0; // O_EXCL never follows a final symlink
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
            byte[] raw = stop.memory().read(stop.tid(), timesAddress, 2 * Timespec.SIZE); // or two timevals, as long
            if (raw == null || raw.length < 2 * Timespec.SIZE) return; // EFAULT
            Long[] result = new Long[2];
            for (int i = 0; i < 2; i++) {
                // Only the fraction is checked: a time before the epoch (negative seconds) is one.
                long seconds, nanos;
                if (timeval) {
                    Timeval v = Timeval.decode(raw, i * Timeval.SIZE);
                    if (v.micros() < 0 || v.micros() >= 1_000_000) return; // EINVAL: nothing changes
                    seconds = v.seconds();
                    nanos = v.micros() * 1000;
                } else {
                    Timespec s = Timespec.decode(raw, i * Timespec.SIZE);
                    if (s.nanos() == Timespec.UTIME_NOW) {
                        result[i] = now;
                        continue;
                    }
                    if (s.nanos() == Timespec.UTIME_OMIT) {
                        result[i] = null;
                        continue;
                    }
                    if (s.nanos() < 0 || s.nanos() >= Time.NANOS_PER_SECOND) return; // EINVAL: nothing changes
                    seconds = s.seconds();
                    nanos = s.nanos();
                }
                result[i] = seconds * Time.NANOS_PER_SECOND + nanos;
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
        Utimbuf times = Utimbuf.decodeOrNull(stop.memory().read(stop.tid(), address, Utimbuf.SIZE));
        if (times == null) return;
        changes.setByProgram(f, times.actime() * Time.NANOS_PER_SECOND, times.modtime() * Time.NANOS_PER_SECOND);
    }
}
