package dev.detsim.sandbox.tracer;

import static dev.detsim.sandbox.os.Ptrace.*;

import dev.detsim.recorder.EventKind;
import dev.detsim.sandbox.api.AfterReturn;
import dev.detsim.sandbox.api.SyscallHandler;
import dev.detsim.sandbox.api.Disposition;
import dev.detsim.sandbox.api.SyscallStop;
import dev.detsim.recorder.EventLine;
import dev.detsim.sandbox.syscall.SeccompFilter;
import dev.detsim.sandbox.syscall.Syscall;
import dev.detsim.sandbox.syscall.SyscallTable;
import dev.detsim.sandbox.arch.Registers;
import dev.detsim.scheduler.FutexOutcome;
import dev.detsim.scheduler.WaitCondition;
import dev.detsim.scheduler.WakeUp;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.EnumSet;
import java.util.Set;

/**
 * A seccomp stop of the running thread: its registers are read (one PTRACE_GET_SYSCALL_INFO), the tracer's
 * own syscalls are handled, the others go to their handlers in priority order, and the {@link Disposition}
 * they return is carried out — run the call, answer it, or park the thread — and logged as an event; and the
 * call's exit stop, where a trace line or a handler waits for its result.
 */
final class SyscallDispatch {
    private static final Set<Syscall> SENDS_SIGNALS = EnumSet.of(Syscall.KILL, Syscall.TKILL, Syscall.TGKILL,
            Syscall.RT_SIGQUEUEINFO, Syscall.RT_TGSIGQUEUEINFO, Syscall.PIDFD_SEND_SIGNAL);
    /** How many arguments each syscall has (by ordinal), from the syscall table: how many the event log shows. */
    private static final int[] argumentCount = new int[Syscall.values().length];

    static {
        for (Syscall s : Syscall.values()) {
            argumentCount[s.ordinal()] = Math.min(6, SyscallTable.get().signature(s).argumentKinds().size());
        }
    }

    private final TracedRun run;
    private final HandlerTable table;
    private final Turns turns;
    private final Exits exits;
    private final PtraceSyscallStop stop;
    /** struct ptrace_syscall_info of the current seccomp stop, and its SECCOMP_RET_DATA (-1: not read that way). */
    private final MemorySegment syscallInfo;
    private long seccompData = -1;
    /** Fetches the registers {@link #loadSyscallInfo} left out, of thread restOf (one object, not one per stop). */
    private int restOf;
    private final dev.detsim.sandbox.arch.Registers.Rest fetchRest = this::fetchRestOfRegisters;
    /** The arguments as the program passed them, before handlers rewrote any: what the event log records. */
    private final long[] originalArgs = new long[6];
    long syscallStops;

    SyscallDispatch(TracedRun run, HandlerTable table, Turns turns, Exits exits) {
        this.run = run;
        this.table = table;
        this.turns = turns;
        this.exits = exits;
        this.stop = new PtraceSyscallStop(run.memory, run.descriptors);
        this.syscallInfo = run.arena.allocate(SYSCALL_INFO_BYTES, 8);
    }

    void onSeccomp(Tracee t) {
        syscallStops++;
        if (fetchAtSeccomp(t) < 0) return; // killed meanwhile; its exit follows
        long nr = run.regs.syscallNumber();
        Syscall s = run.arch.syscall(nr);
        t.lastCall = s;
        if (!run.programStarted && s != Syscall.EXECVE && s != Syscall.EXECVEAT) {
            // detsim's spawn code between the filter and the exec (the report of a failed exec): not the
            // program's. The execve itself is shown, as the program's first call, when tracing.
            turns.endTurn(t, 0);
            return;
        }
        run.accelerator.seccompStop(t, s, run.regs, turns.resumes);
        if (s == Syscall.CLOCK_GETTIME && run.vdsoClock != null) run.vdsoClock.clockRead(t.tgid);
        SyscallHandler[] h = s == null ? null : table.of(s);
        if ((s == null || h != null || HandlerTable.isOwn(s)) && foreignAbi(t)) {
            // An i386 syscall: its number means something else here. It runs unchanged and is reported.
            run.warnOnce("foreign " + nr, "32-bit (int 0x80) syscall #" + nr + " is not handled by detsim; it ran unchanged");
            turns.endTurn(t, 0);
            return;
        }
        if (s == null) {
            run.warnOnce("nr " + nr, "syscall " + describeUnknown(nr) + " is not in detsim's table; it ran unchanged");
            turns.endTurn(t, 0);
            return;
        }
        if (HandlerTable.isOwn(s) && threadLifeSyscall(t, s)) return;
        decide(t, s, null);
    }

    /** A parked thread's turn came: ask its handlers again, with the registers it parked with. */
    void resumeParked(Tracee t, WakeUp wake) {
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
    }

    /**
     * The syscalls the tracer handles itself (threads coming and going, signals). True when the turn is
     * already settled; false to go on to the handlers.
     */
    private boolean threadLifeSyscall(Tracee t, Syscall s) {
        switch (s) {
            case EXIT -> {
                exits.threadExits(t);
                return true;
            }
            case EXIT_GROUP -> {
                run.events.record(t.number(), EventKind.EXIT_GROUP, Long.toString(run.regs.argument(0)));
                turns.markSiblingsGone(t);
                if (run.printer != null) run.printer.begin(t, s, run.regs);
                turns.continueTurn(t, 0); // its death is reported next
                return true;
            }
            case SET_TID_ADDRESS -> t.clearChildTid = run.regs.argument(0);
            case SCHED_YIELD -> {
                run.scheduler.yieldTurn(t.id);
                emulate(t, s, 0);
                return true;
            }
            case CLONE -> {
                t.cloneFlags = run.regs.argument(0);
                t.cloneChildTid = run.regs.argument(run.arch.cloneChildTidArgument());
            }
            case CLONE3 -> {
                Long flags = run.memory.readWord(t.tid, run.regs.argument(0));
                Long childTid = run.memory.readWord(t.tid, run.regs.argument(0) + 16);
                t.cloneFlags = flags == null ? 0 : flags;
                t.cloneChildTid = childTid == null ? 0 : childTid;
            }
            default -> {
                if (SENDS_SIGNALS.contains(s)) t.mayHaveSignalled = true;
            }
        }
        return false;
    }

    /** Asks the handlers about syscall s of the running thread t (again, after a wait, if wake is given). */
    private void decide(Tracee t, Syscall s, WakeUp wake) {
        for (var w : table.outsideWatches()) w.look(run.descriptors, run.events.count(), true, false);
        SyscallHandler[] h = table.of(s);
        Disposition d = Disposition.PASSTHROUGH;
        stop.thread = t;
        stop.syscall = s;
        stop.registers = run.regs;
        stop.wakeUp = wake;
        stop.argumentsChanged = false;
        stop.onReturn = null;
        stop.hasWaitMask = false;
        run.writes.reset();
        for (int i = 0; i < 6; i++) originalArgs[i] = run.regs.argument(i);
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
                // What the handlers' own readiness checks saw belongs to this call's look, not to the next one.
                for (var w : table.outsideWatches()) w.look(run.descriptors, run.events.count(), false, false);
                if (stop.argumentsChanged) run.arch.store(run.posix, t.tid, run.regs.raw());
                t.onReturn = stop.onReturn;
                if (h != null) logSyscall(t, s, false, 0);
                if (run.printer != null) run.printer.begin(t, s, run.regs);
                turns.endTurn(t, 0);
            }
            case Disposition.Emulate e -> {
                long kernel = wake == null ? Accelerator.NO_ANSWER
                        : run.accelerator.kernelAnswer(t, s, e.value(), turns.resumes);
                if (kernel != Accelerator.NO_ANSWER) { // the call runs, unless another thread runs first (Turns)
                    logSyscall(t, s, true, kernel);
                    t.kernelAnswer = kernel;
                    t.kernelAnswersAt = turns.resumes;
                    turns.endTurn(t, 0);
                    return;
                }
                logSyscall(t, s, true, e.value());
                emulate(t, s, e.value());
            }
            case Disposition.Yield y -> {
                run.scheduler.yieldTurn(t.id);
                emulate(t, s, 0);
            }
            case Disposition.Futex f -> {
                FutexOutcome o = run.scheduler.futex(t.id, f.op());
                if (o instanceof FutexOutcome.Completed c) {
                    logSyscall(t, s, true, c.returnValue());
                    emulate(t, s, c.returnValue());
                } else {
                    park(t, s, f, null);
                }
            }
            case Disposition.Block b -> {
                if (wake != null && wake.cause() == WakeUp.Cause.MAY_BE_READY) {
                    run.scheduler.retryFailed(t.id);
                } else {
                    run.scheduler.block(t.id, b.condition(), b.deadline());
                }
                park(t, s, b, b.condition());
                t.waitMask = stop.waitMask;
                t.hasWaitMask = stop.hasWaitMask;
            }
        }
    }

    private void emulate(Tracee t, Syscall s, long value) {
        if (run.printer == null && run.regs.partial() && run.accelerator.answerCheaply(t, s, value)) {
            turns.endTurn(t, 0);
            return;
        }
        run.regs.setReturnValue(value);
        run.arch.storeSyscallNumber(run.posix, t.tid, run.regs.raw(), -1);
        if (run.printer != null) run.printer.emulated(t, s, run.regs, value);
        turns.endTurn(t, 0);
    }

    /** The running thread's syscall-exit stop: the end of its trace line, and a handler's decision at the exit. */
    void onSyscallExit(Tracee t) {
        Registers returned = run.regsOf(t);
        if (run.printer != null) run.printer.finish(t, returned);
        if (t.onReturn != null) {
            var decision = t.onReturn;
            t.onReturn = null;
            if (returned != null) afterReturn(t, returned, decision.apply(returned.returnValue()));
        }
        turns.continueTurn(t, 0);
    }

    /** Carries out what a handler decided at a syscall's exit: another result, or the call again. */
    private void afterReturn(Tracee t, Registers regs, AfterReturn decision) {
        switch (decision) {
            case AfterReturn.Keep k -> {}
            case AfterReturn.Value v -> {
                regs.setReturnValue(v.value());
                run.arch.store(run.posix, t.tid, regs.raw());
            }
            case AfterReturn.Again a -> {
                regs.reissueSyscall(a.arguments());
                run.arch.store(run.posix, t.tid, regs.raw());
            }
        }
    }

    /** The thread waits at its syscall's entry, as d decided; readiness waits keep copies of its fds to poll. */
    private void park(Tracee t, Syscall s, Disposition d, WaitCondition condition) {
        run.accelerator.parked(t, d, run.regs);
        t.blockedIn = s;
        if (seccompData >= 0 && run.regs.partial()) { // loaded from syscallInfo, and not changed since
            if (t.parkedInfo == null) t.parkedInfo = run.arena.allocate(SYSCALL_INFO_BYTES, 8);
            MemorySegment.copy(syscallInfo, 0, t.parkedInfo, 0, SYSCALL_INFO_BYTES);
            t.parkedInfoValid = true;
        }
        run.waiters.parked(t, condition);
        turns.endTurn(t, 0);
    }

    /**
     * The registers of thread t at its seccomp stop: number, arguments, ip and sp (and the filter's data) with
     * one PTRACE_GET_SYSCALL_INFO, the rest only if a handler needs them; GETREGS where the kernel has no
     * syscall info (before 5.3). Negative if the thread is gone.
     */
    private long fetchAtSeccomp(Tracee t) {
        int tid = t.tid;
        long r = run.posix.ptrace(PTRACE_GET_SYSCALL_INFO, tid, SYSCALL_INFO_BYTES, syscallInfo.address());
        if (r < 0 || syscallInfo.get(ValueLayout.JAVA_BYTE, 0) != PTRACE_SYSCALL_INFO_SECCOMP) {
            seccompData = -1;
            return run.arch.fetch(run.posix, tid, run.regs.forFetch());
        }
        loadSyscallInfo(t);
        return 0;
    }

    /** Loads the registers from syscallInfo, a seccomp stop's struct ptrace_syscall_info of thread t. */
    private void loadSyscallInfo(Tracee t) {
        restOf = t.tid;
        run.regs.loadSyscallInfo(syscallInfo, SYSCALL_INFO_NR, SYSCALL_INFO_ARGS, SYSCALL_INFO_IP, SYSCALL_INFO_SP,
                fetchRest);
        seccompData = syscallInfo.get(ValueLayout.JAVA_INT, SYSCALL_INFO_RET_DATA);
    }

    private void fetchRestOfRegisters(MemorySegment raw) {
        run.arch.fetch(run.posix, restOf, raw);
    }

    /** Whether the filter tagged this seccomp stop as a foreign-ABI syscall (SECCOMP_RET_DATA). */
    private boolean foreignAbi(Tracee t) {
        if (seccompData >= 0) return (seccompData & 0xffff) == SeccompFilter.FOREIGN_ABI;
        long data = run.eventMessage(t.tid);
        return data >= 0 && (data & 0xffff) == SeccompFilter.FOREIGN_ABI;
    }

    /**
     * The event of syscall s: "name(0x..,0x..)=result" if answered, else "name(..) passed through", with the
     * arguments the signature names, raw, as the program passed them; then what handlers wrote into the tracee.
     */
    private void logSyscall(Tracee t, Syscall s, boolean answered, long result) {
        EventLine line = run.events.begin(t.number(), EventKind.SYSCALL).text(s.kernelName()).put('(');
        for (int i = 0, n = argumentCount[s.ordinal()]; i < n; i++) {
            if (i > 0) line.put(',');
            line.put('0').put('x').hex(originalArgs[i]);
        }
        line.put(')');
        if (answered) line.put('=').decimal(result);
        else line.text(" passed through");
        run.writes.describeTo(line);
        run.events.end();
    }

    private String describeUnknown(long nr) {
        if (run.arch.foreignAbiBit() != 0 && (nr & run.arch.foreignAbiBit()) != 0) {
            return "x32 #" + (nr & ~run.arch.foreignAbiBit());
        }
        return "#" + nr;
    }
}
