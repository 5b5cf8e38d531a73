package dev.detsim.scheduler;

import java.util.List;

/**
 * Follows a {@link ScheduleScript}: at a listed decision the listed thread runs, if it can; everywhere else
 * the thread {@link Continuation} expects. A switch to a thread that cannot run is skipped, so a shortened
 * or edited script still gives a schedule (that is what shrinking needs), just another one.
 */
public final class ScriptedPolicy implements SchedulingPolicy {
    private final List<ScheduleScript.Switch> switches;
    private final Continuation continuation = new Continuation();
    private long decisions;
    private int next;

    public ScriptedPolicy(ScheduleScript script) {
        this.switches = script.switches();
    }

    @Override
    public ThreadId choose(SchedulingPoint point) {
        ThreadId chosen = continuation.expected(point);
        if (next < switches.size() && switches.get(next).decision() == decisions) {
            ThreadId asked = switches.get(next++).thread();
            if (point.runnable().contains(asked)) chosen = asked;
        }
        continuation.chose(chosen);
        decisions++;
        return chosen;
    }

    @Override
    public String describe() {
        return "script(" + switches.size() + " switches)";
    }
}
