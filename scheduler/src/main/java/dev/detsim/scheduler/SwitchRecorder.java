package dev.detsim.scheduler;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs another policy and writes down where it switched: each decision whose choice differs from what
 * {@link Continuation} expects. {@link ScriptedPolicy} given {@link #script()} makes the same choices.
 */
public final class SwitchRecorder implements SchedulingPolicy {
    private final SchedulingPolicy policy;
    private final Continuation continuation = new Continuation();
    private final List<ScheduleScript.Switch> switches = new ArrayList<>();
    private long decisions;

    public SwitchRecorder(SchedulingPolicy policy) {
        this.policy = policy;
    }

    @Override
    public ThreadId choose(SchedulingPoint point) {
        ThreadId expected = continuation.expected(point);
        ThreadId chosen = policy.choose(point);
        if (!chosen.equals(expected)) switches.add(new ScheduleScript.Switch(decisions, chosen));
        continuation.chose(chosen);
        decisions++;
        return chosen;
    }

    /** The switches so far. */
    public ScheduleScript script() {
        return new ScheduleScript(switches);
    }

    @Override
    public String describe() {
        return policy.describe();
    }
}
