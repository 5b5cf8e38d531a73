package dev.detsim.sandbox.handlers;

import static dev.detsim.abi.AtFlags.AT_EMPTY_PATH;
import static dev.detsim.abi.AtFlags.AT_FDCWD;
import static dev.detsim.abi.AtFlags.AT_SYMLINK_NOFOLLOW;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import dev.detsim.abi.OpenFlags;
import dev.detsim.abi.Stat;
import dev.detsim.abi.Statx;
import dev.detsim.sandbox.arch.Arch;
import dev.detsim.abi.Errno;
import dev.detsim.sandbox.os.Posix;
import dev.detsim.sandbox.syscall.Syscall;
import dev.detsim.sandbox.api.SyscallStop;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * How detsim reaches the files a traced thread names, to make a call on its behalf: a path relative to the
 * thread's working directory resolves through /proc/TID/cwd, one relative to a directory descriptor through
 * /proc/TID/fd/N, and a descriptor itself is /proc/TID/fd/N, which (unlike pidfd_getfd) also reaches O_PATH
 * descriptors. detsim is the tracer, so the kernel lets it follow those links; a stat costs one call and no
 * descriptor. Absolute paths are used as they are (the program shares detsim's root and mounts), except those
 * that name the caller's own process ({@link #hostView}). Results are -errno values.
 *
 * <p>Used only on the tracer thread (handlers run there); the buffers are shared between calls.
 */
final class GuestFiles {
    static final int PATH_MAX = 4096;
    private static final int SHORT_PATH = 256;

    /** A host inode as a stat call saw it. */
    record HostInode(long device, long inode, int mode) {
        boolean regular() {
            return Stat.isRegular(mode);
        }

        boolean directory() {
            return Stat.isDirectory(mode);
        }

        boolean same(HostInode o) {
            return o != null && device == o.device && inode == o.inode;
        }
    }

    /** A path-taking call made in detsim: dirfd and path as the *at() calls take them, and AT_* flags. */
    interface AtCall {
        long call(Posix posix, int dirfd, long path, int flags);
    }

    /** struct stat's layout on this machine (the guest's: ptrace traces programs of its own architecture). */
    final Stat.Layout stat = Arch.current().statLayout();
    private final Arena arena = Arena.ofAuto();
    private final MemorySegment path = arena.allocate(2 * PATH_MAX + 64, 8);
    private final MemorySegment identityBuffer = arena.allocate(Statx.SIZE, 8);
    private final Stat identity = new Stat(stat, identityBuffer.asByteBuffer());
    private final boolean privateTmp;
    private Posix posix;

    /** privateTmp: the run has its own /tmp and /var/tmp (in its mount namespace), not the host's. */
    GuestFiles(boolean privateTmp) {
        this.privateTmp = privateTmp;
    }

    /** The tracer thread's Posix (errno is captured per thread), fetched on first use there. */
    Posix posix() {
        if (posix == null) posix = Posix.forCurrentThread();
        return posix;
    }

    /** The NUL-terminated path at address in the thread's memory, without the NUL; null if unreadable or too long. */
    static byte[] readPath(SyscallStop stop, long address) {
        if (address == 0) return null;
        // Most paths are short: read a little first, a whole PATH_MAX only when the NUL is not there yet.
        byte[] bytes = stop.memory().read(stop.tid(), address, SHORT_PATH);
        int end = bytes == null ? -1 : nul(bytes);
        if (end < 0 && bytes != null && bytes.length == SHORT_PATH) {
            bytes = stop.memory().read(stop.tid(), address, PATH_MAX);
            end = bytes == null ? -1 : nul(bytes);
        }
        return end < 0 ? null : Arrays.copyOf(bytes, end); // unterminated: the kernel's error
    }

    private static int nul(byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) if (bytes[i] == 0) return i;
        return -1;
    }

    private static final byte[][] SELF_PREFIXES = {bytes("/proc/self"), bytes("/proc/thread-self"), bytes("/dev/fd"),
        bytes("/dev/stdin"), bytes("/dev/stdout"), bytes("/dev/stderr")};

    /**
     * An absolute path as detsim must spell it to mean what it means to the thread: /proc/self,
     * /proc/thread-self, /dev/fd and /dev/std{in,out,err} name the caller's process, which would be detsim.
     * A path that is exactly one of those links is left alone when its final symlink is not followed (lstat
     * shows the link itself, the same in every process). Other paths under /proc are looked up through
     * /proc/TID/root, in the thread's own mount namespace and so its own /proc; so are paths under /tmp and
     * /var/tmp when the run's are a private tmpfs there. Symlinks elsewhere that lead into /proc/self, or
     * into a private /tmp, are not seen through (a limit).
     */
    byte[] hostView(int tid, byte[] path, boolean followFinal) {
        if (path.length < 4 || (path[1] != 'p' && path[1] != 'd' && path[1] != 't' && path[1] != 'v')) {
            return path; // the fast way out: most paths
        }
        for (int i = 0; i < SELF_PREFIXES.length; i++) {
            byte[] prefix = SELF_PREFIXES[i];
            if (!startsWith(path, prefix)) continue;
            boolean exact = path.length == prefix.length;
            if (!exact && path[prefix.length] != '/') continue;
            if (exact && !followFinal) return path;
            if (!exact && i >= 3) return path; // "/dev/stdin/x": ENOTDIR either way
            String process = "/proc/" + processOf(tid);
            String replacement = switch (i) {
                case 0 -> process;
                case 1 -> process + "/task/" + tid;
                case 2 -> process + "/fd";
                default -> process + "/fd/" + (i - 3);
            };
            byte[] r = bytes(replacement);
            byte[] out = Arrays.copyOf(r, r.length + path.length - prefix.length);
            System.arraycopy(path, prefix.length, out, r.length, path.length - prefix.length);
            return out;
        }
        if (under(path, PROC) || privateTmp && (under(path, TMP) || under(path, VAR_TMP))) {
            // Other /proc paths name pids the thread knows, which in detsim's pid namespace are not the
            // host's: reach the thread's own /proc through its root (the lookup stays in its mount namespace).
            byte[] root = bytes("/proc/" + tid + "/root");
            byte[] out = Arrays.copyOf(root, root.length + path.length);
            System.arraycopy(path, 0, out, root.length, path.length);
            return out;
        }
        return path;
    }

    private static final byte[] PROC = bytes("/proc"), TMP = bytes("/tmp"), VAR_TMP = bytes("/var/tmp");

    /** Whether path is dir or below it. */
    private static boolean under(byte[] path, byte[] dir) {
        return startsWith(path, dir) && (path.length == dir.length || path[dir.length] == '/');
    }

    private static boolean startsWith(byte[] path, byte[] prefix) {
        return path.length >= prefix.length && Arrays.equals(path, 0, prefix.length, prefix, 0, prefix.length);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private final Map<Integer, Integer> processOfThread = new HashMap<>();

    /** The process (thread group) of thread tid, from /proc/TID/status, remembered; tid itself if unreadable. */
    int processOf(int tid) {
        Integer known = processOfThread.get(tid);
        if (known != null) return known;
        int process = tid;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + tid + "/status"))) {
                if (line.startsWith("Tgid:")) {
                    process = Integer.parseInt(line.substring(5).trim());
                    break;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // gone already: nothing will be asked about it again
        }
        processOfThread.put(tid, process);
        return process;
    }

    /** Forgets threads that have exited (their tids may be reused by another process). */
    void forgetExitedThreads() {
        processOfThread.keySet().removeIf(tid -> posix().kill(tid, 0) == -Errno.ESRCH);
    }

    /** "/proc/TID/cwd" for AT_FDCWD, else "/proc/TID/fd/DIRFD": where the thread's dirfd leads. */
    static byte[] base(int tid, int dirfd) {
        String s = dirfd == AT_FDCWD ? "/proc/" + tid + "/cwd" : "/proc/" + tid + "/fd/" + dirfd;
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Makes call in detsim for what the thread's (dirfd, path, flags) name. An empty path with AT_EMPTY_PATH
     * means dirfd itself (reached by following its /proc link, so AT_SYMLINK_NOFOLLOW is dropped); an empty
     * path without it is the kernel's ENOENT.
     */
    long at(int tid, int dirfd, byte[] guestPath, int flags, AtCall call) {
        if (guestPath.length == 0) {
            if ((flags & AT_EMPTY_PATH) == 0) return -Errno.ENOENT;
            return call.call(posix(), AT_FDCWD, cString(base(tid, dirfd), null),
                    flags & ~(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW));
        }
        if (guestPath[0] == '/') {
            byte[] host = hostView(tid, guestPath, (flags & AT_SYMLINK_NOFOLLOW) == 0);
            return call.call(posix(), AT_FDCWD, cString(host, null), flags);
        }
        byte[] base = base(tid, dirfd);
        if (base.length + 1 + guestPath.length < PATH_MAX) {
            return call.call(posix(), AT_FDCWD, cString(base, guestPath), flags);
        }
        // Too long to join: open the base itself and resolve the path relative to it, as the kernel would.
        int fd = openPath(AT_FDCWD, base);
        if (fd < 0) return fd;
        try {
            return call.call(posix(), fd, cString(guestPath, null), flags);
        } finally {
            posix().close(fd);
        }
    }

    /** The same for a descriptor: /proc/TID/fd/FD, followed. */
    long onDescriptor(int tid, int fd, AtCall call) {
        if (fd < 0) return -Errno.EBADF;
        return call.call(posix(), AT_FDCWD, cString(base(tid, fd), null), 0);
    }

    /** An O_PATH descriptor in detsim for the thread's dirfd (AT_FDCWD: its working directory); -errno. */
    int openBase(int tid, int dirfd) {
        return openPath(AT_FDCWD, base(tid, dirfd));
    }

    private int openPath(int dirfd, byte[] p) {
        return (int) posix().call(Syscall.OPENAT, dirfd, cString(p, null), OpenFlags.O_PATH | OpenFlags.O_CLOEXEC, 0);
    }

    /** The host inode the thread's (dirfd, path) names, following a final symlink unless nofollow; null if none. */
    HostInode identify(int tid, int dirfd, byte[] guestPath, int flags) {
        long r = at(tid, dirfd, guestPath, flags & (AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH), this::fstatat);
        return r < 0 ? null : identified();
    }

    /** The host inode open as the thread's descriptor fd; null if fd is not open. */
    HostInode identifyDescriptor(int tid, int fd) {
        long r = onDescriptor(tid, fd, this::fstatat);
        return r < 0 ? null : identified();
    }

    /** The host inode open as detsim's own descriptor fd (a copy of one of the thread's); null if none. */
    HostInode identifyOwn(int fd) {
        return posix().call(Syscall.FSTAT, fd, identityBuffer.address()) < 0 ? null : identified();
    }

    /** The host inode path names relative to detsim's own descriptor dirfd (a base from {@link #openBase}). */
    HostInode identifyAt(int dirfd, byte[] relative, boolean nofollow) {
        long r = fstatat(posix(), dirfd, cString(relative, null), nofollow ? AT_SYMLINK_NOFOLLOW : 0);
        return r < 0 ? null : identified();
    }

    private long fstatat(Posix p, int dirfd, long pathAddress, int flags) {
        return p.call(Syscall.NEWFSTATAT, dirfd, pathAddress, identityBuffer.address(), flags);
    }

    /** The inode the last identifying stat filled in. */
    private HostInode identified() {
        return new HostInode(identity.dev(), identity.ino(), identity.mode());
    }

    /** Copies a (+ b) and a NUL into the path buffer (a "/" between them when b is given); its address. */
    long cString(byte[] a, byte[] b) {
        MemorySegment.copy(a, 0, path, JAVA_BYTE, 0, a.length);
        int n = a.length;
        if (b != null) {
            path.set(JAVA_BYTE, n++, (byte) '/');
            MemorySegment.copy(b, 0, path, JAVA_BYTE, n, b.length);
            n += b.length;
        }
        path.set(JAVA_BYTE, n, (byte) 0);
        return path.address();
    }

    /**
     * The host's absolute path of what the thread's (dirfd, path) names, with the directories above it resolved
     * (and the final symlink too when followFinal and it leads somewhere); null where detsim would not reach it
     * by that path: the thread's own /proc, the run's private /tmp, a base that is not a directory on the host.
     */
    String absolutePath(int tid, int dirfd, byte[] guestPath, boolean followFinal) {
        String full;
        if (guestPath.length > 0 && guestPath[0] == '/') {
            full = new String(guestPath, StandardCharsets.UTF_8);
            if (hostView(tid, guestPath, followFinal) != guestPath && !underKeptDirectory(full)) return null;
        } else {
            String base;
            try {
                base = Files.readSymbolicLink(Path.of(new String(base(tid, dirfd), StandardCharsets.US_ASCII))).toString();
            } catch (IOException | UnsupportedOperationException e) {
                return null;
            }
            if (!base.startsWith("/")) return null; // a pipe or socket, or a deleted directory
            full = guestPath.length == 0 ? base : base + "/" + new String(guestPath, StandardCharsets.UTF_8);
        }
        try {
            Path p = Path.of(full);
            Path name = p.getFileName(), parent = p.getParent();
            if (name == null || parent == null || name.toString().equals(".") || name.toString().equals("..")) {
                return p.toRealPath().toString();
            }
            Path resolved = parent.toRealPath().resolve(name);
            if (followFinal && Files.isSymbolicLink(resolved) && Files.exists(resolved)) resolved = resolved.toRealPath();
            String s = resolved.toString();
            if (privateTmp && (s.startsWith("/tmp/") || s.startsWith("/var/tmp/")) && !underKeptDirectory(s)) return null;
            return s;
        } catch (IOException | java.nio.file.InvalidPathException e) {
            return null; // no such directory: the call fails
        }
    }

    /**
     * Whether path lies in the working directory detsim started the run in, which a private /tmp keeps as the
     * host's (spawn.c binds it in at its own path).
     */
    private static boolean underKeptDirectory(String path) {
        String cwd = Path.of("").toAbsolutePath().toString();
        return !cwd.equals("/tmp") && !cwd.equals("/var/tmp") && path.startsWith(cwd + "/");
    }

    /** The directory part of a path ("." for a bare name, "/" for a name in the root). */
    static byte[] parent(byte[] p) {
        int end = p.length;
        while (end > 1 && p[end - 1] == '/') end--; // "a/b/" names b
        int slash = end - 1;
        while (slash >= 0 && p[slash] != '/') slash--;
        if (slash < 0) return new byte[] {'.'};
        int cut = slash;
        while (cut > 0 && p[cut - 1] == '/') cut--;
        return cut == 0 ? new byte[] {'/'} : Arrays.copyOf(p, cut);
    }
}
