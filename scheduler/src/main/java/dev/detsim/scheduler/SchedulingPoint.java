package dev.detsim.scheduler;

import java.util.List;
import java.util.Optional;

/**
 * What a policy sees when it must choose: only facts that follow from the guest's own actions, so a
 * policy cannot accidentally depend on anything else.
 *
 * @param runnable the threads it may choose from, in id order, never empty
 * @param previous the thread whose turn just ended, if any
 * @param how how that turn ended
 * @param turn how many turns have been charged so far (failed retries excluded)
 */
public record SchedulingPoint(List<ThreadId> runnable, Optional<ThreadId> previous, TurnEnd how, long turn) {
    public SchedulingPoint {
        runnable = List.copyOf(runnable);
        if (runnable.isEmpty()) throw new IllegalArgumentException("a scheduling point needs a runnable thread");
    }
}
