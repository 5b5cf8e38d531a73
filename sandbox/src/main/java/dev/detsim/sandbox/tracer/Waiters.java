package dev.detsim.sandbox.tracer;

import dev.detsim.sandbox.api.Descriptors;
import dev.detsim.scheduler.Scheduler;
import dev.detsim.scheduler.ThreadId;
import dev.detsim.scheduler.ThreadState;
import dev.detsim.scheduler.WaitCondition;
import dev.detsim.scheduler.WakeUp;
import java.util.ArrayList;
import java.util.List;

/**
 * What the tracer keeps for threads parked in detsim (the scheduler has them BLOCKED, the kernel has them in
 * a ptrace-stop at their syscall's entry), and the checks between turns that may end their waits: readiness
 * (one zero-timeout poll over copies of their fds), pending signals (the kernel cannot wake a thread in a
 * ptrace-stop, so detsim interrupts its wait), file locks and AIO completions (retried after other threads made
 * progress).
 */
final class Waiters {
    private final Scheduler scheduler;
    private final Descriptors descriptors;
    private final ThreadTable threads;
    /** Turns other than failed file-lock retries: what may have released a lock. */
    private long progressTurns;
    /**
     * Parked threads with descriptor copies, and parked threads waiting for progress: when none, the checks
     * between turns (run at every stop) skip their scans.
     */
    private int readinessWaiters, progressWaiters;

    Waiters(Scheduler scheduler, Descriptors descriptors, ThreadTable threads) {
        this.scheduler = scheduler;
        this.descriptors = descriptors;
        this.threads = threads;
    }

    /** Thread t begins a turn (resumed with wake, or null): its wait, if any, is over. */
    void turnStarts(Tracee t, WakeUp wake) {
        if (wake == null || wake.cause() != WakeUp.Cause.MAY_BE_READY || !WaitCondition.retriedAfterProgress(wake.condition())) {
            progressTurns++;
        }
        release(t);
    }

    /** t now waits on condition: readiness waits keep copies of its fds to poll; lock and AIO waits note the progress. */
    void parked(Tracee t, WaitCondition condition) {
        if (WaitCondition.retriedAfterProgress(condition)) {
            t.lockTriedAt = progressTurns;
            if (!t.waitsForProgress) progressWaiters++;
            t.waitsForProgress = true;
        }
        if (condition instanceof WaitCondition.Readiness r) {
            if (t.waitCopies == null) readinessWaiters++;
            int n = r.interests().size();
            t.waitCopies = new int[n];
            t.waitEvents = new int[n];
            for (int i = 0; i < n; i++) {
                t.waitCopies[i] = descriptors.copy(t.tid, r.interests().get(i).fd());
                t.waitEvents[i] = r.interests().get(i).events();
            }
        }
    }

    /** Closes t's descriptor copies (its wait ended, or it is gone). */
    void release(Tracee t) {
        if (t.waitsForProgress) progressWaiters--;
        t.waitsForProgress = false;
        if (t.waitCopies == null) return;
        readinessWaiters--;
        for (int c : t.waitCopies) descriptors.close(c);
        t.waitCopies = null;
        t.waitEvents = null;
    }

    /** One zero-timeout poll over every readiness waiter's fds; those with news are retried (true if any). */
    boolean pollReadiness() {
        if (readinessWaiters == 0) return false;
        List<Tracee> waiting = null;
        int n = 0;
        for (Tracee t : threads.all()) {
            if (t.waitCopies != null && t.id != null && scheduler.state(t.id) == ThreadState.BLOCKED) {
                if (waiting == null) waiting = new ArrayList<>();
                waiting.add(t);
                n += t.waitCopies.length;
            }
        }
        if (waiting == null) return false;
        waiting.sort((a, b) -> a.id.compareTo(b.id));
        int[] copies = new int[n], events = new int[n], revents = new int[n];
        int i = 0;
        for (Tracee t : waiting) {
            for (int k = 0; k < t.waitCopies.length; k++, i++) {
                copies[i] = t.waitCopies[k];
                events[i] = t.waitEvents[k];
            }
        }
        if (descriptors.pollCopies(copies, events, revents) == 0) return false;
        i = 0;
        boolean any = false;
        for (Tracee t : waiting) {
            boolean ready = false;
            for (int k = 0; k < t.waitCopies.length; k++, i++) ready |= revents[i] != 0 || copies[i] < 0;
            if (ready) scheduler.retry(t.id);
            any |= ready;
        }
        return any;
    }

    /**
     * A signal may be pending for a thread detsim keeps waiting (one was sent, a child exited, detsim forwarded
     * one, a timer expired): interrupts every wait such a signal ends.
     */
    void interruptThoseWithPendingSignals() {
        for (ThreadId id : scheduler.liveThreads()) {
            if (scheduler.state(id) != ThreadState.BLOCKED) continue;
            Tracee t = threads.get(id);
            if (t == null || t.listening || t.vforkChild != null) continue;
            WaitCondition c = scheduler.waitingOn(id).orElse(null);
            if (c != null && signalStillPending(t, c)) scheduler.interrupt(id);
        }
    }

    /** Whether a signal that ends t's wait on condition is pending (another thread may have taken it). */
    static boolean signalStillPending(Tracee t, WaitCondition condition) {
        SignalMasks m = SignalMasks.read(t.tid);
        if (condition instanceof WaitCondition.Signal s) return (m.anyPending() & s.mask()) != 0;
        if (t.hasWaitMask) return (m.anyPending() & m.interruptingUnder(t.waitMask)) != 0;
        return m.interruptingNow() != 0;
    }

    /**
     * File-lock and AIO waiters are retried once other threads have run since their last try: a lock is
     * released, and AIO requests are submitted, by some syscall of another thread (unlock, close, exit,
     * io_submit). A failed retry is no progress, so waiters that only wait on each other end in a deadlock
     * report instead of retrying forever.
     */
    void retryProgressWaiters() {
        if (progressWaiters == 0) return;
        for (ThreadId id : scheduler.liveThreads()) {
            if (scheduler.state(id) != ThreadState.BLOCKED) continue;
            Tracee t = threads.get(id);
            if (t == null || t.lockTriedAt >= progressTurns) continue;
            if (WaitCondition.retriedAfterProgress(scheduler.waitingOn(id).orElse(null))) {
                t.lockTriedAt = progressTurns;
                scheduler.retry(id);
            }
        }
    }
}
