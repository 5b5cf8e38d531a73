package dev.detsim.sandbox.tracer.preemption;

/**
 * One thread's tick counter ({@link TickCounters}) and its approach to the boundary of its turn. The tracer
 * holds one per thread and reads it to choose how to resume the thread (run or single-step).
 */
public final class ThreadTicks {
    /** Its counter's descriptor, -1 without one. */
    int tickFd = -1;
    /** The tick of this turn at which it may be preempted next. */
    long tickTarget;
    /** Single-stepping toward tickTarget. */
    boolean tickStepping;
    /** A stop interrupted the stepping: aim again when the turn goes on. */
    boolean tickAimDue;

    /** Whether the thread has a counter (else only the watchdog preempts it). */
    public boolean counting() {
        return tickFd >= 0;
    }

    /** The tick of this turn at which it may be preempted next. */
    public long target() {
        return tickTarget;
    }

    /** Whether it is single-stepped toward its boundary. */
    public boolean stepping() {
        return tickStepping;
    }

    /** Whether a stop interrupted the stepping, so the approach is aimed again when its turn goes on. */
    public boolean aimDue() {
        return tickAimDue;
    }

    /** Single-steps it from here on, until the counter says the boundary is reached or passed. */
    public void startStepping() {
        tickStepping = true;
    }
}
