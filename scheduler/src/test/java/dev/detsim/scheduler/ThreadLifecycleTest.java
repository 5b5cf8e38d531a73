package dev.detsim.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The four states, the calls that move threads between them, and the calls that are detsim bugs. */
class ThreadLifecycleTest {
    static final ProcessId P = ProcessId.of(1);
    static final ThreadId T1 = ThreadId.of(1), T2 = ThreadId.of(2), T3 = ThreadId.of(3);

    final Scheduler s = Scheduler.deterministic();

    static void assertMisuse(String fragment, Executable call) {
        IllegalStateException e = assertThrows(IllegalStateException.class, call);
        assertTrue(e.getMessage().contains(fragment), () -> "message \"" + e.getMessage() + "\" lacks " + fragment);
    }

    @Test
    void aSpawnedThreadIsRunnableThenRunsWhenChosen() {
        s.spawn(T1, P);
        assertEquals(ThreadState.RUNNABLE, s.state(T1));
        assertEquals(new Decision.Run(T1, Optional.empty()), s.next());
        assertEquals(ThreadState.RUNNING, s.state(T1));
        assertEquals(Optional.of(T1), s.running());
        assertEquals(P, s.processOf(T1));
    }

    @Test
    void nextEndsTheTurnOfTheRunningThreadAndChargesOneQuantum() {
        s.spawn(T1, P);
        s.next();
        assertEquals(0, s.now());
        s.next();
        assertEquals(1_000, s.now());
        assertEquals(1, s.turns());
        assertEquals(ThreadState.RUNNING, s.state(T1));
    }

    @Test
    void liveThreadsLeaveOutExitedOnesWhichStayKnown() {
        s.spawn(T1, P);
        s.spawn(T2, P);
        s.spawn(T3, P);
        s.next();
        s.exited(T2);
        assertEquals(java.util.List.of(T1, T3), java.util.List.copyOf(s.liveThreads()));
        assertEquals(java.util.List.of(T1, T2, T3), java.util.List.copyOf(s.threads()));
        assertEquals(ThreadState.EXITED, s.state(T2));
    }

    @Test
    void blockingAndWakingAndExiting() {
        s.spawn(T1, P);
        s.spawn(T2, P);
        s.next();
        s.block(T1, WaitCondition.Signal.any(), Deadline.NONE);
        assertEquals(ThreadState.BLOCKED, s.state(T1));
        assertEquals(Optional.of(WaitCondition.Signal.any()), s.waitingOn(T1));
        assertEquals(Optional.empty(), s.running());
        assertEquals(T2, ((Decision.Run) s.next()).thread());
        assertTrue(s.interrupt(T1));
        assertEquals(ThreadState.RUNNABLE, s.state(T1));
        s.exited(T2);
        assertEquals(ThreadState.EXITED, s.state(T2));
        Decision.Run run = (Decision.Run) s.next();
        assertEquals(T1, run.thread());
        assertEquals(WakeUp.Cause.INTERRUPTED, run.wakeUp().orElseThrow().cause());
        s.exited(T1);
        assertEquals(new Decision.NothingLeft(), s.next());
        assertEquals(new Decision.NothingLeft(), s.next());
    }

    @Test
    void noThreadsAtAllIsNothingLeft() {
        assertInstanceOf(Decision.NothingLeft.class, s.next());
    }

    @Test
    void threadsCanExitFromAnyLiveState() {
        s.spawn(T1, P);
        s.spawn(T2, P);
        s.spawn(T3, P);
        s.next(); // T1 runs
        s.futex(T1, new FutexOp.Wait(FutexKey.privateTo(P, 0x100), true, Deadline.NONE));
        s.exited(T1); // blocked: leaves the futex queue
        assertEquals(0, s.futexWaiters(FutexKey.privateTo(P, 0x100)).size());
        s.exited(T3); // runnable
        s.next(); // T2 runs
        s.exited(T2); // running
        assertEquals(Optional.empty(), s.running());
        assertInstanceOf(Decision.NothingLeft.class, s.next());
    }

    @Test
    void interruptAndRetryOfAThreadThatIsNotBlockedChangeNothing() {
        s.spawn(T1, P);
        assertFalse(s.interrupt(T1));
        assertFalse(s.retry(T1));
        assertEquals(ThreadState.RUNNABLE, s.state(T1));
    }

    @Test
    void misuseIsReportedClearly() {
        assertMisuse("unknown thread 9", () -> s.state(ThreadId.of(9)));
        s.spawn(T1, P);
        assertMisuse("thread 1 already exists", () -> s.spawn(T1, P));
        assertMisuse("thread 1 cannot block: it is RUNNABLE, not RUNNING",
                () -> s.block(T1, new WaitCondition.Sleep(), Deadline.at(5)));
        assertMisuse("cannot yield", () -> s.yieldTurn(T1));
        assertMisuse("cannot be preempted", () -> s.preempt(T1));
        assertMisuse("cannot futex-wait", () -> s.futex(T1, new FutexOp.Wait(FutexKey.shared(8), true, Deadline.NONE)));
        s.spawn(T2, P);
        s.next();
        assertMisuse("(thread 1 is)", () -> s.yieldTurn(T2));
        assertMisuse("a sleep needs a deadline", () -> s.block(T1, new WaitCondition.Sleep(), Deadline.NONE));
        assertMisuse("go through futex()",
                () -> s.block(T1, new WaitCondition.FutexWait(FutexKey.shared(8), -1), Deadline.NONE));
        assertMisuse("was not resumed to retry", () -> s.retryFailed(T1));
        s.futex(T1, new FutexOp.Wait(FutexKey.shared(8), true, Deadline.NONE));
        assertMisuse("not retry()", () -> s.retry(T1));
        s.exited(T2);
        assertMisuse("thread 2 exited twice", () -> s.exited(T2));
        assertThrows(IllegalArgumentException.class, () -> ThreadId.of(0));
    }

    @Test
    void aPolicyThatChoosesANonRunnableThreadIsCaught() {
        Scheduler bad = new Scheduler(new SchedulingPolicy() {
            public ThreadId choose(SchedulingPoint point) { return ThreadId.of(42); }
            public String describe() { return "bad"; }
        });
        bad.spawn(T1, P);
        assertMisuse("bad chose thread 42, which is not runnable", bad::next);
    }

    @Test
    void preemptionsAreCountedAndEndTheTurn() {
        s.spawn(T1, P);
        s.spawn(T2, P);
        s.next();
        s.preempt(T1);
        assertEquals(1, s.nondeterministicPreemptions());
        assertEquals(T2, ((Decision.Run) s.next()).thread());
        s.preempt(T2);
        s.next();
        assertEquals(2, s.nondeterministicPreemptions());
        assertEquals(2_000, s.now(), "a preempted turn costs one quantum like any other");
    }

    @Test
    void aPreemptionCanChargeTheHostTimeTheThreadRan() {
        s.spawn(T1, P);
        s.spawn(T2, P);
        s.next();
        s.preempt(T1, 10_000_000);
        s.next();
        assertEquals(10_001_000, s.now(), "host time of the preempted turn plus its quantum");
        assertEquals(1, s.nondeterministicPreemptions());
        assertMisuse("negative preemption cost", () -> s.preempt(T2, -1));
    }

    @Test
    void aPreemptionAtATickBoundaryEndsTheTurnAndIsNotCountedAsNondeterministic() {
        s.spawn(T1, P);
        s.spawn(T2, P);
        s.next();
        s.preemptAtTick(T1, 1_000_000);
        assertEquals(T2, ((Decision.Run) s.next()).thread(), "the preempted thread's turn ended");
        assertEquals(1_001_000, s.now(), "the nominal slice plus the turn's quantum");
        assertEquals(1, s.deterministicPreemptions());
        assertEquals(0, s.nondeterministicPreemptions());
        assertMisuse("negative time slice", () -> s.preemptAtTick(T2, -1));
        assertMisuse("cannot be preempted", () -> s.preemptAtTick(T1, 0));
    }
}
