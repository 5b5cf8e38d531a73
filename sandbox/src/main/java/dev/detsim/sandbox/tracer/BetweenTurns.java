package dev.detsim.sandbox.tracer;

import static dev.detsim.abi.Wait.WALL;
import static dev.detsim.abi.Wait.WNOTHREAD;
import static dev.detsim.sandbox.os.Ptrace.EVENT_STOP;
import static dev.detsim.sandbox.os.Ptrace.event;
import static dev.detsim.sandbox.os.Ptrace.stopSignal;
import static dev.detsim.sandbox.os.Ptrace.stopped;

import dev.detsim.abi.Errno;
import dev.detsim.abi.Signals;
import dev.detsim.recorder.EventKind;
import dev.detsim.sandbox.api.SyscallHandler;
import dev.detsim.scheduler.Decision;
import dev.detsim.scheduler.DeadlockReport;
import dev.detsim.scheduler.SwitchRecorder;
import dev.detsim.scheduler.TimerKey;
import dev.detsim.scheduler.TimerQueue;
import dev.detsim.scheduler.WakeUp;
import java.util.function.ObjIntConsumer;

/**
 * The tracer's work between two turns: expired timers, looks at outside input, signals for waiting threads,
 * readiness; then the scheduler's choice, and the chosen thread resumed (or a virtual-clock step, a real-time
 * wait for outside input, or a deadlock).
 */
final class BetweenTurns {
    private final TracedRun run;
    private final Turns turns;
    private final Exits exits;
    private final HandlerTable table;
    private final SyscallDispatch syscalls;
    private final OutsideInput outside;
    private final SwitchSites switchSites;
    /** The tracer's handling of a stop of the running thread, for a stop queued before its turn. */
    private final ObjIntConsumer<Tracee> onStop;
    private DeadlockReport deadlock;

    BetweenTurns(TracedRun run, Turns turns, Exits exits, HandlerTable table, SyscallDispatch syscalls,
                 OutsideInput outside, SwitchSites switchSites, ObjIntConsumer<Tracee> onStop) {
        this.run = run;
        this.turns = turns;
        this.exits = exits;
        this.table = table;
        this.syscalls = syscalls;
        this.outside = outside;
        this.switchSites = switchSites;
        this.onStop = onStop;
    }

    /** The deadlock that ended the run, or null. */
    DeadlockReport deadlock() {
        return deadlock;
    }

    /**
     * Between turns: lets the scheduler choose, and resumes the thread it chose. Returns when one thread runs,
     * or when none can until something outside detsim happens (the caller then waits for any report).
     */
    void dispatch() {
        while (turns.current == null) {
            deliverExpiredTimers();
            // A look after a real-time wait that saw nothing is one of as many as the host's timing made: not counted.
            for (var w : table.outsideWatches()) {
                if (w.look(run.descriptors, run.events.count(), !outside.sawNothing, true)) turns.signalCheckDue = true;
            }
            outside.sawNothing = false;
            if (run.notices.drain()) turns.signalCheckDue = true;
            if (turns.signalCheckDue) {
                turns.signalCheckDue = false;
                run.waiters.interruptThoseWithPendingSignals();
            }
            if (run.waiters.pollReadiness()) { // what woke a waiter may have come after the look: tie it to that look
                for (var w : table.outsideWatches()) w.look(run.descriptors, run.events.count(), false, false);
            }
            run.waiters.retryProgressWaiters();
            Decision d = run.scheduler.next();
            switch (d) {
                case Decision.Run r -> {
                    if (switchSites != null && run.scheduler.policy() instanceof SwitchRecorder s && s.lastSwitched()) {
                        switchSites.observe(run, s.lastDecision(), run.events.count(), run.threads.get(r.thread()),
                                run.threads.get(s.lastExpected()));
                    }
                    startTurn(run.threads.get(r.thread()), r.wakeUp().orElse(null));
                }
                case Decision.AdvanceClock a -> run.events.record(0, EventKind.CLOCK, Long.toString(a.now()));
                case Decision.Deadlock dl -> {
                    // A process that is dying (a fatal signal took all its threads) is waited for: the kernel
                    // reports its leader's death, which may end a parent's wait, only after its threads'.
                    if (run.threads.processDying()) return;
                    if (outside.await(dl.report())) continue;
                    deadlock = dl.report();
                    run.events.record(0, EventKind.DEADLOCK, dl.report().toString().replace("\n", ";"));
                    exits.killEverything();
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
        if (run.scheduler.timers().isEmpty()) return;
        for (TimerQueue.Expired e : run.scheduler.timers().takeExpired(run.scheduler.now())) {
            TimerKey key = e.key();
            run.events.record(0, EventKind.TIMER, key.family() + " " + key.number() + " of process " + key.owner().value());
            for (SyscallHandler h : table.handlers()) h.onTimer(key, e.at(), run.timerSignals);
        }
        if (run.timerSignals.takeSent()) turns.signalCheckDue = true;
    }

    private void startTurn(Tracee t, WakeUp wake) {
        run.waiters.turnStarts(t, wake);
        if (!t.held) awaitFirstStop(t);
        if (!t.held) { // died before it ever ran
            if (!t.gone) turns.markGone(t);
            return;
        }
        turns.beginTurn(t);
        if (t.queuedStatus != null) {
            int status = t.queuedStatus;
            t.queuedStatus = null;
            t.held = false;
            onStop.accept(t, status);
            return;
        }
        if (t.vforkChild != null) {
            t.vforkChild = null;
            turns.continueTurn(t, 0);
            return;
        }
        if (t.blockedIn != null) {
            syscalls.resumeParked(t, wake);
            return;
        }
        turns.continueTurn(t, t.resumeSignal);
    }

    /** The stop a new thread makes before its first instruction (PTRACE_EVENT_STOP with SIGTRAP). */
    static boolean isFirstStop(int status) {
        return event(status) == EVENT_STOP && stopSignal(status) == Signals.SIGTRAP;
    }

    /** A new thread the scheduler chose before its first stop was reported: wait for that stop. */
    private void awaitFirstStop(Tracee t) {
        while (!t.held && run.threads.get(t.tid) == t) {
            int tid = run.posix.waitpid(t.tid, WALL | WNOTHREAD);
            if (tid == -Errno.EINTR) continue;
            if (tid < 0) return;
            int status = run.posix.lastWaitStatus();
            if (!stopped(status)) {
                exits.onExitQuietly(tid, status);
                return;
            }
            t.held = true;
            if (!isFirstStop(status)) t.queuedStatus = status;
        }
    }
}
