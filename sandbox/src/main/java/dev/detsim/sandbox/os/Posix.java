package dev.detsim.sandbox.os;

import static dev.detsim.abi.AtFlags.AT_FDCWD;
import static dev.detsim.abi.Stat.S_IFIFO;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.detsim.sandbox.arch.Arch;
import dev.detsim.sandbox.syscall.Syscall;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The system calls detsim makes, through java.lang.foreign and libdetsim's raw {@code detsim_syscall}.
 *
 * <p>Every method returns the call's result, or {@code -errno} when it failed: errors are values, as the
 * kernel returns them. An instance owns small buffers (the wait status, iovecs) for the thread that made it,
 * so get one per thread with {@link #forCurrentThread()} and do not share it. Short calls that never block
 * are linked {@code critical}, which saves a thread-state transition on every ptrace stop.
 */
public final class Posix {
    // Every call goes through one function of libdetsim.so, detsim_syscall(number, a1..a6), which makes the raw
    // system call and returns the kernel's result, -errno on failure: one binding instead of one per function
    // keeps start-up short (each distinct downcall costs milliseconds to generate), and no errno has to be
    // captured after each call (glibc's syscall() sets it; capturing it was ~3% of the tracer's time per
    // stop). Numbers come from the arch layer. Two variants: critical (no thread-state transition) for calls
    // that never block, and a plain one for wait4, which blocks.
    private static final MethodHandle SHORT_CALL = NativeLibrary.entryPoint("detsim_syscall", true);
    private static final MethodHandle BLOCKING_CALL = NativeLibrary.entryPoint("detsim_syscall", false);

    /** Bytes of a cpu_set_t (1024 CPUs). */
    public static final int CPU_SET_BYTES = 128;

    private static final ThreadLocal<Posix> PER_THREAD = ThreadLocal.withInitial(() -> new Posix(Arch.current()));

    private final Arena arena = Arena.ofAuto();
    private final MemorySegment status = arena.allocate(JAVA_INT);
    private final MemorySegment localIov = arena.allocate(16, 8);
    private final MemorySegment remoteIov = arena.allocate(16, 8);

    private final long ptraceNr, wait4Nr, readvNr, writevNr, killNr, tgkillNr, setAffinityNr, getAffinityNr,
            readNr, closeNr, mknodatNr;

    private final Arch arch;

    private Posix(Arch arch) {
        this.arch = arch;
        ptraceNr = nr(arch, Syscall.PTRACE);
        wait4Nr = nr(arch, Syscall.WAIT4);
        readvNr = nr(arch, Syscall.PROCESS_VM_READV);
        writevNr = nr(arch, Syscall.PROCESS_VM_WRITEV);
        killNr = nr(arch, Syscall.KILL);
        tgkillNr = nr(arch, Syscall.TGKILL);
        setAffinityNr = nr(arch, Syscall.SCHED_SETAFFINITY);
        getAffinityNr = nr(arch, Syscall.SCHED_GETAFFINITY);
        readNr = nr(arch, Syscall.READ);
        closeNr = nr(arch, Syscall.CLOSE);
        mknodatNr = nr(arch, Syscall.MKNODAT);
    }

    private static long nr(Arch arch, Syscall s) {
        int n = arch.number(s);
        if (n < 0) throw new IllegalStateException(s.kernelName() + " does not exist on " + arch.name());
        return n;
    }

    public static Posix forCurrentThread() {
        return PER_THREAD.get();
    }

    private long shortCall(long nr, long a, long b, long c, long d, long e, long f) {
        try {
            return (long) SHORT_CALL.invokeExact(nr, a, b, c, d, e, f);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    private long blockingCall(long nr, long a, long b, long c, long d) {
        try {
            return (long) BLOCKING_CALL.invokeExact(nr, a, b, c, d, 0L, 0L);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** ptrace(2); -errno on failure. Not for PTRACE_PEEK*, whose data may legitimately be -1. */
    public long ptrace(int request, int pid, long addr, long data) {
        return shortCall(ptraceNr, request, pid, addr, data, 0, 0);
    }

    /** waitpid(2); returns the pid or -errno; the status is then {@link #lastWaitStatus()}. */
    public int waitpid(int pid, int options) {
        return (int) blockingCall(wait4Nr, pid, status.address(), options, 0);
    }

    public int lastWaitStatus() {
        return status.get(JAVA_INT, 0);
    }

    /** Copies len bytes at remote address addr of process pid into dst; bytes copied or -errno. */
    public long readMemory(int pid, long addr, MemorySegment dst, long len) {
        return transfer(readvNr, pid, addr, dst, len);
    }

    /** Copies len bytes of src to remote address addr of process pid; bytes copied or -errno. */
    public long writeMemory(int pid, long addr, MemorySegment src, long len) {
        return transfer(writevNr, pid, addr, src, len);
    }

    /**
     * Copies the remote ranges of process pid that remoteIovs (count struct iovec) lists, one after the other,
     * into dst; bytes copied (fewer if a range could not be read: the copy stops there) or -errno.
     */
    public long readMemoryScattered(int pid, MemorySegment remoteIovs, int count, MemorySegment dst, long len) {
        return vectored(readvNr, pid, dst, len, remoteIovs, count);
    }

    /** process_vm_readv or process_vm_writev (nr) of one local and one remote range of len bytes. */
    private long transfer(long nr, int pid, long addr, MemorySegment local, long len) {
        remoteIov.set(JAVA_LONG, 0, addr);
        remoteIov.set(JAVA_LONG, 8, len);
        return vectored(nr, pid, local, len, remoteIov, 1);
    }

    /** process_vm_readv or process_vm_writev (nr) between len local bytes and count remote struct iovecs. */
    private long vectored(long nr, int pid, MemorySegment local, long len, MemorySegment remoteIovs, int count) {
        localIov.set(JAVA_LONG, 0, local.address());
        localIov.set(JAVA_LONG, 8, len);
        return shortCall(nr, pid, localIov.address(), 1, remoteIovs.address(), count, 0);
    }

    public int kill(int pid, int signal) {
        return (int) shortCall(killNr, pid, signal, 0, 0, 0, 0);
    }

    public int tgkill(int tgid, int tid, int signal) {
        return (int) shortCall(tgkillNr, tgid, tid, signal, 0, 0, 0);
    }

    /** Restricts the calling thread (tid 0) or thread tid to the CPUs set in mask (cpu_set_t bytes). */
    public int schedSetaffinity(int tid, MemorySegment mask) {
        return (int) shortCall(setAffinityNr, tid, mask.byteSize(), mask.address(), 0, 0, 0);
    }

    public int schedGetaffinity(int tid, MemorySegment mask) {
        // The raw call returns the bytes it wrote; like glibc, clear the rest and return 0.
        mask.fill((byte) 0);
        long r = shortCall(getAffinityNr, tid, mask.byteSize(), mask.address(), 0, 0, 0);
        return r < 0 ? (int) r : 0;
    }

    public long read(int fd, MemorySegment buf, long count) {
        return blockingCall(readNr, fd, buf.address(), count, 0);
    }

    public int close(int fd) {
        return (int) shortCall(closeNr, fd, 0, 0, 0, 0, 0);
    }

    /**
     * Any syscall that never blocks, by its name in the table (the arch layer gives the number); the result or
     * -errno. For calls that do not need a method of their own. Unused arguments are 0.
     */
    public long call(Syscall s, long... args) {
        long[] a = java.util.Arrays.copyOf(args, 6);
        return shortCall(nr(arch, s), a[0], a[1], a[2], a[3], a[4], a[5]);
    }

    /** Like {@link #call} for a syscall that may block (the JVM is told the thread leaves Java). */
    public long callBlocking(Syscall s, long a, long b, long c, long d) {
        return blockingCall(nr(arch, s), a, b, c, d);
    }

    /** PIDFD_THREAD: pidfd_open of a thread that is not a group leader (Linux 6.9). */
    public static final int PIDFD_THREAD = 0200; // O_EXCL

    /** pidfd_open(2); the pidfd or -errno. */
    public int pidfdOpen(int pid, int flags) {
        return (int) call(Syscall.PIDFD_OPEN, pid, flags);
    }

    /** pidfd_getfd(2): a copy, in detsim, of descriptor fd of the process pidfd refers to; -errno on failure. */
    public int pidfdGetfd(int pidfd, int fd) {
        return (int) call(Syscall.PIDFD_GETFD, pidfd, fd, 0);
    }

    /** mkfifo(3): creates a FIFO at path with the given permission bits; 0 or -errno. */
    public int mkfifo(String path, int mode) {
        try (Arena a = Arena.ofConfined()) {
            return (int) shortCall(mknodatNr, AT_FDCWD, a.allocateFrom(path).address(), S_IFIFO | mode, 0, 0, 0);
        }
    }

    /** This process's pid (as the JDK knows it, without a native call). */
    public static int getpid() {
        return (int) ProcessHandle.current().pid();
    }
}
