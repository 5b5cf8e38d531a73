package dev.detsim.scheduler;

/**
 * The thread that ran keeps running with probability 1 - 1/meanRun at each point where it could; otherwise,
 * or when it blocked, a uniformly random other runnable thread goes. Its runs are geometric with mean
 * meanRun turns: long enough to finish a short critical section in most seeds, short enough to split one in
 * some. Yielding, a watchdog preemption and starvation are handled as in {@link UniformPolicy}.
 */
public final class StickyPolicy implements SchedulingPolicy {
    private final SplitMix64 random;
    private final int meanRun;
    private final Aging aging = new Aging();

    public StickyPolicy(long seed, int meanRun) {
        if (meanRun < 1) throw new IllegalArgumentException("the mean run must be at least one turn, got " + meanRun);
        this.random = new SplitMix64(seed);
        this.meanRun = meanRun;
    }

    @Override
    public ThreadId choose(SchedulingPoint point) {
        ThreadId starved = aging.starved(point);
        if (starved != null) return aging.ran(starved);
        ThreadId previous = point.previous().orElse(null);
        boolean mayStay = point.how() == TurnEnd.STOPPED && previous != null && point.runnable().contains(previous);
        if (mayStay && random.nextLong(meanRun) != 0) return aging.ran(previous);
        return aging.ran(UniformPolicy.pickExcept(random, point.runnable(), previous));
    }

    @Override
    public String describe() {
        return ChaosKind.STICKY.spec(meanRun);
    }
}
