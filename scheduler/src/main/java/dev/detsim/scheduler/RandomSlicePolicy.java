package dev.detsim.scheduler;

import java.util.List;

/**
 * Round-robin in thread-id order, as {@link DeterministicPolicy}, but each slice is drawn uniformly from
 * 1..maxSlice turns: every thread gets the CPU in turn, and where the switches fall differs from seed to
 * seed. Blocking, exiting, yielding or a watchdog preemption ends the slice at once; a thread left waiting
 * {@link Aging#STARVATION_TURNS} turns (many threads, long slices) runs next.
 */
public final class RandomSlicePolicy implements SchedulingPolicy {
    private final SplitMix64 random;
    private final int maxSlice;
    private final Aging aging = new Aging();
    private ThreadId last;
    private long left;

    public RandomSlicePolicy(long seed, int maxSlice) {
        if (maxSlice < 1) throw new IllegalArgumentException("the longest slice must be at least one turn, got " + maxSlice);
        this.random = new SplitMix64(seed);
        this.maxSlice = maxSlice;
    }

    @Override
    public ThreadId choose(SchedulingPoint point) {
        List<ThreadId> runnable = point.runnable();
        ThreadId starved = aging.starved(point);
        if (starved != null) return startSlice(starved);
        if (point.how() == TurnEnd.STOPPED && last != null && left > 0 && runnable.contains(last)) {
            left--;
            return aging.ran(last);
        }
        ThreadId next = runnable.getFirst();
        if (last != null) {
            for (ThreadId t : runnable) {
                if (t.compareTo(last) > 0) {
                    next = t;
                    break;
                }
            }
        }
        return startSlice(next);
    }

    private ThreadId startSlice(ThreadId thread) {
        last = thread;
        left = random.nextLong(maxSlice); // turns after this one
        return aging.ran(thread);
    }

    @Override
    public String describe() {
        return ChaosKind.SLICES.spec(maxSlice);
    }
}
