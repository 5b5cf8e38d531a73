package dev.detsim.sandbox.os;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The libc calls detsim makes, through java.lang.foreign.
 *
 * <p>Every method returns the call's result, or {@code -errno} when it failed: errors are values. errno
 * is captured by the linker ({@code captureCallState}) into a segment owned by the thread that made this
 * instance, so get one per thread with {@link #forCurrentThread()} and do not share it. Short calls that
 * never block are linked {@code critical}, which saves a thread-state transition on every ptrace stop.
 */
public final class Posix {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
    private static final Linker.Option CRITICAL = Linker.Option.critical(false);

    // glibc's ptrace is variadic after the request: long ptrace(enum __ptrace_request, ...).
    private static final MethodHandle PTRACE = libc("ptrace",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG),
            CAPTURE_ERRNO, Linker.Option.firstVariadicArg(1), CRITICAL);
    private static final MethodHandle WAITPID = libc("waitpid",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle PROCESS_VM_READV = libc("process_vm_readv",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_LONG),
            CAPTURE_ERRNO, CRITICAL);
    private static final MethodHandle PROCESS_VM_WRITEV = libc("process_vm_writev",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_LONG),
            CAPTURE_ERRNO, CRITICAL);
    private static final MethodHandle KILL = libc("kill",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle TGKILL = libc("tgkill",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle SCHED_SETAFFINITY = libc("sched_setaffinity",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), CAPTURE_ERRNO);
    private static final MethodHandle SCHED_GETAFFINITY = libc("sched_getaffinity",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), CAPTURE_ERRNO);
    private static final MethodHandle READ = libc("read",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), CAPTURE_ERRNO);
    private static final MethodHandle CLOSE = libc("close",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle GETPID = libc("getpid", FunctionDescriptor.of(JAVA_INT));

    /** Bytes of a cpu_set_t (1024 CPUs). */
    public static final int CPU_SET_BYTES = 128;

    private static final ThreadLocal<Posix> PER_THREAD = ThreadLocal.withInitial(Posix::new);

    private final Arena arena = Arena.ofAuto();
    private final MemorySegment callState = arena.allocate(CALL_STATE);
    private final MemorySegment status = arena.allocate(JAVA_INT);
    private final MemorySegment localIov = arena.allocate(16, 8);
    private final MemorySegment remoteIov = arena.allocate(16, 8);

    private Posix() {}

    public static Posix forCurrentThread() {
        return PER_THREAD.get();
    }

    private static MethodHandle libc(String name, FunctionDescriptor fd, Linker.Option... options) {
        MemorySegment symbol = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new IllegalStateException("libc has no " + name));
        return LINKER.downcallHandle(symbol, fd, options);
    }

    private int errno() {
        return (int) ERRNO.get(callState, 0L);
    }

    /** ptrace(2); -errno on failure. Not for PTRACE_PEEK*, whose data may legitimately be -1. */
    public long ptrace(int request, int pid, long addr, long data) {
        try {
            long r = (long) PTRACE.invokeExact(callState, request, pid, addr, data);
            return r == -1 ? -errno() : r;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** waitpid(2); returns the pid or -errno; the status is then {@link #lastWaitStatus()}. */
    public int waitpid(int pid, int options) {
        try {
            int r = (int) WAITPID.invokeExact(callState, pid, status, options);
            return r == -1 ? -errno() : r;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public int lastWaitStatus() {
        return status.get(JAVA_INT, 0);
    }

    /** Copies len bytes at remote address addr of process pid into dst; bytes copied or -errno. */
    public long readMemory(int pid, long addr, MemorySegment dst, long len) {
        localIov.set(JAVA_LONG, 0, dst.address());
        localIov.set(JAVA_LONG, 8, len);
        remoteIov.set(JAVA_LONG, 0, addr);
        remoteIov.set(JAVA_LONG, 8, len);
        try {
            long r = (long) PROCESS_VM_READV.invokeExact(callState, pid, localIov, 1L, remoteIov, 1L, 0L);
            return r == -1 ? -errno() : r;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** Copies len bytes of src to remote address addr of process pid; bytes copied or -errno. */
    public long writeMemory(int pid, long addr, MemorySegment src, long len) {
        localIov.set(JAVA_LONG, 0, src.address());
        localIov.set(JAVA_LONG, 8, len);
        remoteIov.set(JAVA_LONG, 0, addr);
        remoteIov.set(JAVA_LONG, 8, len);
        try {
            long r = (long) PROCESS_VM_WRITEV.invokeExact(callState, pid, localIov, 1L, remoteIov, 1L, 0L);
            return r == -1 ? -errno() : r;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public int kill(int pid, int signal) {
        try {
            int r = (int) KILL.invokeExact(callState, pid, signal);
            return r == -1 ? -errno() : r;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public int tgkill(int tgid, int tid, int signal) {
        try {
            int r = (int) TGKILL.invokeExact(callState, tgid, tid, signal);
            return r == -1 ? -errno() : r;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** Restricts the calling thread (tid 0) or thread tid to the CPUs set in mask (cpu_set_t bytes). */
    public int schedSetaffinity(int tid, MemorySegment mask) {
        try {
            int r = (int) SCHED_SETAFFINITY.invokeExact(callState, tid, mask.byteSize(), mask);
            return r == -1 ? -errno() : r;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public int schedGetaffinity(int tid, MemorySegment mask) {
        try {
            int r = (int) SCHED_GETAFFINITY.invokeExact(callState, tid, mask.byteSize(), mask);
            return r == -1 ? -errno() : r;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public long read(int fd, MemorySegment buf, long count) {
        try {
            long r = (long) READ.invokeExact(callState, fd, buf, count);
            return r == -1 ? -errno() : r;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public int close(int fd) {
        try {
            int r = (int) CLOSE.invokeExact(callState, fd);
            return r == -1 ? -errno() : r;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public static int getpid() {
        try {
            return (int) GETPID.invokeExact();
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }
}
