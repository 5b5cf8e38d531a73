package dev.detsim.sandbox.tracer;

import static dev.detsim.abi.Wait.WALL;
import static dev.detsim.abi.Wait.WNOTHREAD;

import static dev.detsim.sandbox.os.Ptrace.*;

import dev.detsim.recorder.EventKind;
import dev.detsim.sandbox.api.StopObserver;
import dev.detsim.sandbox.arch.Arch;
import dev.detsim.abi.Errno;
import dev.detsim.sandbox.os.CodeSite;
import dev.detsim.sandbox.os.LibDetsim;
import dev.detsim.sandbox.os.Posix;
import dev.detsim.abi.Signals;
import dev.detsim.sandbox.syscall.SeccompFilter;
import dev.detsim.sandbox.syscall.Syscall;
import dev.detsim.sandbox.tracer.clock.TimeStampCounter;
import dev.detsim.sandbox.tracer.clock.TimeStampPatches;
import dev.detsim.sandbox.tracer.futex.FutexFastPath;
import dev.detsim.sandbox.tracer.preemption.SpinSite;
import dev.detsim.sandbox.tracer.preemption.TickCounters;
import dev.detsim.sandbox.tracer.preemption.Watchdog;
import dev.detsim.scheduler.Deadline;
import dev.detsim.scheduler.Decision;
import dev.detsim.scheduler.SwitchRecorder;
import dev.detsim.scheduler.ThreadState;
import dev.detsim.scheduler.WaitCondition;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The tracer loop. One dedicated platform thread makes every ptrace call (the kernel accepts ptrace
 * requests only from the thread that attached). It spawns the program and runs it <em>one thread at a
 * time</em>: every other traced thread sits in a ptrace-stop until the {@link dev.detsim.scheduler.Scheduler}
 * picks it.
 *
 * <p>This class routes: each waitpid report goes to the part that handles it — {@link SyscallDispatch} for
 * seccomp stops and syscall exits, {@link ProcessStarts} for clone and exec events, {@link Exits} for deaths,
 * {@link Preemptions} for the watchdog and tick counters, {@link TimeStampCounter} for rdtsc — and between
 * turns it asks the scheduler who runs next ({@link Turns} resumes it; {@link OutsideInput} waits when every
 * thread waits for the world outside).
 *
 * <p>Every tracee is attached with PTRACE_O_EXITKILL, so if detsim dies (even by SIGKILL) the kernel
 * kills the whole traced tree. When the program's first process exits, whatever it left running is
 * killed too: nothing traced outlives detsim.
 */
public final class Tracer {
    private static final int OPTIONS = O_TRACESYSGOOD | O_TRACEFORK | O_TRACEVFORK | O_TRACECLONE | O_TRACEEXEC
            | O_TRACESECCOMP | O_EXITKILL;
    private static final int SYSCALL_STOP = Signals.SIGTRAP | 0x80;

    /** How long a thread may run without a syscall while others wait, before the watchdog preempts it. */
    public static final long WATCHDOG_MILLIS = Watchdog.PERIOD_NANOS / 1_000_000;

    private final Arch arch;
    private final TracerOptions options;
    private final TimeStampPatches timeStampPatches = new TimeStampPatches();
    private final TimeStampCounter timeStampCounter;
    private final HandlerTable table;

    // The run's parts, made on the tracer thread when it starts.
    private TracedRun run;
    private Turns turns;
    private Exits exits;
    private ProcessStarts starts;
    private SyscallDispatch syscalls;
    private Preemptions preemptions;
    private OutsideInput outside;
    private CrashSites crashSites;
    private BetweenTurns betweenTurns;
    private SwitchSites switchSites;

    public Tracer(Arch arch, TracerOptions options) {
        this.arch = arch;
        this.options = options;
        timeStampCounter = new TimeStampCounter(TimeStampCounter.trapWanted(arch), timeStampPatches,
                options.scheduler()::now, tid -> run.threads.get(tid).tscMode);
        table = new HandlerTable(HandlerTable.withTracersOwn(options.handlers(), timeStampCounter), options.intercept());
    }

    /** Under chaos, writes where each switch happened into file ({@link SwitchSites}); call before run. */
    public Tracer switchSites(java.nio.file.Path file) {
        switchSites = new SwitchSites(file);
        return this;
    }

    /**
     * Runs path with argv under the tracer, on a new platform thread, and returns how it ended.
     *
     * @throws SpawnException if the program could not be started (fork, exec, or the filter failed)
     */
    public Outcome run(String path, List<String> argv) throws SpawnException, InterruptedException {
        return run(path, argv, null);
    }

    /** {@link #run(String, List)} with the program's environment ("NAME=value", in order; null: detsim's own). */
    public Outcome run(String path, List<String> argv, List<String> environment)
            throws SpawnException, InterruptedException {
        Object[] result = new Object[1];
        Thread tracer = Thread.ofPlatform().name("detsim-tracer").unstarted(() -> {
            try {
                result[0] = trace(path, argv, environment);
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

    private Outcome trace(String path, List<String> argv, List<String> environment) throws SpawnException {
        run = new TracedRun(arch, options, timeStampPatches);
        try {
            turns = new Turns(run);
            exits = new Exits(run, turns, this::reportNow);
            starts = new ProcessStarts(run, turns, exits, table.handlers());
            syscalls = new SyscallDispatch(run, table, turns, exits);
            preemptions = new Preemptions(run, turns);
            outside = new OutsideInput(run, turns, exits, table.outsideWatches());
            crashSites = new CrashSites(run);
            betweenTurns = new BetweenTurns(run, turns, exits, table, syscalls, outside, switchSites, this::onStop);
            if (options.pinToOneCpu()) CpuPinning.pinCallingThread(run.posix, run.arena, options.warnings());

            SeccompFilter filter = filter();
            LibDetsim.Spawned spawned = LibDetsim.spawn(path, argv, environment, filter.toNative(run.arena), OPTIONS,
                    options.keepFds(), (options.disableAslr() ? LibDetsim.SPAWN_NO_ASLR : 0)
                            | (timeStampCounter.trapped() ? LibDetsim.SPAWN_TRAP_TSC : 0)
                            | (options.pidNamespace() ? LibDetsim.SPAWN_PID_NAMESPACE : 0)
                            | (options.privateTmp() ? LibDetsim.SPAWN_PRIVATE_TMP : 0),
                    run.clockPage != null ? run.clockPage.fd() : -1);
            if (spawned.pid() < 0) throw new SpawnException("cannot start " + path, -spawned.pid());
            if (spawned.namespaceFailure() != null) {
                options.warnings().println("detsim: pids" + (options.privateTmp() ? " and /tmp" : "")
                        + " are the host's (no pid namespace: "
                        + spawned.namespaceFailure() + "); event logs of programs that use pids may differ");
            }
            exits.rootPid = spawned.pid();
            exits.initPid = spawned.initPid();
            if (run.clockPage != null) run.clockPage.heldBy(exits.initPid > 0 ? 1 : Posix.getpid()); // see SharedClockPage
            exits.execErrorFd = spawned.errorFd();
            Tracee root = new Tracee(exits.rootPid);
            root.tgid = exits.rootPid;
            run.threads.put(root);
            starts.register(root, null);
            boolean held = false;
            for (var w : table.outsideWatches()) {
                w.started(exits.rootPid);
                held |= w.holdsSignals();
            }
            if (!held) LibDetsim.forwardSignals(exits.rootPid);
            if (!(run.scheduler.next() instanceof Decision.Run)) throw new IllegalStateException("the first thread cannot run");
            turns.beginTurn(root); // it is running already: toward its exec
            loop();
            if (run.printer != null) run.printer.flush();
            if (switchSites != null) switchSites.write();
            return outcome();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            if (exits != null) {
                exits.closeExecErrorPipe();
                exits.endNamespace();
            }
            run.close();
        }
    }

    /**
     * The seccomp filter: what the handler table needs to stop, less the calls the accelerator stands in for
     * ({@link Accelerator#relaxFilter}).
     */
    private SeccompFilter filter() {
        if (options.trace() != null) return SeccompFilter.tracingAll(arch);
        Map<Syscall, SeccompFilter.ArgumentFilter> onlyWhen = table.conditionalSyscalls();
        Set<Syscall> always = EnumSet.copyOf(table.tracedSyscalls());
        always.removeAll(onlyWhen.keySet());
        run.accelerator.relaxFilter(always, onlyWhen, options.intercept());
        return SeccompFilter.tracing(arch, always, onlyWhen);
    }

    private Outcome outcome() {
        int status = exits.rootStatus;
        CodeSite site = preemptions.firstWatchdogSite();
        RunStats stats = new RunStats(run.threads.threadsSeen(), run.threads.processesSeen(), run.threads.peakLive(),
                syscalls.syscallStops, run.accelerator instanceof FutexFastPath f ? f.wordWakes() : 0,
                run.scheduler.nondeterministicPreemptions(), run.scheduler.deterministicPreemptions(),
                run.scheduler.now(), run.preemption.branchCounters().describe(), run.sites != null ? run.sites.describe(run.preemption) : run.preemption.describe(),
                site == null ? null : site.toString(),
                run.sites == null ? java.util.List.of() : run.sites.sites().all().stream().map(Object::toString).toList(),
                timeStampCounter.trapped() ? "trapped" : "go-runtime-only",
                run.scheduler.policy().describe(),
                run.scheduler.policy() instanceof SwitchRecorder r ? r.script().toString() : null,
                signaled(status) ? crashSites.siteOf(exits.rootPid, termSignal(status)) : null);
        return new Outcome(exited(status) ? exitCode(status) : 0, signaled(status) ? termSignal(status) : 0,
                coreDumped(status), exits.leftoverKilled, stats, betweenTurns.deadlock());
    }

    // ---- the loop ----------------------------------------------------------------------------------

    private void loop() throws SpawnException {
        while (!run.threads.isEmpty()) {
            if (turns.current == null && !turns.rootDone) betweenTurns.dispatch();
            if (run.threads.isEmpty()) break;
            int tid = run.posix.waitpid(-1, WALL | WNOTHREAD);
            if (tid == -Errno.EINTR) continue;
            if (tid == -Errno.ECHILD) break;
            if (tid < 0) throw new IllegalStateException("waitpid: " + Errno.name(-tid));
            report(tid, run.posix.lastWaitStatus());
        }
    }

    /** One waitpid report: an exit, or a stop of the running thread or of one detsim holds. */
    private void report(int tid, int status) throws SpawnException {
        run.memory.forget();
        Tracee current = turns.current;
        if (current != null && tid == current.tid) {
            run.accelerator.runningThreadStopped(current, stopped(status) && event(status) == EVENT_SECCOMP, turns.resumes);
            for (StopObserver o : table.stopObservers()) o.runningThreadStopped(tid);
        }
        if (!stopped(status)) {
            exits.onExit(tid, status);
            return;
        }
        Tracee t = run.threads.get(tid);
        if (t == null) { // a new thread's first stop, before its creator's clone event
            t = new Tracee(tid);
            t.held = true;
            run.threads.put(t);
            return;
        }
        if (t == turns.current && !turns.rootDone
                || event(status) == EVENT_EXEC && turns.current != null && !turns.rootDone) { // exec from a non-leader: new tid
            onStop(t, status);
            return;
        }
        t.held = true;
        if (BetweenTurns.isFirstStop(status) && t.queuedStatus == null && !t.listening) {
            return; // the first stop of a new thread: it waits here for its first turn
        }
        if (turns.rootDone) { // the program is over: let whatever is left reach its SIGKILL
            turns.resume(t, 0);
            return;
        }
        t.queuedStatus = status;
        if (t.listening) {
            t.listening = false;
            if (t.id != null && run.scheduler.state(t.id) == ThreadState.BLOCKED) run.scheduler.retry(t.id);
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

    // ---- stops of the running thread ---------------------------------------------------------------

    private void onStop(Tracee t, int status) {
        int signal = stopSignal(status);
        if (t.ticks.stepping() && !(event(status) == 0 && signal == Signals.SIGTRAP)) run.ticks.interrupted(t.ticks);
        switch (event(status)) {
            case 0 -> onSignalStop(t, signal);
            case EVENT_SECCOMP -> syscalls.onSeccomp(t);
            case EVENT_CLONE, EVENT_FORK, EVENT_VFORK -> starts.onClone(t, event(status));
            case EVENT_EXEC -> starts.onExec(t);
            case EVENT_STOP -> {
                if (signal == Signals.SIGTRAP) {
                    turns.continueTurn(t, 0); // an interrupt, or a first stop seen late
                } else { // group-stop: stay stopped until SIGCONT; its next stop comes then
                    run.posix.ptrace(PTRACE_LISTEN, t.tid, 0, 0);
                    t.listening = true;
                    run.scheduler.block(t.id, WaitCondition.Signal.any(), Deadline.NONE);
                    run.watchdog.disarm();
                    t.held = false;
                    turns.current = null;
                }
            }
            default -> {
                run.warnOnce("event " + event(status), "unexpected ptrace event " + event(status) + " in thread " + t.tid);
                turns.continueTurn(t, 0);
            }
        }
    }

    /** A syscall-exit stop, a single step, or a signal: detsim's own (ticks, watchdog, rdtsc) or the program's. */
    private void onSignalStop(Tracee t, int signal) {
        SpinSite site;
        if (signal == SYSCALL_STOP) {
            syscalls.onSyscallExit(t);
        } else if (signal == Signals.SIGTRAP && t.ticks.stepping()) {
            preemptions.onTick(t, run.ticks.stepped(t.ticks));
        } else if (signal == TickCounters.SIGNAL && preemptions.isTickOverflow(t)) {
            preemptions.onTick(t, run.ticks.overflowed(t.ticks));
        } else if (signal == TickCounters.SIGNAL && preemptions.isReplayHit(t)) {
            preemptions.onReplayHit(t);
        } else if (signal == TickCounters.SIGNAL && (site = preemptions.siteOverflow(t)) != null) {
            preemptions.onSiteCount(t, site);
        } else if (signal == Signals.SIGSTOP && run.watchdog.claim(t.tid)) {
            preemptions.onWatchdog(t);
        } else if ((signal == Signals.SIGSEGV || signal == Signals.SIGILL)
                && timeStampCounter.answer(arch, run.posix, run.regs, run.memory, t, t.tscMode, signal)) {
            turns.continueTurn(t, 0); // rdtsc answered
        } else {
            run.events.record(t.number(), EventKind.SIGNAL, Signals.name(signal));
            crashSites.delivering(t, signal);
            turns.continueTurn(t, signal); // signal-delivery-stop: deliver it unchanged
        }
    }
}
