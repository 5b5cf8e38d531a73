package dev.detsim.scheduler;

/**
 * Chooses which runnable thread runs next. An implementation must be a pure function of the points it has
 * been shown (and of its seed): no host time, no JDK randomness, no hash-order iteration. That is what makes
 * the same events give the same schedule.
 */
public interface SchedulingPolicy {
    /** One of point.runnable(). */
    ThreadId choose(SchedulingPoint point);

    /** A name for logs and recordings, e.g. "deterministic(slice=8)" or "chaos(seed=42,depth=3)". */
    String describe();
}
