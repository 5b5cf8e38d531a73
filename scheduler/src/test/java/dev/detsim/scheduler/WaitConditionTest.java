package dev.detsim.scheduler;

import static dev.detsim.abi.Poll.POLLHUP;
import static dev.detsim.abi.Poll.POLLIN;
import static dev.detsim.abi.Poll.POLLOUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Waits the tracer owns: readiness, child exit, signals, sleeps; and what retries may and may not change. */
class WaitConditionTest {
    static final ProcessId P = ProcessId.of(1), CHILD = ProcessId.of(2), OTHER = ProcessId.of(3);
    static final ThreadId T1 = ThreadId.of(1), T2 = ThreadId.of(2), T3 = ThreadId.of(3);

    final Scheduler s = Scheduler.deterministic();

    void blockNext(WaitCondition c, Deadline d) {
        Decision.Run run = assertInstanceOf(Decision.Run.class, s.next());
        s.block(run.thread(), c, d);
    }

    @Test
    void readinessWaitersAreRetriedOnlyForTheirProcessFdAndEvents() {
        s.spawn(T1, P);
        s.spawn(T2, P);
        s.spawn(T3, OTHER);
        blockNext(WaitCondition.Readiness.of(P, 5, POLLIN), Deadline.NONE);
        blockNext(WaitCondition.Readiness.of(P, 6, POLLOUT), Deadline.NONE);
        blockNext(WaitCondition.Readiness.of(OTHER, 5, POLLIN), Deadline.NONE);
        assertEquals(List.of(), s.readyAgain(P, 5, POLLOUT), "wrong event");
        assertEquals(List.of(), s.readyAgain(P, 7, POLLIN), "wrong fd");
        assertEquals(List.of(T1), s.readyAgain(P, 5, POLLIN));
        assertEquals(List.of(T2), s.readyAgain(P, 6, POLLHUP), "hang-up always matches");
        assertEquals(ThreadState.BLOCKED, s.state(T3));
        Decision.Run run = assertInstanceOf(Decision.Run.class, s.next());
        WakeUp w = run.wakeUp().orElseThrow();
        assertEquals(WakeUp.Cause.MAY_BE_READY, w.cause());
        assertEquals(OptionalLong.empty(), w.syscallReturn(), "the tracer re-runs the syscall");
    }

    @Test
    void aFailedRetryWaitsAgainOnTheSameTermsAndCostsNoTime() {
        s.spawn(T1, P);
        s.spawn(T2, P);
        blockNext(WaitCondition.Readiness.of(P, 5, POLLIN), Deadline.at(50_000));
        assertEquals(T2, ((Decision.Run) s.next()).thread());
        s.block(T2, WaitCondition.Signal.any(), Deadline.NONE);
        long before = s.now();
        long turns = s.turns();
        for (int i = 0; i < 10; i++) {
            assertEquals(List.of(T1), s.readyAgain(P, 5, POLLIN));
            assertEquals(T1, ((Decision.Run) s.next()).thread());
            s.retryFailed(T1);
        }
        assertEquals(before + 1_000, s.now(), "only T2's blocking turn was charged, no retry");
        assertEquals(turns + 1, s.turns());
        assertEquals(WaitCondition.Readiness.of(P, 5, POLLIN), s.waitingOn(T1).orElseThrow());
        assertEquals(Deadline.at(50_000), s.deadlineOf(T1), "a retry does not reset the timeout");
        assertEquals(new Decision.AdvanceClock(50_000, List.of(T1)), s.next());
        WakeUp w = ((Decision.Run) s.next()).wakeUp().orElseThrow();
        assertEquals(WakeUp.Cause.DEADLINE_PASSED, w.cause());
        assertEquals(OptionalLong.empty(), w.syscallReturn(), "poll's timeout answer is the tracer's");
    }

    @Test
    void childExitRetriesTheParentsWaitersForThatChildOrAny() {
        s.spawn(T1, P);
        s.spawn(T2, P);
        s.spawn(T3, OTHER);
        blockNext(WaitCondition.ChildExit.of(CHILD), Deadline.NONE);
        blockNext(WaitCondition.ChildExit.any(), Deadline.NONE);
        blockNext(WaitCondition.ChildExit.any(), Deadline.NONE);
        assertEquals(List.of(T2), s.childExited(P, ProcessId.of(9)));
        assertEquals(List.of(T1), s.childExited(P, CHILD));
        assertEquals(ThreadState.BLOCKED, s.state(T3), "not its child");
    }

    @Test
    void aSleepEndsAtItsDeadlineReturningZeroOrEarlyWithEintr() {
        s.spawn(T1, P);
        s.spawn(T2, P);
        blockNext(new WaitCondition.Sleep(), Deadline.at(2_000_000));
        blockNext(new WaitCondition.Sleep(), Deadline.at(1_000_000));
        assertEquals(new Decision.AdvanceClock(1_000_000, List.of(T2)), s.next());
        Decision.Run run = (Decision.Run) s.next();
        assertEquals(OptionalLong.of(0), run.wakeUp().orElseThrow().syscallReturn());
        assertTrue(s.interrupt(T1));
        s.exited(T2);
        WakeUp w = ((Decision.Run) s.next()).wakeUp().orElseThrow();
        assertEquals(OptionalLong.of(-4), w.syscallReturn());
        assertEquals(Deadline.at(2_000_000), w.deadline(), "for nanosleep's remaining time");
    }

    @Test
    void waitersWithTheSameDeadlineWakeTogetherInIdOrder() {
        s.spawn(T1, P);
        s.spawn(T2, P);
        s.spawn(T3, P);
        blockNext(new WaitCondition.Sleep(), Deadline.at(7_000_000));
        blockNext(WaitCondition.Readiness.of(P, 3, POLLIN), Deadline.at(7_000_000));
        blockNext(new WaitCondition.Sleep(), Deadline.at(8_000_000));
        assertEquals(new Decision.AdvanceClock(7_000_000, List.of(T1, T2)), s.next());
    }

    @Test
    void retryOfASignalWaitLetsTheTracerDequeueTheSignal() {
        s.spawn(T1, P);
        blockNext(new WaitCondition.Signal(1L << (10 - 1)), Deadline.NONE);
        assertTrue(s.retry(T1));
        assertEquals(WakeUp.Cause.MAY_BE_READY, ((Decision.Run) s.next()).wakeUp().orElseThrow().cause());
    }

    @Test
    void fileLockWaitersAreRetriedOnlyWhenAskedAndOtherwiseDeadlock() {
        s.spawn(T1, P);
        s.spawn(T2, CHILD);
        blockNext(new WaitCondition.FileLock(P, 4, "flock"), Deadline.NONE);
        blockNext(new WaitCondition.FileLock(CHILD, 6, "posix"), Deadline.NONE);
        DeadlockReport report = assertInstanceOf(Decision.Deadlock.class, s.next()).report();
        assertTrue(report.toString().contains("thread 1 of process 1: wait for a flock lock on fd 4 of process 1"), report.toString());
        assertTrue(report.toString().contains("wait for a posix lock on fd 6 of process 2"), report.toString());
        assertTrue(s.retry(T2));
        Decision.Run run = assertInstanceOf(Decision.Run.class, s.next());
        assertEquals(T2, run.thread());
        assertEquals(WakeUp.Cause.MAY_BE_READY, run.wakeUp().orElseThrow().cause());
        s.retryFailed(T2); // still taken: back to waiting, and the clock did not move for it
        assertInstanceOf(Decision.Deadlock.class, s.next());
    }

    @Test
    void aioWaitsAreRetriedAfterProgressAndNamedInTheReport() {
        s.spawn(T1, P);
        blockNext(new WaitCondition.AioCompletion(P, 0x7ffff7fbe000L, 2), new Deadline(5_000));
        assertTrue(WaitCondition.retriedAfterProgress(s.waitingOn(T1).orElseThrow()));
        assertTrue(WaitCondition.retriedAfterProgress(new WaitCondition.FileLock(P, 3, "ofd")));
        assertTrue(WaitCondition.retriedAfterProgress(new WaitCondition.Connect(P, 4)));
        assertEquals("wait to connect fd 4 of process 1 (the listener's backlog is full)", new WaitCondition.Connect(P, 4).describe());
        assertFalse(WaitCondition.retriedAfterProgress(new WaitCondition.Sleep()));
        assertFalse(WaitCondition.retriedAfterProgress(WaitCondition.Readiness.of(P, 3, POLLIN)));
        // With a deadline the clock jumps to it and the wait ends there (the tracer then runs the call at once).
        assertInstanceOf(Decision.AdvanceClock.class, s.next());
        Decision.Run run = assertInstanceOf(Decision.Run.class, s.next());
        assertEquals(WakeUp.Cause.DEADLINE_PASSED, run.wakeUp().orElseThrow().cause());
        s.block(T1, new WaitCondition.AioCompletion(P, 0x7ffff7fbe000L, 1), Deadline.NONE); // waits again, forever
        DeadlockReport report = assertInstanceOf(Decision.Deadlock.class, s.next()).report();
        assertTrue(report.toString().contains("thread 1 of process 1: wait for 1 AIO completion on context 0x7ffff7fbe000 of process 1"),
                report.toString());
    }
}
