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
 * spin-wait cannot starve the thread it waits for. And a runnable thread that has not run for
 * {@link #STARVATION_TURNS} turns is raised above everyone (aging): without it, threads that loop on timed
 * waits keep timing out at the top priority and the thread they wait for never runs.
 *
 * <p>Same seed and same events give the same choices; different seeds give different priorities and
 * change points.
 */
public final class ChaosPolicy implements SchedulingPolicy {
    public static final int DEFAULT_DEPTH = 3;
    /** Change points fall among the first 10,000 turns, where short tests and start-up races happen. */
    public static final long DEFAULT_HORIZON = 10_000;
    /** How long a runnable thread may wait before it is raised to the top. */
    public static final long STARVATION_TURNS = 1_000;
    /** Initial priorities lie in [2^32, 2^62); change-point priorities are 1..depth-1; demoted threads below 1. */
    private static final long INITIAL_FLOOR = 1L << 32, INITIAL_CEILING = 1L << 62;

    private final long seed;
    private final int depth;
    private final long horizon;
    private final SplitMix64 random;
    private final long[] changePoints;
    private final Map<ThreadId, Long> priorities = new HashMap<>();
    private final Set<Long> used = new HashSet<>();
    private final Map<ThreadId, Long> runnableSince = new HashMap<>();
    private long lowest = 1;
    private long highest = INITIAL_CEILING;

    public ChaosPolicy(long seed) {
        this(seed, DEFAULT_DEPTH, DEFAULT_HORIZON);
    }

    public ChaosPolicy(long seed, int depth, long horizon) {
        if (depth < 1) throw new IllegalArgumentException("depth must be at least 1, got " + depth);
        if (horizon < depth - 1) throw new IllegalArgumentException("horizon " + horizon + " too short for depth " + depth);
        this.seed = seed;
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
        raiseStarved(point);
        ThreadId best = null;
        for (ThreadId t : point.runnable()) {
            if (best == null || priorities.get(t) > priorities.get(best)) best = t;
        }
        runnableSince.remove(best);
        return best;
    }

    /** Raises the longest-waiting runnable thread to the top if it has waited STARVATION_TURNS or more. */
    private void raiseStarved(SchedulingPoint point) {
        runnableSince.keySet().retainAll(point.runnable());
        ThreadId starved = null;
        for (ThreadId t : point.runnable()) {
            long since = runnableSince.computeIfAbsent(t, k -> point.turn());
            if (point.turn() - since >= STARVATION_TURNS && (starved == null || since < runnableSince.get(starved))) {
                starved = t;
            }
        }
        if (starved != null) priorities.put(starved, ++highest);
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
        return "chaos(seed=" + seed + ",depth=" + depth + ",horizon=" + horizon + ")";
    }
}
