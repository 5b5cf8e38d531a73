package dev.detsim.scheduler;

/**
 * A point on the virtual clock by which a blocked thread stops waiting, or {@link #NONE}. The tracer turns
 * the guest's relative or absolute timeouts into one of these with {@link VirtualClock#now()}; the scheduler
 * never reads host time.
 */
public record Deadline(long nanos) implements Comparable<Deadline> {
    /** Waits forever (until woken, interrupted or reported in a deadlock). */
    public static final Deadline NONE = new Deadline(Long.MAX_VALUE);

    public static Deadline at(long nanos) {
        if (nanos == Long.MAX_VALUE) throw new IllegalArgumentException("use Deadline.NONE for no deadline");
        return new Deadline(nanos);
    }

    /** now + delay, saturating so a huge guest timeout means "never" rather than overflowing into the past. */
    public static Deadline after(long now, long delayNanos) {
        if (delayNanos < 0) throw new IllegalArgumentException("negative delay " + delayNanos);
        long sum = now + delayNanos;
        return sum < now || sum == Long.MAX_VALUE ? NONE : new Deadline(sum);
    }

    public boolean isNone() {
        return nanos == Long.MAX_VALUE;
    }

    /** True when the clock at now has reached this deadline. */
    public boolean passedAt(long now) {
        return !isNone() && nanos <= now;
    }

    @Override
    public int compareTo(Deadline other) {
        return Long.compare(nanos, other.nanos);
    }

    @Override
    public String toString() {
        return isNone() ? "no deadline" : "deadline " + nanos + " ns";
    }
}
