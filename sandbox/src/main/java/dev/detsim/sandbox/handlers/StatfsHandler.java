package dev.detsim.sandbox.handlers;

import static dev.detsim.abi.AtFlags.AT_FDCWD;
import static dev.detsim.abi.Statfs.*;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.detsim.abi.Errno;
import dev.detsim.abi.OpenFlags;
import dev.detsim.abi.Statfs;
import dev.detsim.sandbox.os.Posix;
import dev.detsim.sandbox.syscall.Syscall;
import dev.detsim.sandbox.api.Disposition;
import dev.detsim.sandbox.api.SyscallHandler;
import dev.detsim.sandbox.api.SyscallStop;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Set;

/**
 * statfs and fstatfs describe one fixed file system wherever the path is: ext4, 4 KiB blocks, 100 GiB of
 * which 80 GiB are free, 6,553,600 inodes of which 6,000,000 are free, fsid 0, names up to 255 bytes. Only
 * two facts of the host show: read-only mounts stay read-only (ST_RDONLY), so that programs do not try to
 * write where they cannot, and the kernel's own pseudo file systems (proc, sysfs, cgroup, ...) keep their
 * type, which programs check before trusting what they read there. detsim makes the real call first, so a
 * path or descriptor that does not exist gives the kernel's error.
 */
public final class StatfsHandler implements SyscallHandler {
    static final long EXT4_SUPER_MAGIC = 0xEF53, BLOCK_SIZE = 4096, BLOCKS = 26_214_400, FREE_BLOCKS = 20_971_520,
            FILES = 6_553_600, FREE_FILES = 6_000_000, NAME_MAX = 255;
    /** proc, sysfs, cgroup, cgroup2, devpts, securityfs, debugfs, tracefs, bpf, mqueue, selinuxfs. */
    private static final Set<Long> PSEUDO = Set.of(0x9fa0L, 0x62656572L, 0x27e0ebL, 0x63677270L, 0x1cd1L,
            0x73636673L, 0x64626720L, 0x74726163L, 0xcafe4a11L, 0x19800202L, 0xf97cff8cL);

    private final GuestFiles files;
    private final MemorySegment buffer = Arena.ofAuto().allocate(Statfs.SIZE, 8);

    public StatfsHandler(FileChanges changes) {
        this.files = changes.files();
    }

    @Override
    public Set<Syscall> subscriptions() {
        return Set.of(Syscall.STATFS, Syscall.FSTATFS);
    }

    @Override
    public Disposition onSyscall(SyscallStop stop) {
        long r;
        if (stop.syscall() == Syscall.STATFS) {
            byte[] path = GuestFiles.readPath(stop, stop.argument(0));
            if (path == null) return Disposition.PASSTHROUGH;
            r = files.at(stop.tid(), AT_FDCWD, path, 0, this::statfs);
        } else {
            r = files.onDescriptor(stop.tid(), (int) stop.argument(0), this::statfs);
        }
        if (r < 0) return Disposition.PASSTHROUGH;
        long type = buffer.get(JAVA_LONG, Statfs.F_TYPE), flags = buffer.get(JAVA_LONG, Statfs.F_FLAGS);
        byte[] answer = fixed(PSEUDO.contains(type) ? type : EXT4_SUPER_MAGIC, ST_VALID | (flags & ST_RDONLY));
        if (!stop.memory().write(stop.tid(), stop.argument(1), answer)) return Disposition.fail(Errno.EFAULT);
        return Disposition.emulate(0);
    }

    private long statfs(Posix posix, int dirfd, long path, int flags) {
        if (dirfd == AT_FDCWD) return posix.call(Syscall.STATFS, path, buffer.address());
        // A path too long to join with /proc/TID/cwd comes relative to a directory: open it O_PATH, fstatfs that.
        int fd = (int) posix.call(Syscall.OPENAT, dirfd, path, OpenFlags.O_PATH | OpenFlags.O_CLOEXEC, 0);
        if (fd < 0) return fd;
        try {
            return posix.call(Syscall.FSTATFS, fd, buffer.address());
        } finally {
            posix.close(fd);
        }
    }

    static byte[] fixed(long type, long flags) {
        ByteBuffer b = ByteBuffer.allocate(Statfs.SIZE).order(ByteOrder.nativeOrder());
        b.putLong(F_TYPE, type).putLong(F_BSIZE, BLOCK_SIZE).putLong(F_BLOCKS, BLOCKS).putLong(F_BFREE, FREE_BLOCKS)
                .putLong(F_BAVAIL, FREE_BLOCKS).putLong(F_FILES, FILES).putLong(F_FFREE, FREE_FILES).putLong(F_FSID, 0)
                .putLong(F_NAMELEN, NAME_MAX).putLong(F_FRSIZE, BLOCK_SIZE).putLong(F_FLAGS, flags);
        return b.array();
    }
}
