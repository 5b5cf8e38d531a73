package dev.detsim.sandbox.tracer.preemption;

import static dev.detsim.abi.AtFlags.AT_FDCWD;

import dev.detsim.sandbox.arch.Arch;
import dev.detsim.sandbox.os.Posix;
import dev.detsim.sandbox.os.ProcFiles;
import dev.detsim.sandbox.syscall.Syscall;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Whether a thread that sits blocked in the kernel, in a call detsim let through, could be waiting there for
 * another traced thread. Only such a wait may need the watchdog: another thread must run for it to end. A call
 * that does its own work — on a regular file, a directory or a block device, by path, or on memory — ends
 * without anyone's help however long the disk takes, and stopping it would make the schedule follow the disk.
 */
final class BlockedCall {
    /** What a descriptor or a path names, as the host's stat says. */
    enum FileKind {
        REGULAR, DIRECTORY, BLOCK_DEVICE, FIFO, SOCKET,
        /** /dev/null, /dev/zero, /dev/full, /dev/urandom and kin (character major 1): the kernel's own work. */
        MEMORY_DEVICE,
        CHAR_DEVICE, OTHER, MISSING
    }

    /** The character major of the memory devices (Documentation/admin-guide/devices.txt). */
    private static final int MEM_MAJOR = 1;

    /** The files a blocked call names, looked up on the host. */
    interface Files {
        FileKind ofDescriptor(int fd);

        /** The file that path (a pointer into the thread's memory) names, relative to dirfd (AT_FDCWD: cwd). */
        FileKind ofPath(int dirfd, long path);

        /** The 8 bytes at address in the thread's memory, or -1 (all bits) if unreadable. */
        long word(long address);
    }

    /** A clone with this flag waits until the child execs or exits: another traced thread must run. */
    static final long CLONE_VFORK = 0x4000;

    /** Calls by path alone: the file system's work, never another thread's. */
    private static final Set<Syscall> BY_PATH = EnumSet.of(Syscall.STAT, Syscall.LSTAT, Syscall.NEWFSTATAT,
            Syscall.STATX, Syscall.ACCESS, Syscall.FACCESSAT, Syscall.FACCESSAT2, Syscall.MKDIR, Syscall.MKDIRAT,
            Syscall.RMDIR, Syscall.UNLINK, Syscall.UNLINKAT, Syscall.RENAME, Syscall.RENAMEAT, Syscall.RENAMEAT2,
            Syscall.LINK, Syscall.LINKAT, Syscall.SYMLINK, Syscall.SYMLINKAT, Syscall.READLINK, Syscall.READLINKAT,
            Syscall.CHMOD, Syscall.FCHMODAT, Syscall.CHOWN, Syscall.LCHOWN, Syscall.FCHOWNAT, Syscall.UTIMENSAT,
            Syscall.UTIMES, Syscall.UTIME, Syscall.FUTIMESAT, Syscall.TRUNCATE, Syscall.STATFS, Syscall.MKNOD,
            Syscall.MKNODAT, Syscall.CHDIR, Syscall.GETXATTR, Syscall.LGETXATTR, Syscall.SETXATTR,
            Syscall.LSETXATTR, Syscall.LISTXATTR, Syscall.LLISTXATTR, Syscall.REMOVEXATTR, Syscall.LREMOVEXATTR,
            Syscall.EXECVE, Syscall.EXECVEAT, Syscall.SYNC, Syscall.MMAP, Syscall.MUNMAP, Syscall.MPROTECT,
            Syscall.MADVISE, Syscall.BRK, Syscall.MREMAP, Syscall.MSYNC, Syscall.MLOCK, Syscall.MUNLOCK,
            Syscall.MLOCKALL, Syscall.MUNLOCKALL);

    /** Calls on the descriptor in argument 0: their own work when it is a file on a disk (or a directory). */
    private static final Set<Syscall> ON_DESCRIPTOR = EnumSet.of(Syscall.READ, Syscall.WRITE, Syscall.PREAD64,
            Syscall.PWRITE64, Syscall.READV, Syscall.WRITEV, Syscall.PREADV, Syscall.PWRITEV, Syscall.PREADV2,
            Syscall.PWRITEV2, Syscall.FSYNC, Syscall.FDATASYNC, Syscall.SYNCFS, Syscall.SYNC_FILE_RANGE,
            Syscall.FTRUNCATE, Syscall.FALLOCATE, Syscall.FSTAT, Syscall.FSTATFS, Syscall.GETDENTS,
            Syscall.GETDENTS64, Syscall.LSEEK, Syscall.FCHMOD, Syscall.FCHOWN, Syscall.FCHDIR, Syscall.FGETXATTR,
            Syscall.FSETXATTR, Syscall.FLISTXATTR, Syscall.FREMOVEXATTR, Syscall.FADVISE64, Syscall.READAHEAD,
            Syscall.CLOSE, Syscall.IOCTL);

    private BlockedCall() {}

    /**
     * Whether thread's call s (null: blocked outside any syscall, in a page fault) with args may be waiting for
     * another traced thread. Unknown calls and files may: the watchdog then acts as before.
     */
    static boolean mayWaitForOthers(Syscall s, long[] args, Files files) {
        if (s == null || BY_PATH.contains(s)) return false;
        if (ON_DESCRIPTOR.contains(s)) return !onDisk(files.ofDescriptor((int) args[0]));
        return switch (s) {
            case COPY_FILE_RANGE -> !onDisk(files.ofDescriptor((int) args[0])) || !onDisk(files.ofDescriptor((int) args[2]));
            case SENDFILE -> !onDisk(files.ofDescriptor((int) args[0])) || !onDisk(files.ofDescriptor((int) args[1]));
            // Opening a FIFO waits for its other end; a terminal may wait for carrier. A new file waits for no one.
            case OPEN, CREAT -> mayWaitToOpen(files.ofPath(AT_FDCWD, args[0]));
            case OPENAT, OPENAT2 -> mayWaitToOpen(files.ofPath((int) args[0], args[1]));
            // Making a thread or process is the kernel's work (copying tables, under memory pressure slowly);
            // only a vfork-style clone then waits for its child.
            case FORK -> false;
            case CLONE -> (args[0] & CLONE_VFORK) != 0;
            case CLONE3 -> (files.word(args[0]) & CLONE_VFORK) != 0; // struct clone_args starts with flags
            default -> true;
        };
    }

    /** What {@link #waitsForOthers} found. */
    enum Verdict { YES, NO, NOT_BLOCKED }

    /**
     * Whether thread tid, blocked in the kernel, may be waiting there for another traced thread (see the class
     * comment), from /proc/TID/syscall; NOT_BLOCKED while it is runnable. buffer (a page) is for reading a path
     * from its memory. YES when it cannot tell.
     */
    static Verdict waitsForOthers(Arch arch, Posix posix, MemorySegment buffer, int tid) {
        byte[] text = ProcFiles.read("/proc/" + tid + "/syscall");
        if (text == null) return Verdict.YES;
        String[] f = new String(text, StandardCharsets.ISO_8859_1).trim().split(" ");
        try {
            if (f[0].equals("running")) return Verdict.NOT_BLOCKED;
            long nr = Long.parseLong(f[0]);
            if (nr == -1) return Verdict.NO; // blocked outside a syscall: a page fault waits for the disk
            Syscall s = arch.syscall(nr);
            if (s == null || f.length < 7) return Verdict.YES;
            long[] args = new long[6];
            for (int i = 0; i < 6; i++) args[i] = Long.parseUnsignedLong(f[1 + i].substring(2), 16);
            return mayWaitForOthers(s, args, new HostFiles(posix, buffer, tid)) ? Verdict.YES : Verdict.NO;
        } catch (RuntimeException e) {
            return Verdict.YES;
        }
    }

    /** The files of a thread as the host sees them, through /proc/TID (its own root, cwd and descriptors). */
    private record HostFiles(Posix posix, MemorySegment buffer, int tid) implements Files {
        @Override
        public FileKind ofDescriptor(int fd) {
            return kind(Path.of("/proc/" + tid + "/fd/" + fd));
        }

        @Override
        public FileKind ofPath(int dirfd, long path) {
            long got = posix.readMemory(tid, path, buffer, buffer.byteSize());
            if (got <= 0) return FileKind.OTHER;
            byte[] bytes = buffer.asSlice(0, got).toArray(ValueLayout.JAVA_BYTE);
            int end = 0;
            while (end < bytes.length && bytes[end] != 0) end++;
            if (end == 0 || end == bytes.length) return FileKind.OTHER; // empty (AT_EMPTY_PATH) or longer than a page
            String name = new String(bytes, 0, end, StandardCharsets.UTF_8);
            String base = name.startsWith("/") ? "/proc/" + tid + "/root"
                    : dirfd == AT_FDCWD ? "/proc/" + tid + "/cwd" : "/proc/" + tid + "/fd/" + dirfd;
            return kind(Path.of(base + (name.startsWith("/") ? "" : "/") + name));
        }

        @Override
        public long word(long address) {
            long got = posix.readMemory(tid, address, buffer, 8);
            return got == 8 ? buffer.get(ValueLayout.JAVA_LONG, 0) : -1;
        }

        private static FileKind kind(Path p) {
            int mode;
            long rdev;
            try {
                Map<String, Object> a = java.nio.file.Files.readAttributes(p, "unix:mode,rdev");
                mode = (Integer) a.get("mode");
                rdev = (Long) a.get("rdev");
            } catch (java.nio.file.NoSuchFileException e) {
                return FileKind.MISSING;
            } catch (java.io.IOException | RuntimeException e) {
                return FileKind.OTHER;
            }
            return switch (mode & 0170000) {
                case 0100000 -> FileKind.REGULAR;
                case 0040000 -> FileKind.DIRECTORY;
                case 0060000 -> FileKind.BLOCK_DEVICE;
                case 0010000 -> FileKind.FIFO;
                case 0140000 -> FileKind.SOCKET;
                case 0020000 -> majorOf(rdev) == MEM_MAJOR ? FileKind.MEMORY_DEVICE : FileKind.CHAR_DEVICE;
                default -> FileKind.OTHER;
            };
        }
    }

    /** glibc's gnu_dev_major: bits 8..19 and 32..43 of dev_t. */
    private static long majorOf(long rdev) {
        return ((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL);
    }

    /** Whether calls on the file are the kernel's own work (a disk's, or memory's), never another thread's. */
    private static boolean onDisk(FileKind kind) {
        return kind == FileKind.REGULAR || kind == FileKind.DIRECTORY || kind == FileKind.BLOCK_DEVICE
                || kind == FileKind.MEMORY_DEVICE;
    }

    private static boolean mayWaitToOpen(FileKind kind) {
        return !onDisk(kind) && kind != FileKind.MISSING;
    }
}
