package dev.detsim.scheduler;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Seeded exploration of interleavings, after PCT (Burckhardt et al., "A Randomized Scheduler with
 * Probabilistic Guarantees of Finding Bugs", ASPLOS 2010). Every thread gets a random distinct priority when
 * first seen runnable; the highest-priority runnable thread always runs. At depth-1 change points, turn
 * numbers drawn from [1, horizon], the thread whose turn just ended drops below every initial priority (the
 * i-th change point to priority i, as in the paper), which is what exposes bugs needing a few ordering
 * constraints. A thread that yields or is preempted by the watchdog drops to the lowest priority, so a
 * spin-wait cannot starve the thread it waits for. And a runnable thread that has waited
 * {@link Aging#STARVATION_TURNS} turns is raised above everyone (aging).
 *
 * <p>Same seed and same events give the same choices; different seeds give different priorities and
 * change points.
 */
public final class PctPolicy implements SchedulingPolicy {
    /** Initial priorities lie in [2^32, 2^62); change-point priorities are 1..depth-1; demoted threads below 1. */
    private static final long INITIAL_FLOOR = 1L << 32, INITIAL_CEILING = 1L << 62;

    private final int depth;
    private final long horizon;
    private final SplitMix64 random;
    private final long[] changePoints;
    private final Map<ThreadId, Long> priorities = new HashMap<>();
    private final Set<Long> used = new HashSet<>();
    private final Aging aging = new Aging();
    private long lowest = 1;
    private long highest = INITIAL_CEILING;

    public PctPolicy(long seed, int depth, long horizon) {
        if (depth < 1) throw new IllegalArgumentException("depth must be at least 1, got " + depth);
        if (horizon < depth - 1) throw new IllegalArgumentException("horizon " + horizon + " too short for depth " + depth);
        this.depth = depth;
        this.horizon = horizon;
        this.random = new SplitMix64(seed);
        Set<Long> points = new HashSet<>();
        while (points.size() < depth - 1) points.add(1 + random.nextLong(horizon));
        this.changePoints = points.stream().mapToLong(Long::longValue).sorted().toArray();
    }

    @Override
    public ThreadId choose(SchedulingPoint point) {
        for (ThreadId t : point.runnable()) priorities.computeIfAbsent(t, k -> freshPriority());
        point.previous().ifPresent(p -> {
            int change = Arrays.binarySearch(changePoints, point.turn());
            if (point.how() == TurnEnd.YIELDED || point.how() == TurnEnd.PREEMPTED) {
                priorities.put(p, --lowest);
            } else if (change >= 0 && point.how() != TurnEnd.NONE && point.how() != TurnEnd.RETRY_FAILED) {
                priorities.put(p, change + 1L);
            }
        });
        ThreadId starved = aging.starved(point);
        if (starved != null) priorities.put(starved, ++highest);
        ThreadId best = null;
        for (ThreadId t : point.runnable()) {
            if (best == null || priorities.get(t) > priorities.get(best)) best = t;
        }
        return aging.ran(best);
    }

    /** A priority no other thread has, uniformly placed among the initial ones. */
    private long freshPriority() {
        long p;
        do p = INITIAL_FLOOR + random.nextLong(INITIAL_CEILING - INITIAL_FLOOR);
        while (!used.add(p));
        return p;
    }

    /** The turns at which the running thread's priority drops, ascending. */
    long[] changePoints() {
        return changePoints.clone();
    }

    @Override
    public String describe() {
        return ChaosKind.PCT.spec(depth, horizon);
    }
}
