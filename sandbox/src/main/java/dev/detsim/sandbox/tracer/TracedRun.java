package dev.detsim.sandbox.tracer;

import static dev.detsim.sandbox.os.Ptrace.PTRACE_GETEVENTMSG;

import dev.detsim.abi.Siginfo;
import dev.detsim.sandbox.api.GuestMemory;
import dev.detsim.sandbox.api.Descriptors;
import dev.detsim.recorder.EventLog;
import dev.detsim.sandbox.arch.Arch;
import dev.detsim.sandbox.arch.Registers;
import dev.detsim.sandbox.arch.VdsoStubs;
import dev.detsim.sandbox.os.Posix;
import dev.detsim.sandbox.tracer.clock.SharedClockPage;
import dev.detsim.sandbox.tracer.clock.TimeStampPatches;
import dev.detsim.sandbox.tracer.clock.Vdso;
import dev.detsim.sandbox.tracer.clock.VdsoClock;
import dev.detsim.sandbox.tracer.futex.FutexFastPath;
import dev.detsim.sandbox.tracer.preemption.Preemption;
import dev.detsim.sandbox.tracer.preemption.PreemptionRecords;
import dev.detsim.sandbox.tracer.preemption.SiteCounters;
import dev.detsim.sandbox.tracer.preemption.WatchdogReplay;
import dev.detsim.sandbox.tracer.preemption.TickCounters;
import dev.detsim.sandbox.tracer.preemption.Watchdog;
import dev.detsim.scheduler.Scheduler;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What one traced run works with, made on the tracer thread when the run starts and shared by the tracer's
 * parts: the ptrace-facing objects (registers, guest memory, descriptors), the thread table, the preemption
 * machinery, and the per-process accelerations (clock page, the futex fast path). Holds no decisions.
 */
final class TracedRun implements AutoCloseable {
    static final int SIGINFO_BYTES = Siginfo.SIZE;

    final Arch arch;
    final TracerOptions options;
    final Scheduler scheduler;
    final EventLog events;
    final PrintStream warnings;
    final Posix posix;
    final Arena arena = Arena.ofConfined();
    final Registers regs;
    final MemoryWrites writes = new MemoryWrites();
    final PtraceMemory memory;
    final HostDescriptors descriptors;
    final ThreadTable threads;
    final Waiters waiters;
    final SignalNotices notices = new SignalNotices();
    final TimerSignals timerSignals;
    final Watchdog watchdog;
    final Preemption preemption;
    /** Deterministic preemption by a per-thread counter, or null (the watchdog alone). */
    final TickCounters ticks;
    /** Without ticks: counted slices at spin sites ({@link SiteCounters}), or null (the watchdog alone). */
    final SiteCounters sites;
    /** Replay: the recording's watchdog preemptions, found again by breakpoint; null when not replaying any. */
    final WatchdogReplay replay;
    /** Record and replay's watchdog preemptions, or null. */
    final PreemptionRecords records;
    /** Prints a line per syscall (--trace-syscalls), or null. */
    final SyscallTracePrinter printer;
    final VdsoStubs vdsoStubs;
    /** Fast virtual clock reads through a patched vDSO; null hides the vDSO instead. */
    final VdsoClock vdsoClock;
    final SharedClockPage clockPage;
    /** Saves stops and register writes (the Go futex fast path); the tracer's parts know it only as this. */
    final Accelerator accelerator;
    /** Who keeps state per process or prepares new programs, told of forks, execs and exits in this order. */
    final List<ProcessListener> processListeners = new ArrayList<>();
    /**
     * The spawned process has exec'd the program. Before that it runs detsim's own spawn code, whose stops (the
     * error report of a failed exec) are neither the program's nor deterministic (they carry the JVM's addresses).
     */
    boolean programStarted;
    /** A siginfo_t for PTRACE_GETSIGINFO. */
    final MemorySegment siginfo;
    private final MemorySegment eventMsg;
    private final Set<String> warned = new HashSet<>();

    TracedRun(Arch arch, TracerOptions options, TimeStampPatches timeStampPatches) {
        this.arch = arch;
        this.options = options;
        this.scheduler = options.scheduler();
        this.events = options.events();
        this.warnings = options.warnings();
        posix = Posix.forCurrentThread();
        watchdog = new Watchdog(arch);
        regs = new Registers(arch, arena);
        memory = new PtraceMemory(posix, arena, writes);
        descriptors = new HostDescriptors(posix, arena);
        threads = new ThreadTable(scheduler);
        waiters = new Waiters(scheduler, descriptors, threads);
        timerSignals = new TimerSignals(posix, arena, descriptors, threads::liveThreadsOf);
        vdsoStubs = VdsoStubs.forArch(arch).orElse(null);
        // Tracing prints each syscall's exit stop; an injected syscall at exec would take execve's.
        if (options.clocks() != null && vdsoStubs != null && options.trace() == null) {
            clockPage = SharedClockPage.create(posix, arena);
            vdsoClock = new VdsoClock(vdsoStubs, options.clocks(), clockPage);
        } else {
            clockPage = null;
            vdsoClock = null;
        }
        eventMsg = arena.allocate(ValueLayout.JAVA_LONG);
        siginfo = arena.allocate(SIGINFO_BYTES, 8);
        preemption = options.preemption() != null ? options.preemption() : Preemption.auto();
        ticks = preemption.ticks() != null ? new TickCounters(posix, arena, preemption.ticks(), warnings,
                preemption.chaosTicks()) : null;
        sites = ticks == null && preemption.sites() != null
                ? new SiteCounters(posix, arena, preemption.sites(), preemption.breakpoints(), warnings) : null;
        records = preemption.records();
        replay = records != null && records.replaying() ? new WatchdogReplay(records.toReplay(), posix, arena) : null;
        printer = options.trace() != null ? new SyscallTracePrinter(memory, options.trace()) : null;
        accelerator = new FutexFastPath(arch, posix, vdsoStubs, scheduler, memory);
        processListeners.add(accelerator); // its filter first, before the clock page is mapped
        processListeners.add(new Vdso(vdsoClock));
        if (arch.name().equals("x86_64")) processListeners.add(timeStampPatches); // rdtsc sites are x86's
    }

    /** PTRACE_GETEVENTMSG of a stopped thread (the new tid at a clone, the former tid at an exec), or -1. */
    long eventMessage(int tid) {
        return posix.ptrace(PTRACE_GETEVENTMSG, tid, 0, eventMsg.address()) >= 0 ? eventMsg.get(ValueLayout.JAVA_LONG, 0) : -1;
    }

    /** The thread's registers, or null if it is gone. */
    Registers regsOf(Tracee t) {
        return arch.fetch(posix, t.tid, regs.forFetch()) < 0 ? null : regs;
    }

    void warnOnce(String key, String message) {
        if (warned.add(key)) warnings.println("detsim: warning: " + message);
    }

    static String programOf(int tid) {
        try {
            return java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/" + tid + "/exe")).toString();
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    @Override
    public void close() {
        watchdog.close();
        if (clockPage != null) clockPage.close();
        arena.close();
    }
}
