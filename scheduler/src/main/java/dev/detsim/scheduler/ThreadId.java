package dev.detsim.scheduler;

/**
 * A traced thread as the scheduler knows it: a virtual number (1, 2, ...) the tracer hands out in
 * creation order. Host tids are not used because they differ from run to run; ordering by this number
 * is what makes round-robin order and every report reproducible.
 */
public record ThreadId(int value) implements Comparable<ThreadId> {
    public ThreadId {
        if (value <= 0) throw new IllegalArgumentException("thread ids start at 1, got " + value);
    }

    public static ThreadId of(int value) {
        return new ThreadId(value);
    }

    @Override
    public int compareTo(ThreadId other) {
        return Integer.compare(value, other.value);
    }

    @Override
    public String toString() {
        return "thread " + value;
    }
}
