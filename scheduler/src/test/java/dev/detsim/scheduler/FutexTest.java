package dev.detsim.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.detsim.abi.Futex;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Futex emulation, against Linux's semantics (kernel/futex/waitwake.c and requeue.c). */
class FutexTest {
    static final ProcessId P = ProcessId.of(1), Q = ProcessId.of(2);
    static final FutexKey A = FutexKey.privateTo(P, 0x1000), B = FutexKey.privateTo(P, 0x2000);
    /** The thread that wakes the others. */
    static final ThreadId WAKER = ThreadId.of(1);

    final Scheduler s = Scheduler.deterministic();

    /** Spawns the waker and n waiters, and parks each waiter on key in id order (FIFO order = 2, 3, ...). */
    List<ThreadId> waiters(int n, FutexKey key, int... bitsets) {
        s.spawn(WAKER, P);
        List<ThreadId> ids = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            ThreadId t = ThreadId.of(i + 2);
            s.spawn(t, key.isPrivate() ? key.addressSpace() : P);
            ids.add(t);
        }
        for (int i = 0; i < n; i++) {
            runOnly(ids.get(i));
            int bitset = bitsets.length > i ? bitsets[i] : Futex.FUTEX_BITSET_MATCH_ANY;
            assertInstanceOf(FutexOutcome.Blocked.class,
                    s.futex(ids.get(i), new FutexOp.Wait(key, true, bitset, Deadline.NONE)));
        }
        runOnly(WAKER);
        return ids;
    }

    /** Spawns the waker and thread 2 of process P, and makes thread 2 the running one. */
    ThreadId besideTheWaker() {
        s.spawn(WAKER, P);
        ThreadId t = ThreadId.of(2);
        s.spawn(t, P);
        runOnly(t);
        return t;
    }

    /** Makes t the running thread by ending turns until the policy picks it. */
    void runOnly(ThreadId t) {
        for (int i = 0; i < 100; i++) {
            if (s.running().filter(t::equals).isPresent()) return;
            s.next();
        }
        throw new AssertionError(t + " never ran");
    }

    long completed(FutexOutcome o) {
        return assertInstanceOf(FutexOutcome.Completed.class, o).returnValue();
    }

    List<ThreadId> runnable() {
        return s.threads().stream().filter(t -> s.state(t) == ThreadState.RUNNABLE).toList();
    }

    @Test
    void wakeTakesWaitersInArrivalOrderAndReturnsTheCount() {
        List<ThreadId> w = waiters(4, A);
        assertEquals(w, s.futexWaiters(A));
        assertEquals(2, completed(s.futex(WAKER, new FutexOp.Wake(A, 2))));
        assertEquals(w.subList(0, 2), runnable());
        assertEquals(w.subList(2, 4), s.futexWaiters(A));
        assertEquals(2, completed(s.futex(WAKER, new FutexOp.Wake(A, Integer.MAX_VALUE))));
        assertEquals(0, completed(s.futex(WAKER, new FutexOp.Wake(A, 1))), "nobody left to wake");
    }

    @Test
    void aQueueEmptiedAndDroppedHoldsNobodyWhenTheNextFutexReusesIt() {
        List<ThreadId> w = waiters(2, A);
        assertEquals(2, completed(s.futex(WAKER, new FutexOp.Wake(A, 2)))); // A's queue is empty and dropped
        runOnly(w.get(0));
        assertInstanceOf(FutexOutcome.Blocked.class, s.futex(w.get(0), new FutexOp.Wait(B, true, Deadline.NONE)));
        assertEquals(List.of(w.get(0)), s.futexWaiters(B));
        assertEquals(List.of(), s.futexWaiters(A));
        runOnly(w.get(1));
        assertInstanceOf(FutexOutcome.Blocked.class, s.futex(w.get(1), new FutexOp.Wait(A, true, Deadline.NONE)));
        s.interrupt(w.get(1)); // taken off A by a signal: A empties again
        assertEquals(List.of(), s.futexWaiters(A));
        assertEquals(List.of(w.get(0)), s.futexWaiters(B));
        runOnly(WAKER);
        assertEquals(0, completed(s.futex(WAKER, new FutexOp.Wake(A, 1))));
        assertEquals(1, completed(s.futex(WAKER, new FutexOp.Wake(B, 1))));
    }

    @Test
    void aWokenWaiterResumesWithZero() {
        List<ThreadId> w = waiters(1, A);
        s.futex(WAKER, new FutexOp.Wake(A, 1));
        s.exited(WAKER);
        Decision.Run run = assertInstanceOf(Decision.Run.class, s.next());
        assertEquals(w.getFirst(), run.thread());
        WakeUp wake = run.wakeUp().orElseThrow();
        assertEquals(WakeUp.Cause.WOKEN, wake.cause());
        assertEquals(new WaitCondition.FutexWait(A, Futex.FUTEX_BITSET_MATCH_ANY), wake.condition());
        assertEquals(OptionalLong.of(0), wake.syscallReturn());
    }

    @Test
    void aWaiterWokenByItselfLeavesItsPlaceAndReturnsZero() {
        List<ThreadId> w = waiters(3, A);
        assertTrue(s.waitsOnFutex(w.get(1), A));
        assertTrue(!s.waitsOnFutex(w.get(1), B), "it waits on A, not B");
        assertTrue(s.wakeFutexWaiter(w.get(1)), "the middle of the queue, not its head");
        assertEquals(List.of(w.get(1)), runnable());
        assertEquals(List.of(w.get(0), w.get(2)), s.futexWaiters(A));
        assertTrue(!s.waitsOnFutex(w.get(1), A));
        assertTrue(!s.wakeFutexWaiter(w.get(1)), "no longer waiting: nothing changes");
        assertTrue(!s.wakeFutexWaiter(WAKER), "the running thread waits on nothing");
        s.exited(WAKER);
        Decision.Run run = assertInstanceOf(Decision.Run.class, s.next());
        assertEquals(w.get(1), run.thread());
        assertEquals(OptionalLong.of(0), run.wakeUp().orElseThrow().syscallReturn());
        assertEquals(1, completed(s.futex(w.get(1), new FutexOp.Wake(A, 1))), "the others are still queued");
        assertEquals(List.of(w.get(2)), s.futexWaiters(A));
    }

    @Test
    void onlyFutexWaitsAreWokenByThemselves() {
        ThreadId sleeper = besideTheWaker();
        s.block(sleeper, new WaitCondition.Sleep(), Deadline.at(1_000_000));
        assertTrue(!s.waitsOnFutex(sleeper, A));
        assertTrue(!s.wakeFutexWaiter(sleeper), "a sleep is not a futex wait");
        assertEquals(ThreadState.BLOCKED, s.state(sleeper));
    }

    @Test
    void aZeroWakeCountStillWakesOneAsInLinux() {
        waiters(2, A);
        assertEquals(1, completed(s.futex(WAKER, new FutexOp.Wake(A, 0))));
        assertEquals(1, completed(s.futex(WAKER, new FutexOp.Wake(A, -5))));
    }

    @Test
    void aValueMismatchIsEagainAndTheCallerKeepsRunning() {
        s.spawn(WAKER, P);
        s.next();
        assertEquals(-11, completed(s.futex(WAKER, new FutexOp.Wait(A, false, Deadline.NONE))));
        assertEquals(ThreadState.RUNNING, s.state(WAKER));
        assertEquals(List.of(), s.futexWaiters(A));
    }

    @Test
    void argumentErrorsAreEinval() {
        s.spawn(WAKER, P);
        s.next();
        FutexKey unaligned = FutexKey.privateTo(P, 0x1002);
        assertEquals(-22, completed(s.futex(WAKER, new FutexOp.Wait(A, true, 0, Deadline.NONE))));
        assertEquals(-22, completed(s.futex(WAKER, new FutexOp.Wait(unaligned, true, Deadline.NONE))));
        assertEquals(-22, completed(s.futex(WAKER, new FutexOp.Wake(A, 1, 0))));
        assertEquals(-22, completed(s.futex(WAKER, new FutexOp.Wake(unaligned, 1))));
        assertEquals(-22, completed(s.futex(WAKER, new FutexOp.Requeue(A, -1, B, 1))));
        assertEquals(-22, completed(s.futex(WAKER, new FutexOp.Requeue(A, 1, B, -1, false))), "EINVAL before EAGAIN");
        assertEquals(-22, completed(s.futex(WAKER, new FutexOp.WakeOp(A, 1, unaligned, 1, true))));
        assertEquals(ThreadState.RUNNING, s.state(WAKER));
    }

    @Test
    void bitsetsSelectWaitersAndSkipTheOthersWithoutLosingTheirPlace() {
        List<ThreadId> w = waiters(4, A, 0b01, 0b10, 0b11, 0b10);
        assertEquals(2, completed(s.futex(WAKER, new FutexOp.Wake(A, 5, 0b01))));
        assertEquals(List.of(w.get(0), w.get(2)), runnable());
        assertEquals(List.of(w.get(1), w.get(3)), s.futexWaiters(A));
        assertEquals(1, completed(s.futex(WAKER, new FutexOp.Wake(A, 1, 0b10))));
        assertEquals(List.of(w.get(3)), s.futexWaiters(A));
        assertEquals(0, completed(s.futex(WAKER, new FutexOp.Wake(A, 1, 0b100))));
    }

    @Test
    void privateFutexesAreKeyedByProcessAndSharedOnesByAddress() {
        FutexKey inQ = FutexKey.privateTo(Q, A.address());
        waiters(1, inQ);
        assertEquals(0, completed(s.futex(WAKER, new FutexOp.Wake(A, 1))), "same address, other process");
        assertEquals(0, completed(s.futex(WAKER, new FutexOp.Wake(FutexKey.shared(A.address()), 1))));
        assertEquals(1, completed(s.futex(WAKER, new FutexOp.Wake(inQ, 1))));
    }

    @ParameterizedTest(name = "requeue wake {0} move {1} of 5: woken {2}, moved {3}")
    @CsvSource({"1,2,1,2", "0,3,0,3", "2,0,2,0", "1,100,1,4", "5,5,5,0", "0,0,0,0"})
    void requeueWakesThenMovesAndReturnsTheTotal(int wake, int move, int woken, int moved) {
        List<ThreadId> w = waiters(5, A);
        List<ThreadId> before = s.futexWaiters(B);
        assertEquals(woken + moved, completed(s.futex(WAKER, new FutexOp.Requeue(A, wake, B, move))));
        assertEquals(w.subList(0, woken), runnable());
        assertEquals(w.subList(woken, woken + moved), s.futexWaiters(B).subList(before.size(), s.futexWaiters(B).size()));
        assertEquals(w.subList(woken + moved, 5), s.futexWaiters(A));
        for (ThreadId t : w.subList(woken, woken + moved)) {
            assertEquals(new WaitCondition.FutexWait(B, Futex.FUTEX_BITSET_MATCH_ANY), s.waitingOn(t).orElseThrow());
        }
    }

    @Test
    void requeuedWaitersGoBehindThoseAlreadyThereAndCanBeWokenThere() {
        s.spawn(WAKER, P);
        ThreadId x = ThreadId.of(2), y = ThreadId.of(3), z = ThreadId.of(4);
        s.spawn(x, P);
        s.spawn(y, P);
        s.spawn(z, P);
        runOnly(x);
        s.futex(x, new FutexOp.Wait(B, true, Deadline.NONE));
        runOnly(y);
        s.futex(y, new FutexOp.Wait(A, true, Deadline.NONE));
        runOnly(z);
        s.futex(z, new FutexOp.Wait(A, true, Deadline.NONE));
        runOnly(WAKER);
        assertEquals(2, completed(s.futex(WAKER, new FutexOp.Requeue(A, 0, B, 2))));
        assertEquals(List.of(x, y, z), s.futexWaiters(B));
        assertEquals(2, completed(s.futex(WAKER, new FutexOp.Wake(B, 2))));
        assertEquals(List.of(x, y), runnable());
    }

    @Test
    void cmpRequeueWithAChangedValueIsEagainAndMovesNobody() {
        List<ThreadId> w = waiters(3, A);
        assertEquals(-11, completed(s.futex(WAKER, new FutexOp.Requeue(A, 1, B, 2, false))));
        assertEquals(w, s.futexWaiters(A));
        assertEquals(3, completed(s.futex(WAKER, new FutexOp.Requeue(A, 1, B, 2, true))));
        assertEquals(w.subList(1, 3), s.futexWaiters(B));
    }

    @Test
    void requeueOntoItselfMovesTheHeadToTheTailOnce() {
        List<ThreadId> w = waiters(3, A);
        assertEquals(2, completed(s.futex(WAKER, new FutexOp.Requeue(A, 0, A, 2))));
        assertEquals(List.of(w.get(2), w.get(0), w.get(1)), s.futexWaiters(A));
    }

    @Test
    void wakeOpWakesTheSecondFutexOnlyWhenTheComparisonHeld() {
        s.spawn(WAKER, P);
        for (int i = 2; i <= 7; i++) s.spawn(ThreadId.of(i), P);
        for (int i = 2; i <= 7; i++) {
            runOnly(ThreadId.of(i));
            s.futex(ThreadId.of(i), new FutexOp.Wait(i <= 4 ? A : B, true, Deadline.NONE));
        }
        runOnly(WAKER);
        assertEquals(1, completed(s.futex(WAKER, new FutexOp.WakeOp(A, 1, B, 2, false))));
        assertEquals(List.of(ThreadId.of(2)), runnable());
        assertEquals(3, s.futexWaiters(B).size());
        assertEquals(3, completed(s.futex(WAKER, new FutexOp.WakeOp(A, 1, B, 2, true))));
        assertEquals(List.of(ThreadId.of(2), ThreadId.of(3), ThreadId.of(5), ThreadId.of(6)), runnable());
        assertEquals(List.of(ThreadId.of(4)), s.futexWaiters(A));
        assertEquals(List.of(ThreadId.of(7)), s.futexWaiters(B));
    }

    @Test
    void aTimeoutWakesAtTheDeadlineWithEtimedoutAndTheClockJumpsExactlyThere() {
        ThreadId w = besideTheWaker();
        long start = s.now();
        s.futex(w, new FutexOp.Wait(A, true, Deadline.after(start, 5_000_000)));
        runOnly(WAKER);
        ThreadId late = ThreadId.of(3);
        s.spawn(late, P);
        runOnly(late);
        s.futex(late, new FutexOp.Wait(B, true, Deadline.after(start, 9_000_000)));
        s.exited(WAKER);
        assertEquals(new Decision.AdvanceClock(start + 5_000_000, List.of(w)), s.next());
        assertEquals(start + 5_000_000, s.now());
        Decision.Run run = assertInstanceOf(Decision.Run.class, s.next());
        assertEquals(w, run.thread());
        assertEquals(WakeUp.Cause.DEADLINE_PASSED, run.wakeUp().orElseThrow().cause());
        assertEquals(OptionalLong.of(-110), run.wakeUp().orElseThrow().syscallReturn());
        assertEquals(List.of(), s.futexWaiters(A), "a timed-out waiter leaves the queue");
        s.exited(w);
        assertEquals(new Decision.AdvanceClock(start + 9_000_000, List.of(late)), s.next());
    }

    @Test
    void deadlinesPassWhileOthersRunAndWakeAtTheNextSchedulingPoint() {
        s.spawn(WAKER, P);
        ThreadId w = ThreadId.of(2);
        s.spawn(w, P);
        runOnly(w);
        s.futex(w, new FutexOp.Wait(A, true, Deadline.after(s.now(), 3_000)));
        long start = s.now();
        runOnly(WAKER); // w's blocking turn is charged here: +1 µs
        assertEquals(start + 1_000, s.now());
        s.next(); // +2 µs
        assertEquals(ThreadState.BLOCKED, s.state(w));
        s.next(); // +3 µs: the deadline is reached
        assertEquals(ThreadState.RUNNABLE, s.state(w));
        assertEquals(WAKER, s.running().orElseThrow(), "the woken waiter waits for its turn");
    }

    @Test
    void anAlreadyPassedDeadlineTimesOutAtOnce() {
        s.spawn(WAKER, P);
        s.next();
        s.next();
        assertEquals(-110, completed(s.futex(WAKER, new FutexOp.Wait(A, true, Deadline.at(s.now())))));
        assertEquals(-11, completed(s.futex(WAKER, new FutexOp.Wait(A, false, Deadline.at(0)))), "value check first");
    }

    @Test
    void aSignalInterruptsAFutexWaitWithEintr() {
        List<ThreadId> w = waiters(2, A);
        assertTrue(s.interrupt(w.get(0)));
        assertEquals(List.of(w.get(1)), s.futexWaiters(A));
        s.exited(WAKER);
        Decision.Run run = assertInstanceOf(Decision.Run.class, s.next());
        assertEquals(w.get(0), run.thread());
        assertEquals(OptionalLong.of(-4), run.wakeUp().orElseThrow().syscallReturn());
    }

    @Test
    void aWakerNeedNotBeRunningForTheExitWakeOfClearChildTid() {
        List<ThreadId> w = waiters(1, A);
        ThreadId exiting = ThreadId.of(9);
        s.spawn(exiting, P);
        assertEquals(1, completed(s.futex(exiting, new FutexOp.Wake(A, 1))));
        s.exited(exiting);
        assertEquals(ThreadState.RUNNABLE, s.state(w.getFirst()));
    }
}
