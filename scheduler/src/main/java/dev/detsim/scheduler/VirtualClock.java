package dev.detsim.scheduler;

/**
 * Guest time, in nanoseconds since a fixed origin (0; the tracer adds its own fixed epochs for
 * CLOCK_REALTIME and CLOCK_MONOTONIC). It moves by exactly two rules, both driven by the scheduler:
 * one {@linkplain #quantum() quantum} per turn a thread had (see {@link Scheduler#next()}), and a jump to
 * the earliest deadline when every live thread is blocked. Never by host time and never by how many times
 * the tracer retried something, so the same events give the same times.
 */
public final class VirtualClock {
    /** One microsecond per turn: coarse enough that timeouts expire in few turns, fine enough to keep order. */
    public static final long DEFAULT_QUANTUM_NANOS = 1_000;

    private final long quantum;
    private long now;

    public VirtualClock() {
        this(DEFAULT_QUANTUM_NANOS);
    }

    public VirtualClock(long quantumNanos) {
        if (quantumNanos <= 0) throw new IllegalArgumentException("the quantum must be positive, got " + quantumNanos);
        this.quantum = quantumNanos;
    }

    public long now() {
        return now;
    }

    public long quantum() {
        return quantum;
    }

    /** Charges one turn. */
    void tick() {
        now = Math.addExact(now, quantum);
    }

    /** Jumps forward to a deadline; time never goes back. */
    void advanceTo(long nanos) {
        if (nanos < now) throw new IllegalStateException("virtual clock cannot go back from " + now + " to " + nanos);
        now = nanos;
    }
}
