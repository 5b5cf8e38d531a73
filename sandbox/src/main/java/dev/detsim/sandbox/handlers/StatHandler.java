package dev.detsim.sandbox.handlers;

import static dev.detsim.abi.AtFlags.AT_EMPTY_PATH;
import static dev.detsim.abi.AtFlags.AT_FDCWD;
import static dev.detsim.abi.AtFlags.AT_SYMLINK_NOFOLLOW;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import dev.detsim.abi.Errno;
import dev.detsim.abi.Stat;
import dev.detsim.abi.Statx;
import dev.detsim.abi.Timespec;
import dev.detsim.sandbox.syscall.Syscall;
import dev.detsim.sandbox.api.Disposition;
import dev.detsim.sandbox.api.SyscallHandler;
import dev.detsim.sandbox.api.SyscallStop;
import dev.detsim.sandbox.world.FileMetadata;
import dev.detsim.sandbox.world.FileTimes;
import dev.detsim.sandbox.world.VirtualInodes;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Set;

/**
 * The stat family — stat, lstat, fstat, newfstatat, statx — answered with virtual file metadata: detsim makes
 * the call itself on the thread's behalf ({@link GuestFiles}), then replaces the device and inode numbers
 * with virtual ones and the times with the virtual times of the file's changes (the run's start for a file
 * the run has not changed). A directory's link count is 1, the "not counted" value find(1) knows: the host's
 * (2 plus its subdirectories; for /proc's root, plus every process on the host) changes whenever any process
 * makes a directory in /tmp, say, and sqlite3 lstats every component of a database's path. Everything else
 * (size, mode, a file's links, owner, blocks, st_rdev) is the host's.
 * When detsim's own call fails the thread's call runs unchanged, so the kernel gives the error it gives.
 */
public final class StatHandler implements SyscallHandler {
    private final FileMetadata world;
    private final GuestFiles files;
    private final FileChanges changes;
    /** The host call's answer, edited in place: as a struct stat or a struct statx. */
    private final MemorySegment buffer = Arena.ofAuto().allocate(Statx.SIZE, 8);
    private final Stat stat;
    private final Statx statx = new Statx(buffer.asByteBuffer());

    public StatHandler(FileChanges changes) {
        this.world = changes.world();
        this.changes = changes;
        this.files = changes.files();
        this.stat = new Stat(files.stat, buffer.asByteBuffer());
    }

    @Override
    public Set<Syscall> subscriptions() {
        return Set.of(Syscall.STAT, Syscall.LSTAT, Syscall.FSTAT, Syscall.NEWFSTATAT, Syscall.STATX);
    }

    @Override
    public Disposition onSyscall(SyscallStop stop) {
        changes.settle(stop.tid());
        return switch (stop.syscall()) {
            case STAT -> stat(stop, AT_FDCWD, stop.argument(0), 0, stop.argument(1));
            case LSTAT -> stat(stop, AT_FDCWD, stop.argument(0), AT_SYMLINK_NOFOLLOW, stop.argument(1));
            case FSTAT -> fstat(stop, (int) stop.argument(0), stop.argument(1));
            case NEWFSTATAT -> stat(stop, (int) stop.argument(0), stop.argument(1), (int) stop.argument(3),
                    stop.argument(2));
            case STATX -> statx(stop, (int) stop.argument(0), stop.argument(1), (int) stop.argument(2),
                    (int) stop.argument(3), stop.argument(4));
            default -> Disposition.PASSTHROUGH;
        };
    }

    private Disposition stat(SyscallStop stop, int dirfd, long pathAddress, int flags, long out) {
        byte[] path = pathOf(stop, pathAddress, flags);
        if (path == null) return Disposition.PASSTHROUGH;
        long r = files.at(stop.tid(), dirfd, path, flags,
                (p, d, a, f) -> p.call(Syscall.NEWFSTATAT, d, a, buffer.address(), f));
        return r < 0 ? Disposition.PASSTHROUGH : answerStat(stop, out);
    }

    private Disposition fstat(SyscallStop stop, int fd, long out) {
        long r = files.onDescriptor(stop.tid(), fd,
                (p, d, a, f) -> p.call(Syscall.NEWFSTATAT, d, a, buffer.address(), f));
        return r < 0 ? Disposition.PASSTHROUGH : answerStat(stop, out);
    }

    private Disposition statx(SyscallStop stop, int dirfd, long pathAddress, int flags, int mask, long out) {
        byte[] path = pathOf(stop, pathAddress, flags);
        if (path == null) return Disposition.PASSTHROUGH;
        long r = files.at(stop.tid(), dirfd, path, flags,
                (p, d, a, f) -> p.call(Syscall.STATX, d, a, f, mask & 0xffffffffL, buffer.address()));
        if (r < 0) return Disposition.PASSTHROUGH;
        long device = VirtualInodes.makedev(statx.devMajor(), statx.devMinor());
        long inode = statx.ino();
        FileTimes.Times t = world.times().of(device, inode);
        long virtualDevice = world.inodes().device(device);
        statx.setIno(world.inodes().inode(device, inode));
        if (Stat.isDirectory(statx.mode())) {
            statx.setNlink(1);
            statx.setSize(DIRECTORY_SIZE, DIRECTORY_SIZE / 512);
        }
        statx.setDev((int) VirtualInodes.major(virtualDevice), (int) VirtualInodes.minor(virtualDevice));
        // A mount id is new for every mount (detsim's /proc is mounted afresh each run): one per virtual device.
        statx.setMountId(VirtualInodes.minor(virtualDevice));
        // The kernel copies every field whatever the mask says: replace every time; btime only where the file
        // system gave one (otherwise zero, as the kernel leaves it).
        boolean birth = (statx.mask() & Statx.STATX_BTIME) != 0;
        statx.setTimes(Timespec.ofNanos(t.access()), Timespec.ofNanos(birth ? t.birth() : 0),
                Timespec.ofNanos(t.change()), Timespec.ofNanos(t.modify()));
        return answer(stop, out, Statx.SIZE);
    }

    /** The path argument; an empty path (or, with AT_EMPTY_PATH, none: Linux 6.11) means the descriptor. */
    private static byte[] pathOf(SyscallStop stop, long address, int flags) {
        if (address == 0 && (flags & AT_EMPTY_PATH) != 0) return new byte[0];
        return GuestFiles.readPath(stop, address);
    }

    private Disposition answerStat(SyscallStop stop, long out) {
        long device = stat.dev(), inode = stat.ino();
        FileTimes.Times t = world.times().of(device, inode);
        stat.setDev(world.inodes().device(device));
        stat.setIno(world.inodes().inode(device, inode));
        if (Stat.isDirectory(stat.mode())) {
            stat.setNlink(1);
            stat.setSize(DIRECTORY_SIZE, DIRECTORY_SIZE / 512);
        }
        stat.setTimes(Timespec.ofNanos(t.access()), Timespec.ofNanos(t.modify()), Timespec.ofNanos(t.change()));
        return answer(stop, out, stat.layout().size());
    }

    /**
     * What every directory's size is: one 4 KiB block, as ext4 shows a small directory. The host's size counts
     * entries other processes make and remove (on tmpfs, /dev/shm say, 20 bytes each): a leak with no use.
     */
    static final long DIRECTORY_SIZE = 4096;

    private Disposition answer(SyscallStop stop, long out, int size) {
        byte[] bytes = buffer.asSlice(0, size).toArray(JAVA_BYTE);
        if (out == 0 || !stop.memory().write(stop.tid(), out, bytes)) return Disposition.fail(Errno.EFAULT);
        return Disposition.emulate(0);
    }
}
