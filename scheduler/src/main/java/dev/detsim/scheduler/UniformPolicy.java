package dev.detsim.scheduler;

import java.util.List;

/**
 * A uniformly random runnable thread at every point: the most switches any policy makes, which splits even a
 * window one syscall wide in a fair share of seeds. A thread that yields or is preempted by the watchdog is
 * passed over for that point when another can run (a spin-wait must let the thread it waits for go), and a
 * thread left waiting {@link Aging#STARVATION_TURNS} turns runs next.
 */
public final class UniformPolicy implements SchedulingPolicy {
    private final SplitMix64 random;
    private final Aging aging = new Aging();

    public UniformPolicy(long seed) {
        this.random = new SplitMix64(seed);
    }

    @Override
    public ThreadId choose(SchedulingPoint point) {
        ThreadId starved = aging.starved(point);
        if (starved != null) return aging.ran(starved);
        ThreadId passedOver = stepsAside(point) ? point.previous().orElseThrow() : null;
        return aging.ran(pickExcept(random, point.runnable(), passedOver));
    }

    /** Whether the thread whose turn ended asked (yield) or was made (watchdog) to let others go first. */
    static boolean stepsAside(SchedulingPoint point) {
        return point.previous().isPresent() && (point.how() == TurnEnd.YIELDED || point.how() == TurnEnd.PREEMPTED);
    }

    /** A uniformly random thread of runnable other than excluded (null: any); excluded itself if it is alone. */
    static ThreadId pickExcept(SplitMix64 random, List<ThreadId> runnable, ThreadId excluded) {
        int at = excluded == null ? -1 : runnable.indexOf(excluded);
        if (at < 0) return runnable.get(random.nextInt(runnable.size()));
        if (runnable.size() == 1) return excluded;
        int i = random.nextInt(runnable.size() - 1);
        return runnable.get(i < at ? i : i + 1);
    }

    @Override
    public String describe() {
        return ChaosKind.RANDOM.spec();
    }
}
