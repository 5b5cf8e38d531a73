package dev.detsim.sandbox.tracer;

import static dev.detsim.sandbox.os.Ptrace.*;

import dev.detsim.recorder.EventLine;
import dev.detsim.sandbox.arch.Arch;
import dev.detsim.sandbox.arch.Registers;
import dev.detsim.sandbox.arch.VdsoStubs;
import dev.detsim.sandbox.os.Errno;
import dev.detsim.sandbox.os.LibDetsim;
import dev.detsim.sandbox.os.Posix;
import dev.detsim.sandbox.os.SignalNames;
import dev.detsim.sandbox.syscall.SeccompFilter;
import dev.detsim.sandbox.syscall.Syscall;
import dev.detsim.sandbox.syscall.SyscallTable;
import dev.detsim.scheduler.Decision;
import dev.detsim.scheduler.Deadline;
import dev.detsim.scheduler.DeadlockReport;
import dev.detsim.scheduler.FutexKey;
import dev.detsim.scheduler.FutexOp;
import dev.detsim.scheduler.FutexOutcome;
import dev.detsim.scheduler.ProcessId;
import dev.detsim.scheduler.Scheduler;
import dev.detsim.scheduler.ThreadId;
import dev.detsim.scheduler.ThreadState;
import dev.detsim.scheduler.TimerKey;
import dev.detsim.scheduler.TimerQueue;
import dev.detsim.scheduler.WaitCondition;
import dev.detsim.scheduler.WakeUp;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The tracer loop. One dedicated platform thread makes every ptrace call (the kernel accepts ptrace
 * requests only from the thread that attached). It spawns the program and runs it <em>one thread at a
 * time</em>: every other traced thread sits in a ptrace-stop until the {@link Scheduler} picks it.
 *
 * <p>A turn runs from resuming the chosen thread to its next stop at an intercepted syscall (or its exit,
 * or a watchdog preemption). At that stop the handlers decide the syscall (run it, answer it, or park the
 * thread on a wait condition), and the scheduler chooses who runs next. Clone, exec and signal-delivery
 * stops are handled on the spot and the same thread goes on.
 *
 * <p>Every tracee is attached with PTRACE_O_EXITKILL, so if detsim dies (even by SIGKILL) the kernel
 * kills the whole traced tree. When the program's first process exits, whatever it left running is
 * killed too: nothing traced outlives detsim.
 */
public final class Tracer {
    private static final int OPTIONS = O_TRACESYSGOOD | O_TRACEFORK | O_TRACEVFORK | O_TRACECLONE | O_TRACEEXEC
            | O_TRACESECCOMP | O_EXITKILL;
    private static final int SYSCALL_STOP = SignalNames.SIGTRAP | 0x80;
    private static final long CLONE_VM = 0x100, CLONE_VFORK = 0x4000, CLONE_THREAD = 0x10000,
            CLONE_CHILD_CLEARTID = 0x200000;
    /** The syscalls the tracer itself needs to see, whatever the handlers want. */
    static final Set<Syscall> OWN = EnumSet.of(Syscall.EXIT, Syscall.EXIT_GROUP, Syscall.SET_TID_ADDRESS,
            Syscall.SCHED_YIELD, Syscall.CLONE, Syscall.CLONE3, Syscall.KILL, Syscall.TKILL, Syscall.TGKILL,
            Syscall.RT_SIGQUEUEINFO, Syscall.RT_TGSIGQUEUEINFO, Syscall.PIDFD_SEND_SIGNAL);
    private static final boolean[] OWN_BY_ORDINAL = new boolean[Syscall.values().length];
    static {
        for (Syscall s : OWN) OWN_BY_ORDINAL[s.ordinal()] = true;
    }
    private static final Set<Syscall> SENDS_SIGNALS = EnumSet.of(Syscall.KILL, Syscall.TKILL, Syscall.TGKILL,
            Syscall.RT_SIGQUEUEINFO, Syscall.RT_TGSIGQUEUEINFO, Syscall.PIDFD_SEND_SIGNAL);

    /** How long a thread may run without a syscall while others wait, before the watchdog preempts it. */
    public static final long WATCHDOG_MILLIS = Watchdog.PERIOD_NANOS / 1_000_000;
    /** Virtual time a preemption at a tick boundary costs: a nominal time slice, the same in every run. */
    static final long TICK_SLICE_NANOS = 1_000_000;
    private static final int SIGINFO_BYTES = 128;

    private final Arch arch;
    private final TracerOptions options;
    private final Scheduler scheduler;
    private final Map<Integer, Tracee> threads = new HashMap<>();
    private final Map<ThreadId, Tracee> byId = new HashMap<>();
    private final Set<String> warned = new HashSet<>();
    /** Per syscall, the handlers that subscribed to it, in priority order (null: none). */
    private final SyscallHandler[][] bySyscall = new SyscallHandler[Syscall.values().length][];
    private final List<StopObserver> stopObservers = new ArrayList<>();
    /** The options' handlers, then the tracer's own (the program's PR_SET_TSC). */
    private final List<SyscallHandler> handlers = new ArrayList<>();
    private final TimeStampPatches timeStampPatches = new TimeStampPatches();
    private final TimeStampCounter timeStampCounter;

    // Owned by the tracer thread once run() starts there.
    private Posix posix;
    private Registers regs;
    private GuestMemory memory;
    private SyscallStop stop;
    private ExecStop execStop;
    private Descriptors descriptors;
    private SyscallTracePrinter printer;
    private MemorySegment eventMsg;
    private Watchdog watchdog;
    /** Deterministic preemption by a per-thread counter, or null (the watchdog alone). */
    private TickCounters ticks;
    private Preemption preemption;
    /** A siginfo_t for PTRACE_GETSIGINFO. */
    private MemorySegment siginfo;
    /** Where the watchdog first stopped a thread, for the warning ("FILE:0xOFFSET"), or null. */
    private CodeSite firstWatchdogSite;
    private SignalNotices notices;
    private TimerSignals timerSignals;
    /** Fast virtual clock reads through a patched vDSO; null hides the vDSO instead. */
    private VdsoClock vdsoClock;
    private SharedClockPage clockPage;
    /** Go futex wakes that run unstopped, and the waiters whose words detsim watches instead; null: all stop. */
    private FutexWordWatch wordWatch;
    /** struct ptrace_syscall_info of the current seccomp stop, and its SECCOMP_RET_DATA (-1: not read that way). */
    private MemorySegment syscallInfo;
    private long seccompData = -1;
    private VdsoStubs vdsoStubs;
    /** The registers of a thread detsim runs an injected syscall in, to restore after it (one buffer per run). */
    private MemorySegment savedRegs;
    private Arena arena;
    private final MemoryWrites writes = new MemoryWrites();

    /** The one thread resumed, or null between turns. */
    private Tracee current;
    private long turnSerial;
    private Waiters waiters;
    private boolean signalCheckDue;
    private boolean rootDone;
    private DeadlockReport deadlock;
    private final OutsideEnds outsideEnds = new OutsideEnds();
    /** The resume count at which outsideCanEnd was last judged (-1: never), and its verdict. */
    private long outsideVerdictAt = -1;
    private boolean outsideCanEnd;

    private int rootPid = -1;
    /** Host pid of the pid namespace's init (not traced; it exits when the namespace is empty), or 0. */
    private int initPid;
    private int execErrorFd = -1;
    private int rootStatus = -1;
    private int leftoverKilled;
    private int threadsSeen;
    private int processesSeen;
    private int peakLive;
    private long syscallStops;
    /** Fetches the registers {@link #loadSyscallInfo} left out, of thread restOf (one object, not one per stop). */
    private int restOf;
    private final Registers.Rest fetchRest = this::fetchRestOfRegisters;
    /** Resumes of tracees so far: no thread ran between two points where it is the same. */
    private long resumes;
    /** The running thread's seccomp stop is due to the word watch, after PTRACE_GET_SYSCALL_INFO. */
    private boolean watchDue;
    /** The arguments as the program passed them, before handlers rewrote any: what the event log records. */
    private final long[] originalArgs = new long[6];
    /** How many arguments each syscall has (by ordinal), from the syscall table: how many the event log shows. */
    private static final int[] argumentCount = new int[Syscall.values().length];

    static {
        for (Syscall s : Syscall.values()) {
            argumentCount[s.ordinal()] = Math.min(6, SyscallTable.get().signature(s).argumentKinds().size());
        }
    }

    public Tracer(Arch arch, TracerOptions options) {
        this.arch = arch;
        this.options = options;
        this.scheduler = options.scheduler();
        timeStampCounter = new TimeStampCounter(TimeStampCounter.trapWanted(arch), timeStampPatches, scheduler::now);
        handlers.addAll(options.handlers());
        handlers.add(timeStampCounter);
        for (SyscallHandler h : handlers) {
            for (Syscall s : h.subscriptions()) {
                SyscallHandler[] old = bySyscall[s.ordinal()];
                SyscallHandler[] now = old == null ? new SyscallHandler[1] : java.util.Arrays.copyOf(old, old.length + 1);
                now[now.length - 1] = h;
                bySyscall[s.ordinal()] = now;
            }
            if (h instanceof StopObserver o) stopObservers.add(o);
        }
    }

    /**
     * Of {@link #tracedSyscalls()}, those that stop only when an argument matches: every subscriber asked for
     * it with a filter (see {@link SyscallHandler#onlyWhen()}) on the same argument, and neither the tracer
     * nor --intercept needs it always.
     */
    public java.util.Map<Syscall, SeccompFilter.ArgumentFilter> conditionalSyscalls() {
        java.util.Map<Syscall, SeccompFilter.ArgumentFilter> merged = new java.util.EnumMap<>(Syscall.class);
        Set<Syscall> always = EnumSet.copyOf(OWN);
        always.addAll(options.intercept());
        for (SyscallHandler h : handlers) {
            for (Syscall s : h.subscriptions()) {
                SeccompFilter.ArgumentFilter f = h.onlyWhen().get(s);
                SeccompFilter.ArgumentFilter both = f == null || !merged.containsKey(s) ? f : merged.get(s).union(f);
                if (both == null) always.add(s); // unconditional, or filters on different arguments
                else merged.put(s, both);
            }
        }
        merged.keySet().removeAll(always);
        return merged;
    }

    /** The syscalls that stop the tracee: what the tracer and the handlers need plus --intercept. */
    public Set<Syscall> tracedSyscalls() {
        Set<Syscall> traced = EnumSet.copyOf(OWN);
        for (SyscallHandler h : handlers) traced.addAll(h.subscriptions());
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
        try (Arena arena = Arena.ofConfined(); Watchdog dog = new Watchdog()) {
            this.arena = arena;
            watchdog = dog;
            notices = new SignalNotices();
            regs = new Registers(arch, arena);
            memory = new GuestMemory(posix, arena, writes);
            descriptors = new Descriptors(posix, arena);
            stop = new SyscallStop(memory, descriptors);
            execStop = new ExecStop(memory);
            timerSignals = new TimerSignals(posix, arena, descriptors, this::liveThreadsOf);
            waiters = new Waiters(scheduler, descriptors, threads, byId);
            vdsoStubs = VdsoStubs.forArch(arch).orElse(null);
            // Tracing prints each syscall's exit stop; an injected syscall at exec would take execve's.
            if (options.clocks() != null && vdsoStubs != null && options.trace() == null) {
                clockPage = SharedClockPage.create(posix, arena);
                vdsoClock = new VdsoClock(vdsoStubs, options.clocks(), clockPage);
            }
            eventMsg = arena.allocate(ValueLayout.JAVA_LONG);
            siginfo = arena.allocate(SIGINFO_BYTES, 8);
            preemption = options.preemption() != null ? options.preemption() : Preemption.auto();
            if (preemption.ticks() != null) ticks = new TickCounters(posix, arena, preemption.ticks(), options.warnings());
            syscallInfo = arena.allocate(SYSCALL_INFO_BYTES, 8);
            if (options.trace() != null) printer = new SyscallTracePrinter(memory, options.trace());
            if (options.pinToOneCpu()) CpuPinning.pinCallingThread(posix, arena, options.warnings());

            java.util.Map<Syscall, SeccompFilter.ArgumentFilter> onlyWhen = conditionalSyscalls();
            Set<Syscall> always = EnumSet.copyOf(tracedSyscalls());
            always.removeAll(onlyWhen.keySet());
            if (vdsoStubs != null && options.trace() == null && always.contains(Syscall.FUTEX)
                    && !onlyWhen.containsKey(Syscall.FUTEX) && !options.intercept().contains(Syscall.FUTEX)) {
                wordWatch = new FutexWordWatch(arch, vdsoStubs, scheduler, memory);
                always.remove(Syscall.FUTEX);
                var withFutex = new java.util.EnumMap<Syscall, SeccompFilter.ArgumentFilter>(Syscall.class);
                withFutex.putAll(onlyWhen);
                withFutex.put(Syscall.FUTEX, FutexWordWatch.FIRST_FILTER_RULE);
                onlyWhen = withFutex;
            }
            SeccompFilter filter = options.trace() != null
                    ? SeccompFilter.tracingAll(arch) : SeccompFilter.tracing(arch, always, onlyWhen);
            LibDetsim.Spawned spawned = LibDetsim.spawn(path, argv, filter.toNative(arena), OPTIONS, options.keepFds(),
                    (options.disableAslr() ? LibDetsim.SPAWN_NO_ASLR : 0)
                            | (timeStampCounter.trapped() ? LibDetsim.SPAWN_TRAP_TSC : 0)
                            | (options.pidNamespace() ? LibDetsim.SPAWN_PID_NAMESPACE : 0),
                    clockPage != null ? clockPage.fd() : -1);
            if (spawned.pid() < 0) throw new SpawnException("cannot start " + path, -spawned.pid());
            if (spawned.namespaceFailure() != null) {
                options.warnings().println("detsim: pids are the host's (no pid namespace: "
                        + spawned.namespaceFailure() + "); event logs of programs that use pids may differ");
            }
            rootPid = spawned.pid();
            initPid = spawned.initPid();
            if (clockPage != null) clockPage.heldBy(initPid > 0 ? 1 : Posix.getpid()); // see SharedClockPage
            execErrorFd = spawned.errorFd();
            Tracee root = new Tracee(rootPid);
            root.tgid = rootPid;
            threads.put(rootPid, root);
            register(root, null);
            LibDetsim.forwardSignals(rootPid);
            if (!(scheduler.next() instanceof Decision.Run)) throw new IllegalStateException("the first thread cannot run");
            beginTurn(root); // it is running already: toward its exec
            loop();
            if (printer != null) printer.flush();
            RunStats stats = new RunStats(threadsSeen, processesSeen, peakLive, syscallStops,
                    wordWatch == null ? 0 : wordWatch.wakes(),
                    scheduler.nondeterministicPreemptions(), scheduler.deterministicPreemptions(), scheduler.now(),
                    preemption.branchCounters().describe(), preemption.describe(),
                    firstWatchdogSite == null ? null : firstWatchdogSite.toString(),
                    timeStampCounter.trapped() ? "trapped" : "go-runtime-only");
            return new Outcome(exited(rootStatus) ? exitCode(rootStatus) : 0,
                    signaled(rootStatus) ? termSignal(rootStatus) : 0, coreDumped(rootStatus), leftoverKilled,
                    stats, deadlock);
        } finally {
            if (execErrorFd >= 0) posix.close(execErrorFd);
            endNamespace();
            if (clockPage != null) clockPage.close();
        }
    }

    /**
     * The namespace's init exits by itself once the namespace is empty; SIGKILL makes sure (and kills whatever
     * is left, which the kernel does when init dies), then detsim reaps it.
     */
    private void endNamespace() {
        if (initPid <= 0) return;
        posix.kill(initPid, SignalNames.SIGKILL);
        posix.waitpid(initPid, WALL | WNOTHREAD);
        initPid = 0;
    }

    // ---- the loop ----------------------------------------------------------------------------------

    private void loop() throws SpawnException {
        while (!threads.isEmpty()) {
            if (current == null && !rootDone) dispatch();
            if (threads.isEmpty()) break;
            int tid = posix.waitpid(-1, WALL | WNOTHREAD);
            if (tid == -Errno.EINTR) continue;
            if (tid == -Errno.ECHILD) break;
            if (tid < 0) throw new IllegalStateException("waitpid: " + Errno.name(-tid));
            report(tid, posix.lastWaitStatus());
        }
    }

    /** One waitpid report: an exit, or a stop of the running thread or of one detsim holds. */
    private void report(int tid, int status) throws SpawnException {
        memory.forget();
        if (current != null && tid == current.tid) {
            if (wordWatch != null) {
                // At a seccomp stop the watch reads after PTRACE_GET_SYSCALL_INFO, with the word a wait waits on.
                watchDue = stopped(status) && event(status) == EVENT_SECCOMP;
                if (!watchDue) wordWatch.runningThreadStopped(current, 0, resumes);
            }
            for (StopObserver o : stopObservers) o.runningThreadStopped(tid);
        }
        if (!stopped(status)) {
            onExit(tid, status);
            return;
        }
        Tracee t = threads.get(tid);
        if (t == null) { // a new thread's first stop, before its creator's clone event
            t = new Tracee(tid);
            t.held = true;
            threads.put(tid, t);
            return;
        }
        if (t == current && !rootDone
                || event(status) == EVENT_EXEC && current != null && !rootDone) { // exec from a non-leader: new tid
            onStop(t, status);
            return;
        }
        t.held = true;
        if (isFirstStop(status) && t.queuedStatus == null && !t.listening) {
            return; // the first stop of a new thread: it waits here for its first turn
        }
        if (rootDone) { // the program is over: let whatever is left reach its SIGKILL
            resume(t, 0);
            return;
        }
        t.queuedStatus = status;
        if (t.listening) {
            t.listening = false;
            if (t.id != null && scheduler.state(t.id) == ThreadState.BLOCKED) scheduler.retry(t.id);
        }
    }

    /**
     * Between turns: lets the scheduler choose, and resumes the thread it chose. Returns when one thread runs,
     * or when none can until something outside detsim happens (the caller then waits for any report).
     */
    private void dispatch() {
        while (current == null) {
            deliverExpiredTimers();
            if (notices.drain()) signalCheckDue = true;
            if (signalCheckDue) {
                signalCheckDue = false;
                waiters.interruptThoseWithPendingSignals();
            }
            waiters.pollReadiness();
            waiters.retryProgressWaiters();
            Decision d = scheduler.next();
            switch (d) {
                case Decision.Run r -> startTurn(byId.get(r.thread()), r.wakeUp().orElse(null));
                case Decision.AdvanceClock a -> options.events().record(0, "clock", Long.toString(a.now()));
                case Decision.Deadlock dl -> {
                    if (waitForOutside(dl.report())) continue;
                    deadlock = dl.report();
                    options.events().record(0, "deadlock", dl.report().toString().replace("\n", ";"));
                    killEverything();
                    return;
                }
                case Decision.NothingLeft n -> {
                    return; // exited threads whose deaths are still to be reported
                }
            }
        }
    }

    /** Timers whose virtual expiry has come: their handlers deliver them (signals, timerfd expirations). */
    private void deliverExpiredTimers() {
        if (scheduler.timers().isEmpty()) return;
        for (TimerQueue.Expired e : scheduler.timers().takeExpired(scheduler.now())) {
            TimerKey key = e.key();
            options.events().record(0, "timer", key.family() + " " + key.number() + " of process " + key.owner().value());
            for (SyscallHandler h : handlers) h.onTimer(key, e.at(), timerSignals);
        }
        if (timerSignals.takeSent()) signalCheckDue = true;
    }

    /** The live threads of process, in creation order. */
    private List<Tracee> liveThreadsOf(ProcessId process) {
        List<Tracee> live = new ArrayList<>();
        for (Tracee t : threads.values()) {
            if (!t.gone && t.id != null && process.equals(t.process)) live.add(t);
        }
        live.sort((a, b) -> a.id.compareTo(b.id));
        return live;
    }

    private void startTurn(Tracee t, WakeUp wake) {
        waiters.turnStarts(t, wake);
        if (!t.held) awaitFirstStop(t);
        if (!t.held) { // died before it ever ran
            if (!t.gone) markGone(t);
            return;
        }
        beginTurn(t);
        if (t.queuedStatus != null) {
            int status = t.queuedStatus;
            t.queuedStatus = null;
            t.held = false;
            onStop(t, status);
            return;
        }
        if (t.vforkChild != null) {
            t.vforkChild = null;
            continueTurn(t, 0);
            return;
        }
        if (t.blockedIn != null) {
            Syscall s = t.blockedIn;
            t.blockedIn = null;
            if (t.parkedInfoValid) { // as it was when it parked
                t.parkedInfoValid = false;
                MemorySegment.copy(t.parkedInfo, 0, syscallInfo, 0, SYSCALL_INFO_BYTES);
                loadSyscallInfo(t);
            } else if (fetchAtSeccomp(t) < 0) {
                return; // killed meanwhile; its exit follows
            }
            decide(t, s, wake);
            return;
        }
        continueTurn(t, t.resumeSignal);
    }

    private void beginTurn(Tracee t) {
        current = t;
        turnSerial++;
        if (vdsoClock != null) vdsoClock.beginTurn(memory, t.tid, t.tgid);
        if (ticks != null) ticks.beginTurn(t);
        if (othersCouldRun(t)) watchdog.arm(turnSerial, t.tgid, t.tid);
    }

    /** Resumes the running thread (again) within its turn. */
    private void continueTurn(Tracee t, int signal) {
        t.held = false;
        if (t.kernelAnswersAt >= 0) {
            if (t.kernelAnswersAt != resumes && arch.fetch(posix, t.tid, regs.forFetch()) >= 0) {
                // Another thread ran meanwhile and may have put the word back: answer EAGAIN without the kernel.
                regs.setReturnValue(-Errno.EAGAIN);
                arch.storeSyscallNumber(posix, t.tid, regs.raw(), -1);
            }
            t.kernelAnswersAt = -1;
        }
        if (t.tickAimDue && t.pendingSyscall == null && t.onReturn == null) { // a stop came between single steps
            if (ticks.resumeApproach(t) == TickCounters.Tick.STEP) watchdog.disarm();
            else if (othersCouldRun(t)) watchdog.arm(turnSerial, t.tgid, t.tid);
        }
        t.resumeSignal = 0;
        resume(t, signal);
    }

    /** The running thread reached a scheduling point: it stays stopped, and resumes with signal at its next turn. */
    private void endTurn(Tracee t, int signal) {
        memory.forget();
        watchdog.disarm();
        t.held = true;
        t.resumeSignal = signal;
        // A kill-family call stops at its entry and runs when the thread is resumed, at its next turn: the
        // waits its signal may end are checked after that turn.
        if (t.signalSent) {
            t.signalSent = false;
            signalCheckDue = true;
        }
        if (t.mayHaveSignalled) {
            t.mayHaveSignalled = false;
            t.signalSent = true;
        }
        if (current == t) current = null;
    }

    /** Whether another thread could use the CPU if this one spun forever: runnable, or waiting with a deadline. */
    private boolean othersCouldRun(Tracee t) {
        if (!scheduler.timers().isEmpty()) return true; // a timer's signal may be what the spinning thread waits for
        if (wordWatch != null && wordWatch.watches(t.tgid)) return true; // it may have woken one, unseen
        for (ThreadId other : scheduler.liveThreads()) {
            if (other.equals(t.id)) continue;
            ThreadState s = scheduler.state(other);
            if (s == ThreadState.RUNNABLE || s == ThreadState.BLOCKED && !scheduler.deadlineOf(other).isNone()) {
                return true;
            }
        }
        return false;
    }

    /** The stop a new thread makes before its first instruction (PTRACE_EVENT_STOP with SIGTRAP). */
    private static boolean isFirstStop(int status) {
        return event(status) == EVENT_STOP && stopSignal(status) == SignalNames.SIGTRAP;
    }

    /** A new thread the scheduler chose before its first stop was reported: wait for that stop. */
    private void awaitFirstStop(Tracee t) {
        while (!t.held && threads.get(t.tid) == t) {
            int tid = posix.waitpid(t.tid, WALL | WNOTHREAD);
            if (tid == -Errno.EINTR) continue;
            if (tid < 0) return;
            int status = posix.lastWaitStatus();
            if (!stopped(status)) {
                onExitQuietly(tid, status);
                return;
            }
            t.held = true;
            if (!isFirstStop(status)) t.queuedStatus = status;
        }
    }

    // ---- stops of the running thread ---------------------------------------------------------------

    private void onStop(Tracee t, int status) {
        int signal = stopSignal(status);
        if (t.tickStepping && !(event(status) == 0 && signal == SignalNames.SIGTRAP)) ticks.interrupted(t);
        switch (event(status)) {
            case 0 -> {
                if (signal == SYSCALL_STOP) {
                    Registers returned = regsOf(t);
                    if (printer != null) printer.finish(t, returned);
                    if (t.onReturn != null) {
                        java.util.function.LongConsumer observer = t.onReturn;
                        t.onReturn = null;
                        if (returned != null) observer.accept(returned.returnValue());
                    }
                    continueTurn(t, 0);
                } else if (signal == SignalNames.SIGTRAP && t.tickStepping) {
                    onTick(t, ticks.stepped(t));
                } else if (signal == TickCounters.SIGNAL && isTickOverflow(t)) {
                    onTick(t, ticks.overflowed(t));
                } else if (signal == SignalNames.SIGSTOP && watchdog.claim(t.tid)) {
                    onWatchdog(t);
                } else if ((signal == SignalNames.SIGSEGV || signal == SignalNames.SIGILL) && timeStampCounter.answer(arch, posix, regs, memory, t, signal)) {
                    continueTurn(t, 0); // rdtsc answered
                } else {
                    options.events().record(t.number(), "signal", SignalNames.name(signal));
                    continueTurn(t, signal); // signal-delivery-stop: deliver it unchanged
                }
            }
            case EVENT_SECCOMP -> onSeccomp(t);
            case EVENT_CLONE, EVENT_FORK, EVENT_VFORK -> onClone(t, event(status));
            case EVENT_EXEC -> onExec(t);
            case EVENT_STOP -> {
                if (signal == SignalNames.SIGTRAP) {
                    continueTurn(t, 0); // an interrupt, or a first stop seen late
                } else { // group-stop: stay stopped until SIGCONT; its next stop comes then
                    posix.ptrace(PTRACE_LISTEN, t.tid, 0, 0);
                    t.listening = true;
                    scheduler.block(t.id, WaitCondition.Signal.any(), Deadline.NONE);
                    watchdog.disarm();
                    t.held = false;
                    current = null;
                }
            }
            default -> {
                warnOnce("event " + event(status), "unexpected ptrace event " + event(status) + " in thread " + t.tid);
                continueTurn(t, 0);
            }
        }
    }

    /** The watchdog stopped a thread that ran too long without a syscall. */
    private void onWatchdog(Tracee t) {
        if (!watchdog.kicked(turnSerial)) { // a late SIGSTOP from an earlier turn: nothing to do
            continueTurn(t, 0);
            return;
        }
        if (firstWatchdogSite == null && arch.fetch(posix, t.tid, regs.forFetch()) >= 0) {
            firstWatchdogSite = CodeSite.of(t.tid, regs.instructionPointer());
        }
        scheduler.preempt(t.id, watchdog.elapsedNanos());
        options.events().record(t.number(), "preempt", "watchdog (not deterministic)");
        endTurn(t, 0);
    }

    private boolean inUprobeTrampoline(Tracee t) {
        return arch.fetch(posix, t.tid, regs.forFetch()) >= 0 && CodeSite.inUprobeTrampoline(t.tid, regs.instructionPointer());
    }

    /** Whether this SIGSTKFLT stop is t's tick counter overflowing (then the signal is detsim's, not the program's). */
    private boolean isTickOverflow(Tracee t) {
        return ticks != null && t.tickFd >= 0 && posix.ptrace(PTRACE_GETSIGINFO, t.tid, 0, siginfo.address()) >= 0
                && ticks.isOverflow(t, siginfo);
    }

    /** What the tick counter says at an overflow notice or a single step ({@link TickCounters}). */
    private void onTick(Tracee t, TickCounters.Tick tick) {
        switch (tick) {
            case CONTINUE -> continueTurn(t, 0);
            case STEP -> {
                watchdog.disarm(); // single steps leave it stopped most of the time, which the watchdog would take for blocked
                continueTurn(t, 0);
            }
            case BOUNDARY, OVERSHOT -> {
                if (tick == TickCounters.Tick.BOUNDARY && ticks.source().probeFile() != null && inUprobeTrampoline(t)) {
                    t.tickStepping = true; // no probe hit before it is back: step into the program's code, then preempt
                    continueTurn(t, 0);
                } else if (!othersCouldRun(t)) {
                    ticks.nextBoundary(t); // steps on, or runs until the counter's next notice
                    continueTurn(t, 0);
                } else if (tick == TickCounters.Tick.BOUNDARY) {
                    scheduler.preemptAtTick(t.id, TICK_SLICE_NANOS);
                    options.events().record(t.number(), "preempt", "tick " + t.tickTarget);
                    endTurn(t, 0);
                } else { // the interrupt came too late: where the turn ends depends on the hardware
                    scheduler.preempt(t.id, 0);
                    options.events().record(t.number(), "preempt", "tick counter overshot (not deterministic)");
                    endTurn(t, 0);
                }
            }
        }
    }

    private void onClone(Tracee t, int event) {
        long childTid = posix.ptrace(PTRACE_GETEVENTMSG, t.tid, 0, eventMessage()) >= 0 ? eventMessageValue() : -1;
        if (childTid <= 0) {
            continueTurn(t, 0);
            return;
        }
        Tracee child = threads.get((int) childTid);
        if (child == null) {
            child = new Tracee((int) childTid);
            threads.put(child.tid, child);
        }
        boolean thread = event == EVENT_CLONE && (t.cloneFlags & CLONE_THREAD) != 0;
        child.tgid = thread ? t.tgid : child.tid;
        child.wantsTscFault = t.wantsTscFault; // the kernel's flag is copied to new threads and processes
        if ((t.cloneFlags & CLONE_CHILD_CLEARTID) != 0) {
            child.clearChildTid = t.cloneChildTid;
        }
        register(child, thread ? t.process : null);
        if (!thread) {
            child.parent = t.process;
            timeStampPatches.forked(t.tgid, child.tgid);
            if (vdsoClock != null) vdsoClock.forked(t.tgid, child.tgid);
            if (wordWatch != null) wordWatch.forked(t.tgid, child.tgid);
        }
        t.cloneFlags = 0;
        t.cloneChildTid = 0;
        options.events().record(t.number(), thread ? "clone" : "fork", "thread " + child.number()
                + (thread ? "" : " process " + child.process.value()));
        watchdog.arm(turnSerial, t.tgid, t.tid); // the new thread could run now, should this one spin
        if (event == EVENT_VFORK) { // the parent waits in the kernel until the child execs or exits
            t.vforkChild = child.process;
            scheduler.block(t.id, WaitCondition.ChildExit.of(child.process), Deadline.NONE);
            endTurn(t, 0);
            return;
        }
        continueTurn(t, 0);
    }

    /** Gives a new thread its virtual numbers and tells the scheduler. process null: a new process. */
    private void register(Tracee t, ProcessId process) {
        t.id = new ThreadId(++threadsSeen);
        t.process = process != null ? process : new ProcessId(++processesSeen);
        byId.put(t.id, t);
        scheduler.spawn(t.id, t.process);
        if (ticks != null) ticks.open(t);
        int live = 0;
        for (Tracee x : threads.values()) if (!x.gone) live++; // a loop: a stream's lambda is linked at first use
        peakLive = Math.max(peakLive, live);
    }

    private void onExec(Tracee t) {
        if (posix.ptrace(PTRACE_GETEVENTMSG, t.tid, 0, eventMessage()) >= 0) {
            int former = (int) eventMessageValue();
            if (former != t.tid) {
                // A non-leader thread exec'd: it took over the leader's tid; its own tid is gone.
                Tracee execing = threads.remove(former);
                descriptors.forget(former);
                if (execing != null) {
                    Tracee leader = t;
                    execing.tid = leader.tid;
                    threads.put(execing.tid, execing);
                    if (!leader.gone) markGone(leader);
                    if (current == leader || current == execing) current = execing;
                    if (ticks != null) { // the counter signals by tid: a new one for the new tid, counting from here
                        ticks.close(leader);
                        ticks.open(execing);
                        ticks.beginTurn(execing);
                    }
                    t = execing;
                }
            }
        }
        markSiblingsGone(t); // exec killed every other thread of the process
        t.clearChildTid = 0;
        if (t.tid == rootPid && execErrorFd >= 0) {
            posix.close(execErrorFd); // exec succeeded: the pipe was closed on exec
            execErrorFd = -1;
        }
        writes.reset();
        if (arch.fetch(posix, t.tid, regs.forFetch()) >= 0) {
            execStop.tid = t.tid;
            execStop.process = t.process;
            execStop.registers = regs;
            for (SyscallHandler h : handlers) h.onExec(execStop);
            Tracee execing = t;
            SyscallInjector injector = (ip, args) -> injectSyscall(execing, ip, args);
            if (wordWatch != null && !arch.compatMode(regs.raw())) { // an i386 program's futex calls all stop
                String failure = wordWatch.programStarts(t.tid, t.tgid, regs.instructionPointer(), regs.stackPointer(),
                        injector);
                if (threads.get(t.tid) != t) return; // killed meanwhile
                if (failure != null) {
                    options.warnings().println("detsim: cannot add the futex filter to " + programOf(t.tid) + " ("
                            + failure + "); killed it, since its futex wakes would go unseen");
                    posix.kill(t.tgid, SignalNames.SIGKILL);
                    continueTurn(t, 0);
                    return;
                }
            }
            java.util.OptionalLong vdsoSlot = AuxiliaryVector.valueAddress(memory, t.tid, regs.stackPointer(),
                    AuxiliaryVector.AT_SYSINFO_EHDR);
            Long vdsoBase = vdsoSlot.isEmpty() ? null : memory.readWord(t.tid, vdsoSlot.getAsLong());
            boolean fastClock = vdsoClock != null && vdsoBase != null && vdsoBase != 0
                    && vdsoClock.install(t.tid, t.tgid, vdsoBase, injector);
            if (threads.get(t.tid) != t) return; // killed while detsim mapped its clock page
            if (!fastClock && vdsoSlot.isPresent()) hideVdso(t, vdsoSlot.getAsLong());
        }
        int patched = arch.name().equals("x86_64") ? timeStampPatches.patchProgram(t.tgid) : 0;
        EventLine exec = options.events().begin(t.number(), "exec").text(programOf(t.tid));
        writes.describeTo(exec);
        if (patched > 0) exec.text(" rdtsc-sites-patched=").decimal(patched);
        options.events().end();
        releaseVforkParent(t.process);
        continueTurn(t, t.resumeSignal); // a signal that came while detsim set up the clock page, if any
    }

    /**
     * Hides the vDSO from the new program (AT_SYSINFO_EHDR becomes AT_IGNORE in its auxiliary vector), so
     * libc and Go read the clocks (and getrandom, where the kernel has a vDSO one) with syscalls.
     */
    private void hideVdso(Tracee t, long slot) {
        byte[] ignore = java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .putLong(AuxiliaryVector.AT_IGNORE).array();
        memory.write(t.tid, slot - 8, ignore);
    }

    /**
     * Runs, in thread t stopped at its exec, the syscall whose {@link VdsoStubs#syscallThenTrap} is written at
     * ip, with args; restores its registers. The syscall's result (-errno on failure).
     */
    private long injectSyscall(Tracee t, long ip, long... args) {
        if (savedRegs == null) savedRegs = arena.allocate(regs.raw().byteSize(), 8);
        MemorySegment saved = savedRegs;
        MemorySegment.copy(regs.raw(), 0, saved, 0, saved.byteSize());
        vdsoStubs.prepareSyscallAt(regs.raw(), ip, args);
        if (arch.store(posix, t.tid, regs.raw()) < 0) return -Errno.ESRCH;
        long result = -Errno.EINVAL;
        int heldSignal = 0;
        posix.ptrace(PTRACE_CONT, t.tid, 0, 0);
        for (;;) {
            int tid = posix.waitpid(t.tid, WALL | WNOTHREAD);
            if (tid == -Errno.EINTR) continue;
            if (tid < 0) return tid;
            int status = posix.lastWaitStatus();
            if (!stopped(status)) { // killed: its death is handled as any other
                onExitQuietly(tid, status);
                return -Errno.ESRCH;
            }
            if (event(status) == 0 && stopSignal(status) == SignalNames.SIGTRAP) {
                if (arch.fetch(posix, t.tid, regs.forFetch()) >= 0) result = regs.returnValue();
                break;
            }
            if (event(status) == 0) heldSignal = stopSignal(status); // delivered once the program runs
            posix.ptrace(PTRACE_CONT, t.tid, 0, 0); // a seccomp stop of the mmap, or another event stop
        }
        MemorySegment.copy(saved, 0, regs.raw(), 0, saved.byteSize());
        arch.store(posix, t.tid, regs.raw());
        if (heldSignal != 0) t.resumeSignal = heldSignal;
        return result;
    }

    private void releaseVforkParent(ProcessId child) {
        for (Tracee p : threads.values()) {
            if (p.id != null && child.equals(p.vforkChild) && scheduler.state(p.id) == ThreadState.BLOCKED) {
                scheduler.retry(p.id);
            }
        }
    }

    // ---- syscalls ----------------------------------------------------------------------------------

    private void onSeccomp(Tracee t) {
        syscallStops++;
        if (fetchAtSeccomp(t) < 0) return; // killed meanwhile; its exit follows
        long nr = regs.syscallNumber();
        Syscall s = arch.syscall(nr);
        if (watchDue) {
            watchDue = false;
            wordWatch.runningThreadStopped(t, FutexWordWatch.waitedWord(s, regs), resumes);
        }
        if (s == Syscall.CLOCK_GETTIME && vdsoClock != null) vdsoClock.clockRead(t.tgid);
        SyscallHandler[] h = s == null ? null : bySyscall[s.ordinal()];
        if ((s == null || h != null || OWN_BY_ORDINAL[s.ordinal()]) && foreignAbi(t)) {
            // An i386 syscall: its number means something else here. It runs unchanged and is reported.
            warnOnce("foreign " + nr, "32-bit (int 0x80) syscall #" + nr + " is not handled by detsim; it ran unchanged");
            endTurn(t, 0);
            return;
        }
        if (s == null) {
            warnOnce("nr " + nr, "syscall " + describeUnknown(nr) + " is not in detsim's table; it ran unchanged");
            endTurn(t, 0);
            return;
        }
        if (OWN_BY_ORDINAL[s.ordinal()] && threadLifeSyscall(t, s)) return;
        decide(t, s, null);
    }

    /**
     * The syscalls the tracer handles itself (threads coming and going, signals). True when the turn is
     * already settled; false to go on to the handlers.
     */
    private boolean threadLifeSyscall(Tracee t, Syscall s) {
        switch (s) {
            case EXIT -> {
                threadExits(t);
                return true;
            }
            case EXIT_GROUP -> {
                options.events().record(t.number(), "exit_group", Long.toString(regs.argument(0)));
                markSiblingsGone(t);
                if (printer != null) printer.begin(t, s, regs);
                continueTurn(t, 0); // its death is reported next
                return true;
            }
            case SET_TID_ADDRESS -> t.clearChildTid = regs.argument(0);
            case SCHED_YIELD -> {
                scheduler.yieldTurn(t.id);
                emulate(t, s, 0);
                return true;
            }
            case CLONE -> {
                t.cloneFlags = regs.argument(0);
                t.cloneChildTid = regs.argument(arch.cloneChildTidArgument());
            }
            case CLONE3 -> {
                Long flags = memory.readWord(t.tid, regs.argument(0));
                Long childTid = memory.readWord(t.tid, regs.argument(0) + 16);
                t.cloneFlags = flags == null ? 0 : flags;
                t.cloneChildTid = childTid == null ? 0 : childTid;
            }
            default -> {
                if (SENDS_SIGNALS.contains(s)) t.mayHaveSignalled = true;
            }
        }
        return false;
    }

    /**
     * exit(2) of one thread. The scheduler forgets it now; the kernel clears its CLONE_CHILD_CLEARTID word
     * when it is gone, and then detsim does the futex wake the kernel would have done (pthread_join waits on
     * that word in detsim's queues, not the kernel's).
     */
    private void threadExits(Tracee t) {
        options.events().record(t.number(), "exit", "thread " + regs.argument(0));
        if (printer != null) printer.begin(t, Syscall.EXIT, regs);
        markGone(t);
        watchdog.disarm();
        current = null;
        t.held = false;
        long cleared = t.clearChildTid;
        boolean othersLive = threads.values().stream().anyMatch(o -> o != t && o.tgid == t.tgid && !o.gone);
        resume(t, 0);
        if (t.isLeader() && othersLive) {
            awaitZombie(t.tid); // a leader's death is reported only after its whole group's
        } else {
            while (true) {
                int r = posix.waitpid(t.tid, WALL | WNOTHREAD);
                if (r == -Errno.EINTR) continue;
                if (r > 0 && stopped(posix.lastWaitStatus())) { // a late stop on its way out
                    resume(t, 0);
                    continue;
                }
                if (r > 0) reportNow(r, posix.lastWaitStatus());
                break;
            }
        }
        if (cleared != 0 && othersLive) {
            scheduler.futex(t.id, new FutexOp.Wake(FutexKey.privateTo(t.process, cleared), 1));
        }
    }

    /** {@link #report} from inside a turn or a wait, where the first process has long passed its exec. */
    private void reportNow(int tid, int status) {
        try {
            report(tid, status);
        } catch (SpawnException e) {
            throw new IllegalStateException("the first process exited before its exec", e);
        }
    }

    private static void awaitZombie(int tid) {
        for (int i = 0; i < 20_000 && !TaskState.hasExited(tid); i++) {
            java.util.concurrent.locks.LockSupport.parkNanos(50_000);
        }
    }

    /** Asks the handlers about syscall s of the running thread t (again, after a wait, if wake is given). */
    private void decide(Tracee t, Syscall s, WakeUp wake) {
        SyscallHandler[] h = bySyscall[s.ordinal()];
        Disposition d = Disposition.PASSTHROUGH;
        stop.thread = t;
        stop.syscall = s;
        stop.registers = regs;
        stop.wakeUp = wake;
        stop.argumentsChanged = false;
        stop.onReturn = null;
        stop.hasWaitMask = false;
        writes.reset();
        for (int i = 0; i < 6; i++) originalArgs[i] = regs.argument(i);
        if (h != null) {
            // Each handler in turn until one answers the call itself; argument changes accumulate.
            for (int i = 0; i < h.length && d instanceof Disposition.Passthrough; i++) d = h[i].onSyscall(stop);
        }
        if (wake != null && wake.cause() == WakeUp.Cause.INTERRUPTED && d instanceof Disposition.Passthrough
                && !Waiters.signalStillPending(t, wake.condition())) {
            d = Disposition.block(wake.condition(), wake.deadline()); // another thread took the signal
            if (t.hasWaitMask) stop.waitUnderSignalMask(t.waitMask);
        }
        switch (d) {
            case Disposition.Passthrough p -> {
                if (stop.argumentsChanged) arch.store(posix, t.tid, regs.raw());
                t.onReturn = stop.onReturn;
                if (h != null) logSyscall(t, s, false, 0);
                if (printer != null) printer.begin(t, s, regs);
                endTurn(t, 0);
            }
            case Disposition.Emulate e -> {
                if (wake != null && e.value() == 0 && s == Syscall.FUTEX && wordWatch != null
                        && wordWatch.kernelAnswers(t.id, resumes)) {
                    // A wait the word watch ended, and no thread has run since it read the word changed: if none
                    // runs before this one resumes, the kernel runs the wait, finds the word no longer holds the
                    // value and returns EAGAIN at once (continueTurn); the Go runtime ignores the result.
                    logSyscall(t, s, true, -Errno.EAGAIN);
                    t.kernelAnswersAt = resumes;
                    endTurn(t, 0);
                    return;
                }
                logSyscall(t, s, true, e.value());
                emulate(t, s, e.value());
            }
            case Disposition.Yield y -> {
                scheduler.yieldTurn(t.id);
                emulate(t, s, 0);
            }
            case Disposition.Futex f -> {
                FutexOutcome o = scheduler.futex(t.id, f.op());
                if (o instanceof FutexOutcome.Completed c) {
                    logSyscall(t, s, true, c.returnValue());
                    emulate(t, s, c.returnValue());
                } else {
                    if (wordWatch != null && f.op() instanceof FutexOp.Wait w) {
                        wordWatch.parked(t, w.key(), (int) regs.argument(2), regs.instructionPointer());
                    }
                    park(t, s, null);
                }
            }
            case Disposition.Block b -> {
                if (wake != null && wake.cause() == WakeUp.Cause.MAY_BE_READY) {
                    scheduler.retryFailed(t.id);
                } else {
                    scheduler.block(t.id, b.condition(), b.deadline());
                }
                park(t, s, b.condition());
                t.waitMask = stop.waitMask;
                t.hasWaitMask = stop.hasWaitMask;
            }
        }
    }

    private void emulate(Tracee t, Syscall s, long value) {
        if (s == Syscall.FUTEX && value == 0 && printer == null && regs.partial()
                && arch.storeArgument(posix, t.tid, 1, FutexWordWatch.FUTEX_WAKE_PRIVATE) >= 0) {
            // A futex call whose answer is 0 (a woken wait, above all) becomes a wake of nobody (every waiter is
            // detsim's), which returns the same 0: one register written instead of all of them read and written.
            endTurn(t, 0);
            return;
        }
        regs.setReturnValue(value);
        arch.storeSyscallNumber(posix, t.tid, regs.raw(), -1);
        if (printer != null) printer.emulated(t, s, regs, value);
        endTurn(t, 0);
    }

    /** The thread waits at its syscall's entry; readiness waits keep copies of its fds to poll. */
    private void park(Tracee t, Syscall s, WaitCondition condition) {
        t.blockedIn = s;
        if (seccompData >= 0 && regs.partial()) { // loaded from syscallInfo, and not changed since
            if (t.parkedInfo == null) t.parkedInfo = arena.allocate(SYSCALL_INFO_BYTES, 8);
            MemorySegment.copy(syscallInfo, 0, t.parkedInfo, 0, SYSCALL_INFO_BYTES);
            t.parkedInfoValid = true;
        }
        waiters.parked(t, condition);
        endTurn(t, 0);
    }

    // ---- waking waiters ----------------------------------------------------------------------------

    /**
     * Every thread waits and none has a deadline. If some wait for descriptors (input from outside the
     * program), a group-stop (SIGCONT from outside) or a signal, wait for that in real time and return true;
     * a wait nothing outside can end is a deadlock (false).
     */
    private boolean waitForOutside(DeadlockReport report) {
        if (outsideVerdictAt != resumes) { // no thread ran since the last look: the same waits, the same verdict
            outsideVerdictAt = resumes;
            outsideCanEnd = outsideCanEnd(report);
        }
        if (!outsideCanEnd) return false;
        long deadline = System.nanoTime() + 20_000_000L;
        while (System.nanoTime() < deadline) {
            int tid = posix.waitpid(-1, WALL | WNOTHREAD | WNOHANG);
            if (tid > 0) {
                reportNow(tid, posix.lastWaitStatus());
                return true;
            }
            if (notices.drain()) {
                signalCheckDue = true;
                return true;
            }
            if (waiters.pollReadiness()) return true;
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L);
        }
        signalCheckDue = true; // the kernel's own timers (and other processes) may have sent one meanwhile
        return true;
    }

    /** Whether something outside the traced tree could end one of report's waits (see {@link OutsideEnds}). */
    private boolean outsideCanEnd(DeadlockReport report) {
        Set<Integer> traced = null;
        for (DeadlockReport.Waiter w : report.waiters()) {
            Tracee t = byId.get(w.thread());
            if (w.condition() instanceof WaitCondition.Signal || t != null && t.listening) return true;
            if (!(w.condition() instanceof WaitCondition.Readiness)) continue;
            if (t == null || t.waitCopies == null) return true;
            if (traced == null) {
                traced = new HashSet<>();
                for (Tracee x : threads.values()) traced.add(x.tgid);
                if (initPid > 0) traced.add(initPid);
            }
            for (int copy : t.waitCopies) if (copy < 0 || outsideEnds.reachable(copy, traced)) return true;
        }
        return false;
    }

    // ---- exits -------------------------------------------------------------------------------------

    /** The scheduler forgets t (it exited, or a sibling's exit_group or exec took it). */
    private void markGone(Tracee t) {
        t.gone = true;
        if (t.signalSent || t.mayHaveSignalled) signalCheckDue = true;
        waiters.release(t);
        if (t.id != null && scheduler.state(t.id) != ThreadState.EXITED) scheduler.exited(t.id);
        if (current == t) {
            watchdog.disarm();
            current = null;
        }
    }

    /** Every other thread of t's process is gone at once (exit_group, exec, a fatal signal); deaths follow. */
    private void markSiblingsGone(Tracee t) {
        for (Tracee other : List.copyOf(threads.values())) {
            if (other != t && other.tgid == t.tgid && !other.gone) markGone(other);
        }
    }

    private void onExit(int tid, int status) throws SpawnException {
        if (tid == initPid) { // reaped by the loop's waitpid(-1): nothing of the namespace is left
            initPid = 0;
            return;
        }
        Tracee t = onExitQuietly(tid, status);
        if (tid != rootPid) return;
        if (execErrorFd >= 0) checkExecFailed(); // exited before reaching its program
        rootStatus = status;
        rootDone = true;
        killLeftovers();
    }

    private Tracee onExitQuietly(int tid, int status) {
        Tracee t = threads.remove(tid);
        descriptors.forget(tid);
        if (t == null) return null;
        if (ticks != null) ticks.close(t);
        if (!t.gone) {
            options.events().record(t.number(), "exit", signaled(status)
                    ? "killed " + SignalNames.name(termSignal(status)) : "exit " + exitCode(status));
            markGone(t);
            if (signaled(status)) markSiblingsGone(t); // a fatal signal takes the whole process
        }
        if (current == t) {
            watchdog.disarm();
            current = null;
        }
        if (t.pendingSyscall != null && printer != null) printer.finishUnreturned(t);
        if (t.isLeader() && t.process != null) { // the whole process is gone: its parent may wait for it
            signalCheckDue = true;
            timeStampPatches.processExited(t.tgid);
            if (vdsoClock != null) vdsoClock.exited(t.tgid);
            if (wordWatch != null) wordWatch.exited(t.tgid);
            scheduler.timers().disarmAll(t.process); // its timers die with it
            if (t.parent != null) scheduler.childExited(t.parent, t.process);
            releaseVforkParent(t.process);
        }
        return t;
    }

    /** The root exited before PTRACE_EVENT_EXEC: if the error pipe holds {stage, errno}, exec failed. */
    private void checkExecFailed() throws SpawnException {
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
                case 7 -> "cannot make rdtsc trap (PR_SET_TSC)";
                default -> "cannot prepare the child";
            };
            throw new SpawnException(what, errno);
        }
    }

    /** SIGKILLs every process still traced; counts processes (thread groups), not threads. */
    private void killLeftovers() {
        leftoverKilled += killAllProcesses();
    }

    /** A deadlock: nothing can go on. Kill the whole tree; the root's death ends the run. */
    private void killEverything() {
        rootDone = true;
        // Their deaths come in the kernel's order, which varies: the deadlock event is the log's last.
        for (Tracee t : List.copyOf(threads.values())) if (!t.gone) markGone(t);
        killAllProcesses();
    }

    /** SIGKILLs every traced process and lets the held threads reach it; how many processes it killed. */
    private int killAllProcesses() {
        Set<Integer> processes = new HashSet<>();
        int killed = 0;
        for (Tracee t : List.copyOf(threads.values())) {
            int process = t.tgid != 0 ? t.tgid : t.tid;
            if (processes.add(process) && posix.kill(process, SignalNames.SIGKILL) == 0) killed++;
        }
        for (Tracee t : threads.values()) if (t.held) resume(t, 0);
        return killed;
    }

    // ---- helpers -----------------------------------------------------------------------------------

    /**
     * The registers of thread t at its seccomp stop: number, arguments, ip and sp (and the filter's data) with
     * one PTRACE_GET_SYSCALL_INFO, the rest only if a handler needs them; GETREGS where the kernel has no
     * syscall info (before 5.3). Negative if the thread is gone.
     */
    private long fetchAtSeccomp(Tracee t) {
        int tid = t.tid;
        long r = posix.ptrace(PTRACE_GET_SYSCALL_INFO, tid, SYSCALL_INFO_BYTES, syscallInfo.address());
        if (r < 0 || syscallInfo.get(ValueLayout.JAVA_BYTE, 0) != PTRACE_SYSCALL_INFO_SECCOMP) {
            seccompData = -1;
            return arch.fetch(posix, tid, regs.forFetch());
        }
        loadSyscallInfo(t);
        return 0;
    }

    /** Loads the registers from syscallInfo, a seccomp stop's struct ptrace_syscall_info of thread t. */
    private void loadSyscallInfo(Tracee t) {
        restOf = t.tid;
        regs.loadSyscallInfo(syscallInfo, SYSCALL_INFO_NR, SYSCALL_INFO_ARGS, SYSCALL_INFO_IP, SYSCALL_INFO_SP, fetchRest);
        seccompData = syscallInfo.get(ValueLayout.JAVA_INT, SYSCALL_INFO_RET_DATA);
    }

    private void fetchRestOfRegisters(MemorySegment raw) {
        arch.fetch(posix, restOf, raw);
    }

    /** Whether the filter tagged this seccomp stop as a foreign-ABI syscall (SECCOMP_RET_DATA). */
    private boolean foreignAbi(Tracee t) {
        if (seccompData >= 0) return (seccompData & 0xffff) == SeccompFilter.FOREIGN_ABI;
        return posix.ptrace(PTRACE_GETEVENTMSG, t.tid, 0, eventMessage()) >= 0
                && (eventMessageValue() & 0xffff) == SeccompFilter.FOREIGN_ABI;
    }

    /**
     * The event of syscall s: "name(0x..,0x..)=result" if answered, else "name(..) passed through", with the
     * arguments the signature names, raw, as the program passed them; then what handlers wrote into the tracee.
     */
    private void logSyscall(Tracee t, Syscall s, boolean answered, long result) {
        EventLine line = options.events().begin(t.number(), "syscall").text(s.kernelName()).put('(');
        for (int i = 0, n = argumentCount[s.ordinal()]; i < n; i++) {
            if (i > 0) line.put(',');
            line.put('0').put('x').hex(originalArgs[i]);
        }
        line.put(')');
        if (answered) line.put('=').decimal(result);
        else line.text(" passed through");
        writes.describeTo(line);
        options.events().end();
    }

    private static String programOf(int tid) {
        try {
            return java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/" + tid + "/exe")).toString();
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    private String describeUnknown(long nr) {
        if (arch.foreignAbiBit() != 0 && (nr & arch.foreignAbiBit()) != 0) {
            return "x32 #" + (nr & ~arch.foreignAbiBit());
        }
        return "#" + nr;
    }

    private Registers regsOf(Tracee t) {
        return arch.fetch(posix, t.tid, regs.forFetch()) < 0 ? null : regs;
    }

    /** Restarts t, delivering signal (0 for none); asks for the syscall-exit stop if a trace line waits. */
    private void resume(Tracee t, int signal) {
        t.held = false;
        resumes++;
        int request = t.pendingSyscall != null || t.onReturn != null ? PTRACE_SYSCALL
                : t.tickStepping ? PTRACE_SINGLESTEP : PTRACE_CONT;
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
