package dev.detsim.sandbox.os;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.detsim.abi.Errno;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.util.List;

/** Bindings to libdetsim.so (native/src/main/c/detsim.h). */
public final class LibDetsim {
    /** struct detsim_spawn_request; NativeLayoutTest checks it against C. */
    public static final StructLayout SPAWN_REQUEST = MemoryLayout.structLayout(
            ADDRESS.withName("path"),
            ADDRESS.withName("argv"),
            ADDRESS.withName("envp"),
            ADDRESS.withName("filter"),
            JAVA_INT.withName("filter_len"),
            JAVA_INT.withName("ptrace_options"),
            ADDRESS.withName("keep_fds"),
            JAVA_INT.withName("keep_fd_count"),
            JAVA_INT.withName("flags"),
            JAVA_INT.withName("init_keep_fd"),
            MemoryLayout.paddingLayout(4));

    /** struct detsim_spawned; NativeLayoutTest checks it against C. */
    public static final StructLayout SPAWNED = MemoryLayout.structLayout(
            JAVA_INT.withName("error_fd"),
            JAVA_INT.withName("init_pid"),
            JAVA_INT.withName("namespace_stage"),
            JAVA_INT.withName("namespace_errno"));

    /** Spawn flag: the program runs with address-space randomisation off (personality ADDR_NO_RANDOMIZE). */
    public static final int SPAWN_NO_ASLR = 1;
    /** rdtsc and rdtscp raise SIGSEGV (PR_SET_TSC), for the tracer to answer. */
    public static final int SPAWN_TRAP_TSC = 2;
    /** The program is pid 2 of a new pid and mount namespace (with its own /proc), under an init of detsim's. */
    public static final int SPAWN_PID_NAMESPACE = 4;
    /** With SPAWN_PID_NAMESPACE: an empty tmpfs on /tmp (and /var/tmp) in that namespace, for this run alone. */
    public static final int SPAWN_PRIVATE_TMP = 8;

    /** {@link #rdtscTraps}: rdtsc faults under PR_SET_TSC; accepted but rdtsc runs; refused (or not x86). */
    public static final int RDTSC_TRAPS = 1, RDTSC_RUNS = 2, RDTSC_REFUSED = 3;

    /** Where making the pid namespace failed (DETSIM_NS_STAGE_*), for the warning. */
    private static final List<String> NAMESPACE_STAGES = List.of("", "clone(CLONE_NEWPID|CLONE_NEWNS)",
            "prctl(PR_SET_PDEATHSIG)", "mount(/, MS_PRIVATE)", "mount(proc)", "fork", "finding the program's pid",
            "pipe2", "mount(tmpfs, /tmp)");

    /** detsim_call's function numbers (detsim.h); NativeLayoutTest checks them against C. */
    static final int CALL_SPAWN = 1, CALL_FORWARD_SIGNALS = 2, CALL_RDTSC_TRAPS = 3;

    // detsim's functions by number, through one entry point of detsim_syscall's shape: no downcall of their own to
    // generate at start-up. Not critical: detsim_spawn forks and waits.
    private static final MethodHandle CALL = NativeLibrary.entryPoint("detsim_call", false);

    /** Asked once per JVM: the host does not change under a running detsim. */
    private static final class TscProbe {
        static final int RESULT = (int) call(CALL_RDTSC_TRAPS, 0, 0);
    }

    /**
     * Whether rdtsc faults under PR_SET_TSC here (RDTSC_TRAPS, RDTSC_RUNS, RDTSC_REFUSED; -errno when it could not
     * be tried), tried once in an untraced process of detsim's: some hosts accept the flag and never fault.
     */
    public static int rdtscTraps() {
        return TscProbe.RESULT;
    }

    /** Only the layout tests need this one: created on first use, not at start-up. */
    private static final class Layout {
        static final MethodHandle LAYOUT = Linker.nativeLinker().downcallHandle(NativeLibrary.lookup()
                .find("detsim_layout").orElseThrow(), FunctionDescriptor.of(JAVA_LONG, ADDRESS));
    }

    private LibDetsim() {}

    /** detsim_call(function, a1, a2, 0, 0, 0, 0). */
    static long call(int function, long a1, long a2) {
        try {
            return (long) CALL.invokeExact((long) function, a1, a2, 0L, 0L, 0L, 0L);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /**
     * What {@link #spawn} returns: the program's host pid (or -errno), the read end of its exec-error pipe, the
     * host pid of the pid namespace's init (0: no namespace) and, when a namespace was asked for but could not
     * be made, why (else null).
     */
    public record Spawned(int pid, int errorFd, int initPid, String namespaceFailure) {}

    /** A NULL-terminated array of C strings. */
    private static MemorySegment strings(Arena arena, List<String> list) {
        MemorySegment array = arena.allocate(ADDRESS, list.size() + 1);
        for (int i = 0; i < list.size(); i++) array.setAtIndex(ADDRESS, i, arena.allocateFrom(list.get(i)));
        array.setAtIndex(ADDRESS, list.size(), MemorySegment.NULL);
        return array;
    }

    /**
     * Forks a child from the calling thread (which becomes its tracer) — with SPAWN_PID_NAMESPACE, through an
     * init process in a new pid namespace — seizes it with ptraceOptions, and lets it install filter and execve
     * path. Must run on the tracer thread.
     *
     * @param filter the seccomp-bpf program as sock_filter structs (8 bytes each)
     * @param environment the program's environment, "NAME=value" in order; null: detsim's own, untouched
     * @param initKeepFd with SPAWN_PID_NAMESPACE, a descriptor the namespace's init keeps open (-1: none)
     * @return the child, or a negative errno in pid when fork or PTRACE_SEIZE failed
     */
    public static Spawned spawn(String path, List<String> argv, List<String> environment, MemorySegment filter,
                                int ptraceOptions, int[] keepFds, int flags, int initKeepFd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment argvSeg = strings(arena, argv);
            MemorySegment envp = environment == null ? MemorySegment.NULL : strings(arena, environment);
            MemorySegment keep = arena.allocate(JAVA_INT, Math.max(1, keepFds.length));
            for (int i = 0; i < keepFds.length; i++) keep.setAtIndex(JAVA_INT, i, keepFds[i]);

            MemorySegment req = arena.allocate(SPAWN_REQUEST);
            req.set(ADDRESS, SPAWN_REQUEST.byteOffset(pe("path")), arena.allocateFrom(path));
            req.set(ADDRESS, SPAWN_REQUEST.byteOffset(pe("argv")), argvSeg);
            req.set(ADDRESS, SPAWN_REQUEST.byteOffset(pe("envp")), envp);
            req.set(ADDRESS, SPAWN_REQUEST.byteOffset(pe("filter")), filter);
            req.set(JAVA_INT, SPAWN_REQUEST.byteOffset(pe("filter_len")), (int) (filter.byteSize() / 8));
            req.set(JAVA_INT, SPAWN_REQUEST.byteOffset(pe("ptrace_options")), ptraceOptions);
            req.set(ADDRESS, SPAWN_REQUEST.byteOffset(pe("keep_fds")), keep);
            req.set(JAVA_INT, SPAWN_REQUEST.byteOffset(pe("keep_fd_count")), keepFds.length);
            req.set(JAVA_INT, SPAWN_REQUEST.byteOffset(pe("flags")), flags);
            req.set(JAVA_INT, SPAWN_REQUEST.byteOffset(pe("init_keep_fd")), initKeepFd);

            MemorySegment out = arena.allocate(SPAWNED);
            int pid = (int) call(CALL_SPAWN, req.address(), out.address());
            int stage = out.get(JAVA_INT, SPAWNED.byteOffset(pe("namespace_stage")));
            String failure = stage == 0 ? null : (stage < NAMESPACE_STAGES.size() ? NAMESPACE_STAGES.get(stage)
                    : "stage " + stage) + ": " + Errno.name(out.get(JAVA_INT, SPAWNED.byteOffset(pe("namespace_errno"))));
            return new Spawned(pid, pid > 0 ? out.get(JAVA_INT, SPAWNED.byteOffset(pe("error_fd"))) : -1,
                    pid > 0 ? out.get(JAVA_INT, SPAWNED.byteOffset(pe("init_pid"))) : 0, failure);
        }
    }

    /**
     * Makes SIGINT/SIGTERM/SIGHUP/SIGQUIT sent to detsim by other processes go to target (target 0: held in
     * {@link #signalsHeld()} instead), and adds 1 to {@link #signalsSeen()} after each; 0 or -errno.
     */
    public static int forwardSignals(int target) {
        return (int) call(CALL_FORWARD_SIGNALS, target, 0);
    }

    /**
     * The 64-bit set (1 << signal) of signals the forwarding handler held instead of forwarding them, after
     * {@code forwardSignals(0)} (C's detsim_signals_held); take it with an atomic exchange.
     */
    public static MemorySegment signalsHeld() {
        return NativeLibrary.lookup().find("detsim_signals_held")
                .orElseThrow(() -> new IllegalStateException("libdetsim.so has no detsim_signals_held"))
                .reinterpret(JAVA_LONG.byteSize());
    }

    /** The 32-bit count of signals the forwarding handler has seen (C's detsim_signals_seen), to read atomically. */
    public static MemorySegment signalsSeen() {
        return NativeLibrary.lookup().find("detsim_signals_seen")
                .orElseThrow(() -> new IllegalStateException("libdetsim.so has no detsim_signals_seen"))
                .reinterpret(JAVA_INT.byteSize());
    }

    /** C's sizeof/offsetof for a name such as "user_regs_struct.orig_rax"; -1 if C does not know it. */
    public static long cLayout(String name) {
        try (Arena arena = Arena.ofConfined()) {
            return (long) Layout.LAYOUT.invokeExact(arena.allocateFrom(name));
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    private static MemoryLayout.PathElement pe(String name) {
        return MemoryLayout.PathElement.groupElement(name);
    }
}
