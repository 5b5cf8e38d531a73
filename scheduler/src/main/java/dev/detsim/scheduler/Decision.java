package dev.detsim.scheduler;

import java.util.List;
import java.util.Optional;

/** The scheduler's answer to {@link Scheduler#next()}: what the tracer does now. */
public sealed interface Decision {
    /**
     * Resume this thread (now RUNNING). If it comes back from a wait, wakeUp says why: the tracer finishes
     * its pending syscall with {@link WakeUp#syscallReturn()}, or re-runs it when that is empty.
     */
    record Run(ThreadId thread, Optional<WakeUp> wakeUp) implements Decision {}

    /**
     * Every live thread was blocked and some had deadlines, or some timer was armed: the clock has jumped to
     * the earliest, and these threads (id order) are runnable with {@link WakeUp.Cause#DEADLINE_PASSED}. Already
     * done; the tracer records it, delivers the timers that have now expired ({@link TimerQueue#takeExpired})
     * and calls next() again. woken is empty when the jump was to a timer.
     */
    record AdvanceClock(long now, List<ThreadId> woken) implements Decision {
        public AdvanceClock {
            woken = List.copyOf(woken);
        }
    }

    /** Every live thread waits with no deadline: nothing can ever happen again. */
    record Deadlock(DeadlockReport report) implements Decision {}

    /** Every thread has exited. */
    record NothingLeft() implements Decision {}
}
