package dev.detsim.scheduler;

import java.util.List;

/**
 * The schedule with no switch asked for: the thread that ran last keeps running while it can; when it
 * blocks, exits, yields or is preempted, the next runnable thread after it by id goes; and a thread left
 * waiting {@link Aging#STARVATION_TURNS} turns runs next. A schedule is then the list of decisions that
 * differ from this ({@link ScheduleScript}): what {@link SwitchRecorder} writes down and {@link ScriptedPolicy}
 * follows. Both must see every point and every choice, in order, to agree on what "no switch" means.
 */
final class Continuation {
    private final Aging aging = new Aging();
    private ThreadId last;

    /** The thread that runs at this point if no switch is asked for. */
    ThreadId expected(SchedulingPoint point) {
        List<ThreadId> runnable = point.runnable();
        ThreadId starved = aging.starved(point);
        if (starved != null) return starved;
        boolean givesWay = point.how() == TurnEnd.YIELDED || point.how() == TurnEnd.PREEMPTED;
        if (last != null && runnable.contains(last) && !(givesWay && runnable.size() > 1)) return last;
        if (last == null) return runnable.getFirst();
        for (ThreadId t : runnable) if (t.compareTo(last) > 0) return t;
        return runnable.getFirst();
    }

    /** The thread that was chosen at the point just asked about. */
    void chose(ThreadId thread) {
        last = aging.ran(thread);
    }
}
