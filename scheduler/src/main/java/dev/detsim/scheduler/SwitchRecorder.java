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
    private ThreadId lastExpected;
    private boolean lastSwitched;

    public SwitchRecorder(SchedulingPolicy policy) {
        this.policy = policy;
    }

    @Override
    public ThreadId choose(SchedulingPoint point) {
        ThreadId expected = continuation.expected(point);
        ThreadId chosen = policy.choose(point);
        lastExpected = expected;
        lastSwitched = !chosen.equals(expected);
        if (lastSwitched) switches.add(new ScheduleScript.Switch(decisions, chosen));
        continuation.chose(chosen);
        decisions++;
        return chosen;
    }

    /** Whether the last choice was a switch: another thread than {@link #lastExpected()} runs. */
    public boolean lastSwitched() {
        return lastSwitched;
    }

    /** The thread the last choice would have run without a switch (null before the first choice). */
    public ThreadId lastExpected() {
        return lastExpected;
    }

    /** The index of the last choice (-1 before the first). */
    public long lastDecision() {
        return decisions - 1;
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
