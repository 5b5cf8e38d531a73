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
     * Every live thread was blocked and some had deadlines: the clock has jumped to the earliest, and
     * these threads (id order) are runnable with {@link WakeUp.Cause#DEADLINE_PASSED}. Already done; the
     * tracer records it and calls next() again, which runs someone.
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
