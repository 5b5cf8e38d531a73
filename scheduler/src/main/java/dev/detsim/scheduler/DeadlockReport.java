package dev.detsim.scheduler;

import java.util.List;
import java.util.stream.Collectors;

/** Who waits on what when nothing can run any more; what a user needs to see to find the bug. */
public record DeadlockReport(long now, List<Waiter> waiters) {
    /** One blocked thread and what it waits on. */
    public record Waiter(ThreadId thread, ProcessId process, WaitCondition condition) {
        @Override
        public String toString() {
            return thread + " of " + process + ": " + condition.describe();
        }
    }

    public DeadlockReport {
        waiters = List.copyOf(waiters);
    }

    /** What thread waits on, or null if it is not in the report. */
    public WaitCondition conditionOf(ThreadId thread) {
        return waiters.stream().filter(w -> w.thread.equals(thread)).map(Waiter::condition).findFirst().orElse(null);
    }

    @Override
    public String toString() {
        return waiters.stream().map(Waiter::toString)
                .collect(Collectors.joining("\n  ", "deadlock at " + now + " ns; every live thread waits:\n  ", ""));
    }
}
