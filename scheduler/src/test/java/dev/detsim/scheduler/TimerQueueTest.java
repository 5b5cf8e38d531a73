package dev.detsim.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Timers owned by processes: ordered by expiry then key, and counted as deadlines when every thread waits. */
class TimerQueueTest {
    static final ProcessId P1 = ProcessId.of(1), P2 = ProcessId.of(2);
    static final TimerKey ALARM_1 = new TimerKey(P1, "itimer", 0), POSIX_1 = new TimerKey(P1, "posix", 0),
            ALARM_2 = new TimerKey(P2, "itimer", 0);

    private static List<TimerKey> keys(List<TimerQueue.Expired> expired) {
        return expired.stream().map(TimerQueue.Expired::key).toList();
    }

    @Test
    void expiredTimersComeEarliestFirstThenInKeyOrder() {
        TimerQueue q = new TimerQueue();
        q.arm(ALARM_2, 50);
        q.arm(POSIX_1, 50);
        q.arm(ALARM_1, 70);
        assertEquals(OptionalLong.of(50), q.earliest());
        assertEquals(List.of(), keys(q.takeExpired(49)));
        assertEquals(List.of(new TimerQueue.Expired(POSIX_1, 50), new TimerQueue.Expired(ALARM_2, 50)), q.takeExpired(60),
                "same expiry: process 1 before process 2, each with the expiry it was armed for");
        assertEquals(List.of(ALARM_1), keys(q.takeExpired(1_000)));
        assertTrue(q.isEmpty());
    }

    @Test
    void reArmingReplacesAndDisarmingForgets() {
        TimerQueue q = new TimerQueue();
        q.arm(ALARM_1, 100);
        q.arm(ALARM_1, 30);
        assertEquals(OptionalLong.of(30), q.expiry(ALARM_1));
        assertEquals(List.of(new TimerQueue.Expired(ALARM_1, 30)), q.takeExpired(100), "one timer, armed once");
        q.arm(ALARM_1, 10);
        assertTrue(q.disarm(ALARM_1));
        assertFalse(q.disarm(ALARM_1));
        assertEquals(OptionalLong.empty(), q.expiry(ALARM_1));
        assertThrows(IllegalArgumentException.class, () -> q.arm(ALARM_1, -1));
    }

    @Test
    void disarmAllTakesAProcessOrOneFamilyOfIt() {
        TimerQueue q = new TimerQueue();
        q.arm(ALARM_1, 10);
        q.arm(POSIX_1, 20);
        q.arm(ALARM_2, 30);
        assertEquals(1, q.disarmAll(P1, "posix"));
        assertEquals(OptionalLong.of(10), q.expiry(ALARM_1));
        assertEquals(1, q.disarmAll(P1));
        assertEquals(List.of(ALARM_2), keys(q.takeExpired(Long.MAX_VALUE)));
    }

    @Test
    void aThreadWaitingForItsAlarmIsNotDeadlockedTheClockJumpsToTheTimer() {
        Scheduler s = Scheduler.deterministic();
        s.spawn(ThreadId.of(1), P1);
        s.next();
        s.timers().arm(ALARM_1, 5_000_000_000L);
        s.block(ThreadId.of(1), WaitCondition.Signal.any(), Deadline.NONE);
        Decision.AdvanceClock jump = assertInstanceOf(Decision.AdvanceClock.class, s.next());
        assertEquals(5_000_000_000L, jump.now());
        assertEquals(List.of(), jump.woken(), "the timer woke no thread by itself: the tracer delivers its signal");
        assertEquals(List.of(ALARM_1), keys(s.timers().takeExpired(s.now())));
        // Nobody was interrupted (say the signal is blocked): now it is a deadlock.
        assertInstanceOf(Decision.Deadlock.class, s.next());
    }

    @Test
    void anEarlierSleepWinsOverALaterTimerAndViceVersa() {
        Scheduler s = Scheduler.deterministic();
        s.spawn(ThreadId.of(1), P1);
        s.next();
        long base = s.now();
        s.timers().arm(ALARM_1, base + 20_000_000);
        s.block(ThreadId.of(1), new WaitCondition.Sleep(), Deadline.at(base + 10_000_000));
        Decision.AdvanceClock first = assertInstanceOf(Decision.AdvanceClock.class, s.next());
        assertEquals(base + 10_000_000, first.now());
        assertEquals(List.of(ThreadId.of(1)), first.woken());
        assertInstanceOf(Decision.Run.class, s.next());
        s.block(ThreadId.of(1), new WaitCondition.Sleep(), Deadline.at(base + 1_000_000_000));
        Decision.AdvanceClock second = assertInstanceOf(Decision.AdvanceClock.class, s.next());
        assertEquals(base + 20_000_000, second.now(), "the timer is earlier than the second sleep");
        assertEquals(List.of(), second.woken());
    }

    @Test
    void aTimerThatExpiredDuringATurnDoesNotMoveTheClockBack() {
        Scheduler s = Scheduler.deterministic();
        s.spawn(ThreadId.of(1), P1);
        s.next();
        s.timers().arm(ALARM_1, 0);
        s.block(ThreadId.of(1), WaitCondition.Signal.any(), Deadline.NONE);
        long before = s.now();
        Decision.AdvanceClock jump = assertInstanceOf(Decision.AdvanceClock.class, s.next());
        assertTrue(jump.now() >= before);
        assertEquals(List.of(ALARM_1), keys(s.timers().takeExpired(s.now())));
    }
}
