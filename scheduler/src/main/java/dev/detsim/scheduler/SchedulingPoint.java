package dev.detsim.scheduler;

import java.util.List;
import java.util.Optional;

/**
 * What a policy sees when it must choose: only facts that follow from the guest's own actions, so a
 * policy cannot accidentally depend on anything else.
 *
 * @param runnable the threads it may choose from, in id order, never empty: read-only, and valid only while the
 *     policy chooses (the scheduler refills it at the next decision; copy it to keep it)
 * @param previous the thread whose turn just ended, if any
 * @param how how that turn ended
 * @param turn how many turns have been charged so far (failed retries excluded)
 */
public record SchedulingPoint(List<ThreadId> runnable, Optional<ThreadId> previous, TurnEnd how, long turn) {
    public SchedulingPoint {
        if (runnable.isEmpty()) throw new IllegalArgumentException("a scheduling point needs a runnable thread");
    }
}
