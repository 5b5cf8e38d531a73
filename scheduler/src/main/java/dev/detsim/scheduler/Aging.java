package dev.detsim.scheduler;

import java.util.HashMap;
import java.util.Map;

/**
 * How long each runnable thread has waited for a turn, so that every chaos policy can bound it: a runnable
 * thread left waiting {@link #STARVATION_TURNS} turns or more must run next. Without the bound, threads that
 * loop on timed waits keep timing out and running, and the thread they wait for never does. The map is only
 * looked up, never iterated, so hash order cannot reach a choice.
 */
final class Aging {
    /** How long a runnable thread may wait before a chaos policy must run it. */
    static final long STARVATION_TURNS = 1_000;

    private final Map<ThreadId, Long> runnableSince = new HashMap<>();

    /** The longest-waiting runnable thread if it has waited STARVATION_TURNS or more, else null. */
    ThreadId starved(SchedulingPoint point) {
        runnableSince.keySet().retainAll(point.runnable());
        ThreadId starved = null;
        for (ThreadId t : point.runnable()) {
            long since = runnableSince.computeIfAbsent(t, k -> point.turn());
            if (point.turn() - since >= STARVATION_TURNS && (starved == null || since < runnableSince.get(starved))) {
                starved = t;
            }
        }
        return starved;
    }

    /** The policy chose thread: its wait is over. */
    ThreadId ran(ThreadId thread) {
        runnableSince.remove(thread);
        return thread;
    }
}
