package dev.detsim.scheduler;

/**
 * Chooses which runnable thread runs next. An implementation must be a pure function of the points it has
 * been shown (and of its seed): no host time, no JDK randomness, no hash-order iteration. That is what makes
 * the same events give the same schedule.
 */
public interface SchedulingPolicy {
    /** One of point.runnable(). */
    ThreadId choose(SchedulingPoint point);

    /**
     * A name for logs and --stats: "deterministic(slice=8)" for the default; for a chaos policy its
     * {@link ChaosSpec} with every parameter, e.g. "pct:3:10000", which with the same seed repeats the schedule.
     */
    String describe();
}
