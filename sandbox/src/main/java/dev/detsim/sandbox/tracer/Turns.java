package dev.detsim.sandbox.tracer;

import static dev.detsim.sandbox.os.Ptrace.PTRACE_CONT;
import static dev.detsim.sandbox.os.Ptrace.PTRACE_SINGLESTEP;
import static dev.detsim.sandbox.os.Ptrace.PTRACE_SYSCALL;

import dev.detsim.abi.Errno;
import dev.detsim.sandbox.tracer.preemption.TickCounters;
import dev.detsim.scheduler.ThreadId;
import dev.detsim.scheduler.ThreadState;
import java.util.List;

/**
 * Turns: one thread runs at a time. A turn runs from resuming the chosen thread to its next scheduling point;
 * within it the thread may be resumed again (after a clone, exec or signal stop). This class resumes threads,
 * arms the watchdog while others could use the CPU, and keeps what the tracer must check after a turn.
 */
final class Turns {
    private final TracedRun run;
    /** The one thread resumed, or null between turns. */
    Tracee current;
    long turnSerial;
    /** Resumes of tracees so far: no thread ran between two points where it is the same. */
    long resumes;
    /** A signal may now be pending for a waiting thread: check before the next choice. */
    boolean signalCheckDue;
    /** The program's first process has exited (or a deadlock killed it): what is left is only let die. */
    boolean rootDone;

    Turns(TracedRun run) {
        this.run = run;
    }

    void beginTurn(Tracee t) {
        current = t;
        turnSerial++;
        if (run.vdsoClock != null) run.vdsoClock.beginTurn(run.memory, t.tid, t.tgid);
        if (run.ticks != null) run.ticks.beginTurn(t.ticks);
        if (run.replay != null) run.replay.beginTurn(t.tid, t.number(), t.ticks);
        if (othersCouldRun(t)) run.watchdog.arm(turnSerial, t.tgid, t.tid);
    }

    /** Resumes the running thread (again) within its turn. */
    void continueTurn(Tracee t, int signal) {
        t.held = false;
        if (t.kernelAnswersAt >= 0) {
            if (t.kernelAnswersAt != resumes && run.arch.fetch(run.posix, t.tid, run.regs.forFetch()) >= 0) {
                // Another thread ran meanwhile and may have changed what the kernel would answer: answer here.
                run.regs.setReturnValue(t.kernelAnswer);
                run.arch.storeSyscallNumber(run.posix, t.tid, run.regs.raw(), -1);
            }
            t.kernelAnswersAt = -1;
        }
        if (t.ticks.aimDue() && t.pendingSyscall == null && t.onReturn == null) { // a stop came between single steps
            if (run.ticks.resumeApproach(t.ticks) == TickCounters.Tick.STEP) run.watchdog.disarm();
            else if (othersCouldRun(t)) run.watchdog.arm(turnSerial, t.tgid, t.tid);
        }
        t.resumeSignal = 0;
        resume(t, signal);
    }

    /** The running thread reached a scheduling point: it stays stopped, and resumes with signal at its next turn. */
    void endTurn(Tracee t, int signal) {
        run.memory.forget();
        run.watchdog.disarm();
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
    boolean othersCouldRun(Tracee t) {
        if (!run.scheduler.timers().isEmpty()) return true; // a timer's signal may be what the spinning thread waits for
        if (run.accelerator.wakesUnseen(t.tgid)) return true; // it may have woken one, unseen
        for (ThreadId other : run.scheduler.liveThreads()) {
            if (other.equals(t.id)) continue;
            ThreadState s = run.scheduler.state(other);
            if (s == ThreadState.RUNNABLE || s == ThreadState.BLOCKED && !run.scheduler.deadlineOf(other).isNone()) {
                return true;
            }
        }
        return false;
    }

    /** Restarts t, delivering signal (0 for none); asks for the syscall-exit stop if a trace line waits. */
    void resume(Tracee t, int signal) {
        t.held = false;
        resumes++;
        int request = t.pendingSyscall != null || t.onReturn != null ? PTRACE_SYSCALL
                : t.ticks.stepping() ? PTRACE_SINGLESTEP : PTRACE_CONT;
        long r = run.posix.ptrace(request, t.tid, 0, signal);
        if (r < 0 && r != -Errno.ESRCH) {
            run.warnOnce("resume " + r, "cannot resume thread " + t.tid + ": " + Errno.name((int) -r));
        }
    }

    /** The scheduler forgets t (it exited, or a sibling's exit_group or exec took it). */
    void markGone(Tracee t) {
        t.gone = true;
        if (t.signalSent || t.mayHaveSignalled) signalCheckDue = true;
        run.waiters.release(t);
        if (t.id != null && run.scheduler.state(t.id) != ThreadState.EXITED) run.scheduler.exited(t.id);
        if (current == t) {
            run.watchdog.disarm();
            current = null;
        }
    }

    /** Every other thread of t's process is gone at once (exit_group, exec, a fatal signal); deaths follow. */
    void markSiblingsGone(Tracee t) {
        for (Tracee other : List.copyOf(run.threads.all())) {
            if (other != t && other.tgid == t.tgid && !other.gone) markGone(other);
        }
    }
}
