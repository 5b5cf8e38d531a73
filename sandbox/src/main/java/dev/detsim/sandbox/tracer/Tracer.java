package dev.detsim.sandbox.tracer;

import static dev.detsim.sandbox.os.Ptrace.*;

import dev.detsim.sandbox.arch.Arch;
import dev.detsim.sandbox.arch.Registers;
import dev.detsim.sandbox.os.Errno;
import dev.detsim.sandbox.os.LibDetsim;
import dev.detsim.sandbox.os.Posix;
import dev.detsim.sandbox.os.SignalNames;
import dev.detsim.sandbox.syscall.SeccompFilter;
import dev.detsim.sandbox.syscall.Syscall;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The tracer loop. One dedicated platform thread makes every ptrace call (the kernel accepts ptrace
 * requests only from the thread that attached): it spawns the program, then waits for stops of any
 * traced thread and answers each one — seccomp stops go to the handlers, clone/fork/exec events keep the
 * thread table current, signals are re-injected unchanged, group-stops are held with PTRACE_LISTEN.
 *
 * <p>Every tracee is attached with PTRACE_O_EXITKILL, so if detsim dies (even by SIGKILL) the kernel
 * kills the whole traced tree. When the program's first process exits, whatever it left running is
 * killed too: nothing traced outlives detsim.
 */
public final class Tracer {
    private static final int OPTIONS = O_TRACESYSGOOD | O_TRACEFORK | O_TRACEVFORK | O_TRACECLONE | O_TRACEEXEC
            | O_TRACESECCOMP | O_EXITKILL;
    private static final int SYSCALL_STOP = SignalNames.SIGTRAP | 0x80;

    private final Arch arch;
    private final TracerOptions options;
    private final Map<Integer, Tracee> threads = new HashMap<>();
    private final Set<String> warned = new HashSet<>();
    /** Per syscall, the handlers that subscribed to it, in priority order (null: none). */
    private final SyscallHandler[][] bySyscall = new SyscallHandler[Syscall.values().length][];

    // Owned by the tracer thread once run() starts there.
    private Posix posix;
    private Registers regs;
    private GuestMemory memory;
    private SyscallStop stop;
    private ExecStop execStop;
    private SyscallTracePrinter printer;
    private MemorySegment eventMsg;

    private int rootPid = -1;
    private int execErrorFd = -1;
    private int rootStatus = -1;
    private int leftoverKilled;
    private int threadsSeen;
    private int processesSeen = 1;
    private int peakLive;
    private long syscallStops;
    private final MemoryWrites writes = new MemoryWrites();

    public Tracer(Arch arch, TracerOptions options) {
        this.arch = arch;
        this.options = options;
        for (SyscallHandler h : options.handlers()) {
            for (Syscall s : h.subscriptions()) {
                SyscallHandler[] old = bySyscall[s.ordinal()];
                SyscallHandler[] now = old == null ? new SyscallHandler[1] : java.util.Arrays.copyOf(old, old.length + 1);
                now[now.length - 1] = h;
                bySyscall[s.ordinal()] = now;
            }
        }
    }

    /** The syscalls that stop the tracee: what handlers subscribe to plus --intercept. */
    public Set<Syscall> tracedSyscalls() {
        Set<Syscall> traced = EnumSet.noneOf(Syscall.class);
        for (SyscallHandler h : options.handlers()) traced.addAll(h.subscriptions());
        traced.addAll(options.intercept());
        return traced;
    }

    /**
     * Runs path with argv under the tracer, on a new platform thread, and returns how it ended.
     *
     * @throws SpawnException if the program could not be started (fork, exec, or the filter failed)
     */
    public Outcome run(String path, List<String> argv) throws SpawnException, InterruptedException {
        Object[] result = new Object[1];
        Thread tracer = Thread.ofPlatform().name("detsim-tracer").unstarted(() -> {
            try {
                result[0] = trace(path, argv);
            } catch (SpawnException | RuntimeException | Error e) {
                result[0] = e;
            }
        });
        tracer.start();
        tracer.join();
        if (result[0] instanceof SpawnException e) throw e;
        if (result[0] instanceof RuntimeException e) throw e;
        if (result[0] instanceof Error e) throw e;
        return (Outcome) result[0];
    }

    private Outcome trace(String path, List<String> argv) throws SpawnException {
        posix = Posix.forCurrentThread();
        try (Arena arena = Arena.ofConfined()) {
            regs = new Registers(arch, arena);
            memory = new GuestMemory(posix, arena, writes);
            stop = new SyscallStop(memory);
            execStop = new ExecStop(memory);
            eventMsg = arena.allocate(ValueLayout.JAVA_LONG);
            if (options.trace() != null) printer = new SyscallTracePrinter(memory, options.trace());
            if (options.pinToOneCpu()) CpuPinning.pinCallingThread(posix, arena, options.warnings());

            SeccompFilter filter = options.trace() != null
                    ? SeccompFilter.tracingAll(arch) : SeccompFilter.tracing(arch, tracedSyscalls());
            LibDetsim.Spawned spawned = LibDetsim.spawn(path, argv, filter.toNative(arena), OPTIONS, options.keepFds(),
                    options.disableAslr() ? LibDetsim.SPAWN_NO_ASLR : 0);
            if (spawned.pid() < 0) throw new SpawnException("cannot start " + path, -spawned.pid());
            rootPid = spawned.pid();
            execErrorFd = spawned.errorFd();
            tracee(rootPid);
            LibDetsim.forwardSignals(rootPid);
            loop(arena);
            if (printer != null) printer.flush();
            return new Outcome(exited(rootStatus) ? exitCode(rootStatus) : 0,
                    signaled(rootStatus) ? termSignal(rootStatus) : 0, coreDumped(rootStatus), leftoverKilled,
                    new RunStats(threadsSeen, processesSeen, peakLive, syscallStops, 0, 0));
        } finally {
            if (execErrorFd >= 0) posix.close(execErrorFd);
        }
    }

    private void loop(Arena arena) throws SpawnException {
        while (!threads.isEmpty()) {
            int tid = posix.waitpid(-1, WALL);
            if (tid == -Errno.EINTR) continue;
            if (tid == -Errno.ECHILD) break;
            if (tid < 0) throw new IllegalStateException("waitpid: " + Errno.name(-tid));
            int status = posix.lastWaitStatus();
            if (stopped(status)) {
                onStop(tracee(tid), status);
            } else {
                onExit(tid, status, arena);
            }
        }
    }

    private void onExit(int tid, int status, Arena arena) throws SpawnException {
        Tracee t = threads.remove(tid);
        if (t != null) {
            options.events().append(t.number, "exit", signaled(status)
                    ? "killed " + SignalNames.name(termSignal(status)) : "exit " + exitCode(status));
        }
        if (t != null && t.pendingSyscall != null && printer != null) printer.finishUnreturned(t);
        if (tid != rootPid) return;
        if (execErrorFd >= 0) checkExecFailed(arena); // exited before reaching its program
        rootStatus = status;
        killLeftovers();
    }

    /** The root exited before PTRACE_EVENT_EXEC: if the error pipe holds {stage, errno}, exec failed. */
    private void checkExecFailed(Arena arena) throws SpawnException {
        MemorySegment buf = arena.allocate(8, 4);
        long n = posix.read(execErrorFd, buf, 8);
        posix.close(execErrorFd);
        execErrorFd = -1;
        if (n == 8) {
            int stage = buf.get(ValueLayout.JAVA_INT, 0);
            int errno = buf.get(ValueLayout.JAVA_INT, 4);
            String what = switch (stage) {
                case 4 -> "cannot install the seccomp filter";
                case 3 -> "cannot set no_new_privs";
                case 5 -> "cannot execute";
                case 6 -> "cannot turn off address-space randomisation";
                default -> "cannot prepare the child";
            };
            throw new SpawnException(what, errno);
        }
    }

    /** SIGKILLs every process still traced; counts processes (thread groups), not threads. */
    private void killLeftovers() {
        Set<Integer> processes = new HashSet<>();
        for (int tid : List.copyOf(threads.keySet())) {
            int process = threadGroupOf(tid);
            if (processes.add(process) && posix.kill(process, SignalNames.SIGKILL) == 0) leftoverKilled++;
        }
    }

    /** The tgid of thread tid (/proc/TID/status), or tid itself if it is already gone. */
    private static int threadGroupOf(int tid) {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/" + tid + "/status"))) {
                if (line.startsWith("Tgid:")) return Integer.parseInt(line.substring(5).trim());
            }
        } catch (java.io.IOException | NumberFormatException e) {
            // gone already: killing its tid is harmless
        }
        return tid;
    }

    private void onStop(Tracee t, int status) {
        int signal = stopSignal(status);
        switch (event(status)) {
            case 0 -> {
                if (signal == SYSCALL_STOP) {
                    if (printer != null) printer.finish(t, regsOf(t));
                    resume(t, 0);
                } else {
                    options.events().append(t.number, "signal", SignalNames.name(signal));
                    resume(t, signal); // signal-delivery-stop: deliver it unchanged
                }
            }
            case EVENT_SECCOMP -> onSeccomp(t);
            case EVENT_CLONE, EVENT_FORK, EVENT_VFORK -> {
                if (event(status) != EVENT_CLONE) processesSeen++;
                if (posix.ptrace(PTRACE_GETEVENTMSG, t.tid, 0, eventMessage()) >= 0) {
                    tracee((int) eventMessageValue()); // unless it stopped first
                }
                resume(t, 0);
            }
            case EVENT_EXEC -> onExec(t);
            case EVENT_STOP -> {
                if (signal == SignalNames.SIGTRAP) {
                    resume(t, 0); // a new thread's first stop, or an interrupt
                } else {
                    posix.ptrace(PTRACE_LISTEN, t.tid, 0, 0); // group-stop: stay stopped, see SIGCONT
                }
            }
            default -> {
                warnOnce("event " + event(status), "unexpected ptrace event " + event(status) + " in thread " + t.tid);
                resume(t, 0);
            }
        }
    }

    private void onExec(Tracee t) {
        if (posix.ptrace(PTRACE_GETEVENTMSG, t.tid, 0, eventMessage()) >= 0) {
            int former = (int) eventMessageValue();
            if (former != t.tid) {
                // A non-leader thread exec'd: it took over the leader's tid; its own tid is gone.
                Tracee old = threads.remove(former);
                if (old != null) {
                    threads.put(t.tid, t = new Tracee(t.tid, old.number)); // the exec'ing thread goes on
                }
                if (old != null && old.pendingSyscall != null) {
                    t.pendingSyscall = old.pendingSyscall;
                    t.pendingArgs = old.pendingArgs;
                    t.pendingRendered = old.pendingRendered;
                }
            }
        }
        if (t.tid == rootPid && execErrorFd >= 0) {
            posix.close(execErrorFd); // exec succeeded: the pipe was closed on exec
            execErrorFd = -1;
        }
        writes.reset();
        if (!options.handlers().isEmpty() && arch.fetch(posix, t.tid, regs.raw()) >= 0) {
            execStop.tid = t.tid;
            execStop.registers = regs;
            for (SyscallHandler h : options.handlers()) h.onExec(execStop);
        }
        options.events().append(t.number, "exec", programOf(t.tid) + writes.describe());
        resume(t, 0);
    }

    private void onSeccomp(Tracee t) {
        syscallStops++;
        if (arch.fetch(posix, t.tid, regs.raw()) < 0) return; // killed meanwhile; its exit follows
        long nr = regs.syscallNumber();
        Syscall s = arch.syscall(nr);
        SyscallHandler[] h = s == null ? null : bySyscall[s.ordinal()];
        if ((s == null || h != null) && foreignAbi(t)) {
            // An i386 syscall: its number means something else here. It runs unchanged and is reported.
            warnOnce("foreign " + nr, "32-bit (int 0x80) syscall #" + nr + " is not handled by detsim; it ran unchanged");
            resume(t, 0);
            return;
        }
        if (s == null) {
            warnOnce("nr " + nr, "syscall " + describeUnknown(nr) + " is not in detsim's table; it ran unchanged");
            resume(t, 0);
            return;
        }
        Disposition d = Disposition.PASSTHROUGH;
        if (h != null) {
            stop.thread = t;
            stop.syscall = s;
            stop.registers = regs;
            stop.argumentsChanged = false;
            writes.reset();
            // Each handler in turn until one answers the call itself; argument changes accumulate.
            for (int i = 0; i < h.length && d instanceof Disposition.Passthrough; i++) d = h[i].onSyscall(stop);
            if (stop.argumentsChanged && d instanceof Disposition.Passthrough) arch.store(posix, t.tid, regs.raw());
            options.events().append(t.number, "syscall", describe(s, d) + writes.describe());
        }
        if (d instanceof Disposition.Emulate e) {
            regs.setReturnValue(e.value());
            arch.storeSyscallNumber(posix, t.tid, regs.raw(), -1);
            if (printer != null) printer.emulated(t, s, regs, e.value());
            resume(t, 0);
            return;
        }
        if (printer != null) printer.begin(t, s, regs);
        resume(t, 0);
    }

    /** Whether the filter tagged this seccomp stop as a foreign-ABI syscall (SECCOMP_RET_DATA). */
    private boolean foreignAbi(Tracee t) {
        return posix.ptrace(PTRACE_GETEVENTMSG, t.tid, 0, eventMessage()) >= 0
                && (eventMessageValue() & 0xffff) == SeccompFilter.FOREIGN_ABI;
    }

    /** "name(0x..,0x..)=result" or "name(..) passed through": the arguments the signature names, raw. */
    private String describe(Syscall s, Disposition d) {
        StringBuilder b = new StringBuilder(s.kernelName()).append('(');
        int n = Math.min(6, dev.detsim.sandbox.syscall.SyscallTable.get().signature(s).argumentKinds().size());
        for (int i = 0; i < n; i++) b.append(i > 0 ? "," : "").append("0x").append(Long.toHexString(regs.argument(i)));
        b.append(')');
        return d instanceof Disposition.Emulate e ? b.append('=').append(e.value()).toString() : b.append(" passed through").toString();
    }

    private static String programOf(int tid) {
        try {
            return java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/" + tid + "/exe")).toString();
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    private Tracee tracee(int tid) {
        Tracee t = threads.get(tid);
        if (t == null) {
            threads.put(tid, t = new Tracee(tid, ++threadsSeen));
            peakLive = Math.max(peakLive, threads.size());
        }
        return t;
    }

    private String describeUnknown(long nr) {
        if (arch.foreignAbiBit() != 0 && (nr & arch.foreignAbiBit()) != 0) {
            return "x32 #" + (nr & ~arch.foreignAbiBit());
        }
        return "#" + nr;
    }

    private Registers regsOf(Tracee t) {
        return arch.fetch(posix, t.tid, regs.raw()) < 0 ? null : regs;
    }

    /** Restarts t, delivering signal (0 for none); asks for the syscall-exit stop if a trace line waits. */
    private void resume(Tracee t, int signal) {
        int request = t.pendingSyscall != null ? PTRACE_SYSCALL : PTRACE_CONT;
        long r = posix.ptrace(request, t.tid, 0, signal);
        if (r < 0 && r != -Errno.ESRCH) {
            warnOnce("resume " + r, "cannot resume thread " + t.tid + ": " + Errno.name((int) -r));
        }
    }

    /** Address of the buffer PTRACE_GETEVENTMSG writes into. */
    private long eventMessage() {
        return eventMsg.address();
    }

    private long eventMessageValue() {
        return eventMsg.get(ValueLayout.JAVA_LONG, 0);
    }

    private void warnOnce(String key, String message) {
        if (warned.add(key)) options.warnings().println("detsim: warning: " + message);
    }
}
