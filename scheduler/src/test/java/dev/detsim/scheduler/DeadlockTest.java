package dev.detsim.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.detsim.abi.Futex;
import dev.detsim.abi.Poll;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When nothing can ever run again, the report must say who waits on what. */
class DeadlockTest {
    static final long A = 0x1000, B = 0x2000;

    @Test
    void lockOrderInversionOfTwoThreadsNamesBothFutexes() {
        // Each takes its first lock, then (after a sleep that lets the other take its own) wants the other's.
        Simulation sim = new Simulation(new DeterministicPolicy())
                .thread(Step.lock(A), Step.sleep(1_000_000), Step.lock(B), Step.unlock(B), Step.unlock(A))
                .thread(Step.lock(B), Step.sleep(1_000_000), Step.lock(A), Step.unlock(A), Step.unlock(B));
        Simulation.Result result = sim.run(1_000);
        DeadlockReport report = assertInstanceOf(Decision.Deadlock.class, result.last()).report();
        assertEquals(2, report.waiters().size());
        assertEquals(new WaitCondition.FutexWait(FutexKey.privateTo(Simulation.PROCESS, B), Futex.FUTEX_BITSET_MATCH_ANY),
                report.conditionOf(ThreadId.of(1)));
        assertEquals(new WaitCondition.FutexWait(FutexKey.privateTo(Simulation.PROCESS, A), Futex.FUTEX_BITSET_MATCH_ANY),
                report.conditionOf(ThreadId.of(2)));
        String text = report.toString();
        assertTrue(text.contains("thread 1 of process 1: wait on futex 0x2000 (private to process 1)"), text);
        assertTrue(text.contains("thread 2 of process 1: wait on futex 0x1000 (private to process 1)"), text);
        assertEquals(report.now(), result.endTime());
    }

    @Test
    void aThreadWaitingForAChildThatNeverExitsIsReported() {
        Scheduler s = Scheduler.deterministic();
        ProcessId parent = ProcessId.of(1), child = ProcessId.of(2);
        s.spawn(ThreadId.of(1), parent);
        s.spawn(ThreadId.of(2), child);
        s.next();
        s.block(ThreadId.of(1), WaitCondition.ChildExit.of(child), Deadline.NONE);
        s.next();
        s.block(ThreadId.of(2), WaitCondition.Readiness.of(child, 0, Poll.POLLIN), Deadline.NONE);
        DeadlockReport report = assertInstanceOf(Decision.Deadlock.class, s.next()).report();
        assertEquals(List.of(
                new DeadlockReport.Waiter(ThreadId.of(1), parent, WaitCondition.ChildExit.of(child)),
                new DeadlockReport.Waiter(ThreadId.of(2), child, WaitCondition.Readiness.of(child, 0, 1))),
                report.waiters());
        assertTrue(report.toString().contains("thread 1 of process 1: wait for child process 2 to exit"));
        assertTrue(report.toString().contains("thread 2 of process 2: wait for fd 0 readable of process 2"));
        assertInstanceOf(Decision.Deadlock.class, s.next(), "a deadlock stays a deadlock");
    }

    @Test
    void aPendingDeadlineIsNotADeadlock() {
        Scheduler s = Scheduler.deterministic();
        s.spawn(ThreadId.of(1), ProcessId.of(1));
        s.spawn(ThreadId.of(2), ProcessId.of(1));
        s.next();
        s.block(ThreadId.of(1), WaitCondition.Signal.any(), Deadline.NONE);
        s.next();
        s.block(ThreadId.of(2), WaitCondition.Signal.any(), Deadline.at(10_000_000));
        assertInstanceOf(Decision.AdvanceClock.class, s.next());
        assertInstanceOf(Decision.Run.class, s.next());
        s.exited(ThreadId.of(2));
        DeadlockReport report = assertInstanceOf(Decision.Deadlock.class, s.next()).report();
        assertEquals(1, report.waiters().size());
        assertTrue(report.toString().contains("wait for any signal"));
    }
}
