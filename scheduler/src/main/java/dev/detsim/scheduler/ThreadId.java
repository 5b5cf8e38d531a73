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

    // Written out: a record's generated equals/hashCode is bootstrapped through invokedynamic at its first
    // call in every run (the AOT cache does not keep it), which cost the tracer's first turns milliseconds.
    @Override
    public boolean equals(Object o) {
        return o instanceof ThreadId other && value == other.value;
    }

    @Override
    public int hashCode() {
        return Integer.hashCode(value);
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
