package dev.detsim.sandbox.tracer;

import static dev.detsim.abi.CloneFlags.CLONE_CHILD_CLEARTID;
import static dev.detsim.abi.CloneFlags.CLONE_THREAD;
import static dev.detsim.abi.Wait.WALL;
import static dev.detsim.abi.Wait.WNOTHREAD;
import static dev.detsim.sandbox.os.Ptrace.*;

import dev.detsim.recorder.EventKind;
import dev.detsim.sandbox.api.SyscallHandler;
import dev.detsim.sandbox.api.ExecStop;
import dev.detsim.recorder.EventLine;
import dev.detsim.abi.Errno;
import dev.detsim.abi.Signals;
import dev.detsim.scheduler.Deadline;
import dev.detsim.scheduler.ProcessId;
import dev.detsim.scheduler.WaitCondition;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * Threads and programs coming into the run: clone, fork and vfork events (the new thread gets its virtual
 * numbers) and exec events, where detsim prepares the new program before its first instruction — the
 * handlers' exec hooks, the Go futex filter, the virtual clock page in its vDSO, Go's rdtsc sites.
 */
final class ProcessStarts {

    private final TracedRun run;
    private final Turns turns;
    private final Exits exits;
    private final List<SyscallHandler> handlers;
    private final TimeStampPatches timeStampPatches;
    private final PtraceExecStop execStop;
    /** The registers of a thread detsim runs an injected syscall in, to restore after it (one buffer per run). */
    private MemorySegment savedRegs;

    ProcessStarts(TracedRun run, Turns turns, Exits exits, List<SyscallHandler> handlers,
                  TimeStampPatches timeStampPatches) {
        this.run = run;
        this.turns = turns;
        this.exits = exits;
        this.handlers = handlers;
        this.timeStampPatches = timeStampPatches;
        this.execStop = new PtraceExecStop(run.memory);
    }

    /** Gives a new thread its virtual numbers (process null: a new process) and its tick counter. */
    void register(Tracee t, ProcessId process) {
        run.threads.register(t, process);
        if (run.ticks != null) run.ticks.open(t);
    }

    void onClone(Tracee t, int event) {
        long childTid = run.eventMessage(t.tid);
        if (childTid <= 0) {
            turns.continueTurn(t, 0);
            return;
        }
        Tracee child = run.threads.get((int) childTid);
        if (child == null) {
            child = new Tracee((int) childTid);
            run.threads.put(child);
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
            for (ProcessListener l : run.processListeners) l.forked(t.tgid, child.tgid);
        }
        t.cloneFlags = 0;
        t.cloneChildTid = 0;
        run.events.record(t.number(), thread ? EventKind.CLONE : EventKind.FORK, "thread " + child.number()
                + (thread ? "" : " process " + child.process.value()));
        run.watchdog.arm(turns.turnSerial, t.tgid, t.tid); // the new thread could run now, should this one spin
        if (event == EVENT_VFORK) { // the parent waits in the kernel until the child execs or exits
            t.vforkChild = child.process;
            run.scheduler.block(t.id, WaitCondition.ChildExit.of(child.process), Deadline.NONE);
            turns.endTurn(t, 0);
            return;
        }
        turns.continueTurn(t, 0);
    }

    void onExec(Tracee t) {
        long former = run.eventMessage(t.tid);
        if (former >= 0 && former != t.tid) {
            // A non-leader thread exec'd: it took over the leader's tid; its own tid is gone.
            Tracee execing = run.threads.remove((int) former);
            run.descriptors.forget((int) former);
            if (execing != null) {
                Tracee leader = t;
                execing.tid = leader.tid;
                run.threads.put(execing);
                if (!leader.gone) turns.markGone(leader);
                if (turns.current == leader || turns.current == execing) turns.current = execing;
                if (run.ticks != null) { // the counter signals by tid: a new one for the new tid, counting from here
                    run.ticks.close(leader);
                    run.ticks.open(execing);
                    run.ticks.beginTurn(execing);
                }
                t = execing;
            }
        }
        turns.markSiblingsGone(t); // exec killed every other thread of the process
        t.clearChildTid = 0;
        if (t.tid == exits.rootPid) exits.closeExecErrorPipe(); // exec succeeded: the pipe was closed on exec
        run.writes.reset();
        if (run.arch.fetch(run.posix, t.tid, run.regs.forFetch()) >= 0 && !prepareProgram(t)) return;
        int patched = run.arch.name().equals("x86_64") ? timeStampPatches.patchProgram(t.tgid) : 0;
        EventLine exec = run.events.begin(t.number(), EventKind.EXEC).text(TracedRun.programOf(t.tid));
        run.writes.describeTo(exec);
        if (patched > 0) exec.text(" rdtsc-sites-patched=").decimal(patched);
        run.events.end();
        run.threads.releaseVforkParent(t.process);
        turns.continueTurn(t, t.resumeSignal); // a signal that came while detsim set up the clock page, if any
    }

    /**
     * The new program of t, stopped at its exec with its registers loaded: handlers' exec hooks, the Go futex
     * filter, the clock page. False if the thread is gone (or was killed) and its turn is settled.
     */
    private boolean prepareProgram(Tracee t) {
        execStop.tid = t.tid;
        execStop.process = t.process;
        execStop.registers = run.regs;
        for (SyscallHandler h : handlers) h.onExec(execStop);
        SyscallInjector injector = (ip, args) -> injectSyscall(t, ip, args);
        if (run.wordWatch != null && !run.arch.compatMode(run.regs.raw())) { // an i386 program's futex calls all stop
            String failure = run.wordWatch.programStarts(t.tid, t.tgid, run.regs.instructionPointer(),
                    run.regs.stackPointer(), injector);
            if (run.threads.get(t.tid) != t) return false; // killed meanwhile
            if (failure != null) {
                run.warnings.println("detsim: cannot add the futex filter to " + TracedRun.programOf(t.tid) + " ("
                        + failure + "); killed it, since its futex wakes would go unseen");
                run.posix.kill(t.tgid, Signals.SIGKILL);
                turns.continueTurn(t, 0);
                return false;
            }
        }
        java.util.OptionalLong vdsoSlot = AuxiliaryVector.valueAddress(run.memory, t.tid, run.regs.stackPointer(),
                AuxiliaryVector.AT_SYSINFO_EHDR);
        Long vdsoBase = vdsoSlot.isEmpty() ? null : run.memory.readWord(t.tid, vdsoSlot.getAsLong());
        boolean fastClock = run.vdsoClock != null && vdsoBase != null && vdsoBase != 0
                && run.vdsoClock.install(t.tid, t.tgid, vdsoBase, injector);
        if (run.threads.get(t.tid) != t) return false; // killed while detsim mapped its clock page
        if (!fastClock && vdsoSlot.isPresent()) hideVdso(t, vdsoSlot.getAsLong());
        return true;
    }

    /**
     * Hides the vDSO from the new program (AT_SYSINFO_EHDR becomes AT_IGNORE in its auxiliary vector), so
     * libc and Go read the clocks (and getrandom, where the kernel has a vDSO one) with syscalls.
     */
    private void hideVdso(Tracee t, long slot) {
        byte[] ignore = java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .putLong(AuxiliaryVector.AT_IGNORE).array();
        run.memory.write(t.tid, slot - 8, ignore);
    }

    /**
     * Runs, in thread t stopped at its exec, the syscall whose {@link dev.detsim.sandbox.arch.VdsoStubs#syscallThenTrap}
     * is written at ip, with args; restores its registers. The syscall's result (-errno on failure).
     */
    private long injectSyscall(Tracee t, long ip, long... args) {
        if (savedRegs == null) savedRegs = run.arena.allocate(run.regs.raw().byteSize(), 8);
        MemorySegment saved = savedRegs;
        MemorySegment.copy(run.regs.raw(), 0, saved, 0, saved.byteSize());
        run.vdsoStubs.prepareSyscallAt(run.regs.raw(), ip, args);
        if (run.arch.store(run.posix, t.tid, run.regs.raw()) < 0) return -Errno.ESRCH;
        long result = -Errno.EINVAL;
        int heldSignal = 0;
        run.posix.ptrace(PTRACE_CONT, t.tid, 0, 0);
        for (;;) {
            int tid = run.posix.waitpid(t.tid, WALL | WNOTHREAD);
            if (tid == -Errno.EINTR) continue;
            if (tid < 0) return tid;
            int status = run.posix.lastWaitStatus();
            if (!stopped(status)) { // killed: its death is handled as any other
                exits.onExitQuietly(tid, status);
                return -Errno.ESRCH;
            }
            if (event(status) == 0 && stopSignal(status) == Signals.SIGTRAP) {
                if (run.arch.fetch(run.posix, t.tid, run.regs.forFetch()) >= 0) result = run.regs.returnValue();
                break;
            }
            if (event(status) == 0) heldSignal = stopSignal(status); // delivered once the program runs
            run.posix.ptrace(PTRACE_CONT, t.tid, 0, 0); // a seccomp stop of the mmap, or another event stop
        }
        MemorySegment.copy(saved, 0, run.regs.raw(), 0, saved.byteSize());
        run.arch.store(run.posix, t.tid, run.regs.raw());
        if (heldSignal != 0) t.resumeSignal = heldSignal;
        return result;
    }
}
