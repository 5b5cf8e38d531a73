package dev.detsim.sandbox.tracer;

import static dev.detsim.abi.CloneFlags.CLONE_CHILD_CLEARTID;
import static dev.detsim.abi.CloneFlags.CLONE_THREAD;

import static dev.detsim.sandbox.os.Ptrace.*;

import dev.detsim.recorder.EventKind;
import dev.detsim.sandbox.api.SyscallHandler;
import dev.detsim.recorder.EventLine;
import dev.detsim.abi.Signals;
import dev.detsim.scheduler.Deadline;
import dev.detsim.scheduler.ProcessId;
import dev.detsim.scheduler.WaitCondition;
import java.util.List;

/**
 * Threads and programs coming into the run: clone, fork and vfork events (the new thread gets its virtual
 * numbers) and exec events, where detsim prepares the new program before its first instruction — the
 * handlers' exec hooks, then the {@link ProcessListener}s (the Go futex filter, the vDSO and its clock page,
 * Go's rdtsc sites).
 */
final class ProcessStarts {

    private final TracedRun run;
    private final Turns turns;
    private final Exits exits;
    private final List<SyscallHandler> handlers;
    private final PtraceExecStop execStop;

    ProcessStarts(TracedRun run, Turns turns, Exits exits, List<SyscallHandler> handlers) {
        this.run = run;
        this.turns = turns;
        this.exits = exits;
        this.handlers = handlers;
        this.execStop = new PtraceExecStop(run, exits);
    }

    /** Gives a new thread its virtual numbers (process null: a new process) and its tick counter. */
    void register(Tracee t, ProcessId process) {
        run.threads.register(t, process);
        if (run.ticks != null) run.ticks.open(t.tid, t.ticks);
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
        child.tscMode.inherit(t.tscMode); // the kernel's flag is copied to new threads and processes
        if ((t.cloneFlags & CLONE_CHILD_CLEARTID) != 0) {
            child.clearChildTid = t.cloneChildTid;
        }
        register(child, thread ? t.process : null);
        if (run.sites != null && t.ticks.program() != null) run.sites.arm(child.tid, child.number(), t.ticks.program(), child.ticks);
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
                    run.ticks.close(leader.ticks);
                    run.ticks.open(execing.tid, execing.ticks);
                    run.ticks.beginTurn(execing.ticks);
                }
                t = execing;
            }
        }
        run.programStarted = true;
        if (run.sites != null) run.sites.arm(t.tid, t.number(), TracedRun.programOf(t.tid), t.ticks); // the old program's sites mean nothing now
        if (run.replay != null) run.replay.disarm(t.ticks); // nor an address to replay at; the next turn arms again
        turns.markSiblingsGone(t); // exec killed every other thread of the process
        t.clearChildTid = 0;
        if (t.tid == exits.rootPid) exits.closeExecErrorPipe(); // exec succeeded: the pipe was closed on exec
        run.writes.reset();
        execStop.begin(t);
        if (run.arch.fetch(run.posix, t.tid, run.regs.forFetch()) >= 0 && !prepareProgram(t)) return;
        EventLine exec = run.events.begin(t.number(), EventKind.EXEC).text(TracedRun.programOf(t.tid));
        run.writes.describeTo(exec);
        execStop.describeTo(exec);
        run.events.end();
        run.threads.releaseVforkParent(t.process);
        turns.continueTurn(t, t.resumeSignal); // a signal that came while detsim set up the clock page, if any
    }

    /**
     * The new program of t, stopped at its exec with its registers loaded: the handlers' exec hooks, then
     * detsim's own preparations ({@link ProcessListener#execed}). False if the thread is gone (or was
     * killed) and its turn is settled.
     */
    private boolean prepareProgram(Tracee t) {
        for (SyscallHandler h : handlers) h.onExec(execStop);
        for (ProcessListener l : run.processListeners) {
            l.execed(execStop);
            if (run.threads.get(t.tid) != t) return false; // killed meanwhile (in an injected syscall)
            if (execStop.refusal != null) {
                run.warnings.println("detsim: " + execStop.refusal);
                run.posix.kill(t.tgid, Signals.SIGKILL);
                turns.continueTurn(t, 0);
                return false;
            }
        }
        return true;
    }
}
